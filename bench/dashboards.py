"""Response times of the HR dashboard, a manager's team view and marketing analytics, at
1,000 and 10,000 employees, on SQLite and on PostgreSQL.

For each database and size it builds a fresh organisation with the app's own commands
(`flask content sync`, `flask demo --employees N`), serves it with gunicorn on 127.0.0.1, logs in
through the real form, and times sequential requests (after two warm-up requests).

    python -m bench.dashboards [--sizes 1000 10000] [--requests 10] [--sqlite-only | --postgres-only]

PostgreSQL: a scratch database is created and dropped on the server at PG_SERVER_URL
(default postgresql+psycopg://postgres@127.0.0.1:5432/postgres). This is a script that prints
numbers, not a test: it asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from .httpclient import Session
from .liveserver import Server, base_env, demo_email, prepare_database, run_python

PG_SERVER_URL = os.environ.get("PG_SERVER_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PAGES = (
    ("HR dashboard", "hr", "/hr"),
    ("HR overdue CSV", "hr", "/hr/export/overdue.csv"),
    ("Team (head of a department)", "head", "/team"),
    ("Analytics", "marketing", "/analytics"),
    ("Analytics, 90 days", "marketing", "/analytics?days=90"),
)
# The first synthetic person heads a department: the biggest team a manager has.
HEAD = "person00000@demo.example"
DEPARTMENT_HEAD_COUNT = """
from advocacy import create_app
from advocacy.core.orgchart import team_ids
from advocacy.identity.services import find_user_by_email
app = create_app()
with app.app_context():
    print(len(team_ids(find_user_by_email("%s").id)))
""" % HEAD


def pg(statement: str) -> None:
    import psycopg

    with psycopg.connect(PG_SERVER_URL.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(statement)


def database(kind: str, size: int, workdir: Path):
    if kind == "sqlite":
        return "sqlite:///" + str(workdir / f"dashboards-{size}.sqlite3"), lambda: None
    name = f"advocacy_dashboards_{os.getpid()}_{size}"
    pg(f'CREATE DATABASE "{name}"')
    return PG_SERVER_URL.rsplit("/", 1)[0] + "/" + name, lambda: pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def time_page(session: Session, path: str, requests: int) -> tuple[float, float, int]:
    """(median ms, slowest ms, bytes) over `requests` sequential GETs after two warm-ups."""
    for _ in range(2):
        response = session.get(path)
        if response.status != 200:
            raise RuntimeError(f"{path}: status {response.status}")
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = session.get(path)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times), len(response.body)


def measure(kind: str, size: int, requests: int, workdir: Path, log) -> list[tuple]:
    url, drop = database(kind, size, workdir)
    server = None
    try:
        started = time.perf_counter()
        prepared = prepare_database(base_env(url), employees=size, log=log)
        log(f"{kind} {size}: organisation built in {time.perf_counter() - started:.0f} s; team of {HEAD}: "
            f"{run_python(prepared.env, DEPARTMENT_HEAD_COUNT).strip()} people")
        server = Server(prepared.env, workers=1).start()
        sessions = {}
        for who in {who for _, who, _ in PAGES}:
            session = Session(server.url)
            email = HEAD if who == "head" else demo_email(who)
            if session.login(email, prepared.password).status != 302:
                raise RuntimeError(f"could not log in as {email}")
            sessions[who] = session
        return [(kind, size, name, *time_page(sessions[who], path, requests)) for name, who, path in PAGES]
    finally:
        if server:
            server.stop()
        drop()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--requests", type=int, default=10, help="timed requests per page (default 10)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--sqlite-only", action="store_true")
    group.add_argument("--postgres-only", action="store_true")
    args = parser.parse_args(argv)
    kinds = ["sqlite"] * (not args.postgres_only) + ["postgresql"] * (not args.sqlite_only)

    rows = []
    with tempfile.TemporaryDirectory(prefix="advocacy-dashboards-") as workdir:
        for kind in kinds:
            for size in args.sizes:
                rows += measure(kind, size, args.requests, Path(workdir), log=print)
    print()
    print("| database | employees | page | median ms | slowest ms | KB |")
    print("|---|---:|---|---:|---:|---:|")
    for kind, size, name, median, slowest, size_bytes in rows:
        print(f"| {kind} | {size:,} | {name} | {median:.0f} | {slowest:.0f} | {size_bytes / 1024:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

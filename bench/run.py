"""`make bench`: requests per second and latency of the app's key pages beside a bare Flask page.

Both run under gunicorn with the same settings (2 sync workers) over prepared databases; wrk, a
separate process, loads one page at a time from 127.0.0.1. The bare page is measured first and
last, and each page's throughput is printed as a ratio to the mean of the two.

    python -m bench.run [--seconds 8] [--connections 4] [--employees 10000] [--postgres]

The table goes to standard output and to bench/results/latest.md (with the machine it ran on).
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from . import bare_app
from .httpclient import Session
from .liveserver import ROOT, Server, base_env, demo_email, prepare_database, run_python
from .targets import TARGETS, WORLD_SETUP, Target

RESULTS = ROOT / "bench" / "results"
LUA = Path(__file__).with_name("wrk_report.lua")
# A phone's browser, not a bot (link previews and crawlers are not counted as clicks). The logins
# and wrk send the same one, as a browser does: with another User-Agent than at login, the session
# protection marks the session not fresh and every answer rewrites the cookie, which no real
# phone would cause.
USER_AGENT = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/126.0 Mobile Safari/537.36")
PG_SERVER_URL = os.environ.get("PG_SERVER_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@dataclass
class Measurement:
    name: str
    rps: float | None = None
    p50_ms: float | None = None
    p95_ms: float | None = None
    errors: int = 0
    note: str = ""
    goal_ratio: float | None = None


class Sessions(dict):
    """One logged-in session per demo role, made on first use."""

    def __init__(self, url: str, password: str):
        super().__init__()
        self.url, self.password = url, password

    def __missing__(self, role: str) -> Session:
        session = Session(self.url)
        session.headers["User-Agent"] = USER_AGENT
        response = session.login(demo_email(role), self.password)
        if response.status != 302:
            raise RuntimeError(f"could not log in as {role}: status {response.status}")
        self[role] = session
        return session


def wrk(url: str, seconds: int, connections: int, cookie: str = "", method: str = "GET",
        body: str = "") -> Measurement:
    env = dict(os.environ, BENCH_COOKIE=cookie, BENCH_METHOD=method, BENCH_BODY=body, BENCH_USER_AGENT=USER_AGENT)
    args = ["wrk", "--threads", "1", "--connections", str(connections), "--duration", f"{seconds}s",
            "--timeout", "10s", "--script", str(LUA), url]
    out = subprocess.run(args, env=env, capture_output=True, text=True, timeout=seconds + 60)
    match = re.search(r"BENCH-RESULT (.*)", out.stdout)
    if out.returncode != 0 or not match:
        return Measurement("", note=f"wrk failed: {out.stdout[-300:]} {out.stderr[-300:]}")
    fields = dict(item.split("=") for item in match.group(1).split())
    values = {key: int(value) for key, value in fields.items()}
    # Reconnections after gunicorn's sync workers close a connection are not failures.
    errors = values["status"] + values["timeout"] + values["connect"]
    return Measurement("", rps=values["requests"] / (values["duration_us"] / 1e6),
                       p50_ms=values["p50_us"] / 1000, p95_ms=values["p95_us"] / 1000, errors=errors)


def measure_target(target: Target, server: Server, sessions: Sessions, args) -> Measurement:
    result = Measurement(target.name, goal_ratio=target.goal_ratio)
    try:
        path = target.resolve(sessions)
    except NotImplementedError:
        path = None
    if path is None:
        result.note = "skipped: not there yet (see bench/targets.py)"
        return result
    session = sessions[target.who] if target.who else Session(server.url)
    session.headers["User-Agent"] = USER_AGENT
    fields = target.form(sessions, path) if target.form else None
    body = urllib.parse.urlencode(fields) if fields else ""
    check = session.request(target.method, path, form=fields)
    if check.status == 404:
        result.note = f"skipped: {path} answers 404"
        return result
    if check.status != target.expect:
        result.note = f"ERROR: {target.method} {path} answered {check.status}, expected {target.expect}"
        result.errors = 1
        return result
    wrk(server.url + path, 1, args.connections, session.cookie_header(), target.method, body)  # warm-up
    measured = wrk(server.url + path, args.seconds, args.connections, session.cookie_header(),
                   target.method, body)
    measured.name, measured.goal_ratio = target.name, target.goal_ratio
    if "Coming soon" in check.text:
        measured.note = "placeholder page"
    if measured.errors:
        measured.note = (measured.note + f"; {measured.errors} failed requests").strip("; ")
    return measured


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {platform.system()}"


def table(rows: list[Measurement], bare_rps: float) -> str:
    lines = ["| page | requests/s | p50 ms | p95 ms | ratio to bare | note |",
             "|---|---:|---:|---:|---:|---|"]
    for row in rows:
        if row.rps is None:
            lines.append(f"| {row.name} | | | | | {row.note} |")
            continue
        ratio = row.rps / bare_rps if bare_rps else 0
        note = row.note
        if row.goal_ratio is not None and ratio < row.goal_ratio:
            note = (note + f"; below the goal of {row.goal_ratio}").strip("; ")
        lines.append(f"| {row.name} | {row.rps:.0f} | {row.p50_ms:.1f} | {row.p95_ms:.1f} | {ratio:.2f} | {note} |")
    return "\n".join(lines)


def _pg(statement: str) -> None:
    import psycopg

    with psycopg.connect(PG_SERVER_URL.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(statement)


def databases(args, workdir: Path) -> tuple[str, str, callable]:
    """(app database URL, bare database URL, clean-up) for SQLite files or a scratch PostgreSQL."""
    if not args.postgres:
        return ("sqlite:///" + str(workdir / "app.sqlite3"), "sqlite:///" + str(workdir / "bare.sqlite3"),
                lambda: None)
    name = f"advocacy_bench_{os.getpid()}"
    _pg(f'CREATE DATABASE "{name}"')
    url = PG_SERVER_URL.rsplit("/", 1)[0] + "/" + name
    return url, url, lambda: _pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=8, help="per measurement (default 8)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (default 4)")
    parser.add_argument("--employees", type=int, default=10_000, help="size of the synthetic organisation")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL (PG_SERVER_URL) instead of SQLite")
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        print("wrk is missing: `apt-get install wrk` (make bench does it)", file=sys.stderr)
        return 2
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    workdir = RESULTS / stamp
    workdir.mkdir(parents=True)
    app_url, bare_url, clean_up = databases(args, workdir)
    servers = []
    try:
        started = time.monotonic()
        print(f"preparing the databases in {workdir} ...", flush=True)
        prepared = prepare_database(base_env(app_url), employees=args.employees)
        try:
            run_python(prepared.env, WORLD_SETUP)
        except RuntimeError as error:  # the features it relies on are still moving: say so, go on
            prepared.notes.append(f"bench world setup failed, pages that need it are skipped: {error}"[:300])
        bare_app.seed(bare_url)
        print(f"  ready in {time.monotonic() - started:.0f} s", flush=True)
        app = Server(prepared.env, workers=2, log_path=workdir / "app.log").start()
        servers.append(app)
        bare = Server(dict(prepared.env, BARE_DATABASE_URL=bare_url), app="bench.bare_app:create_app()",
                      workers=2, log_path=workdir / "bare.log").start()
        servers.append(bare)
        sessions = Sessions(app.url, prepared.password)
        rows = [measure_bare(bare, args, "bare page (first)")]
        for target in TARGETS:
            print(f"measuring {target.name} ...", flush=True)
            rows.append(measure_target(target, app, sessions, args))
        rows.append(measure_bare(bare, args, "bare page (last)"))
    finally:
        for server in servers:
            server.stop()
        clean_up()
    bare_rows = [row.rps for row in (rows[0], rows[-1]) if row.rps]
    bare_rps = sum(bare_rows) / len(bare_rows) if bare_rows else 0
    if len(bare_rows) == 2 and abs(bare_rows[0] - bare_rows[1]) > 0.25 * bare_rps:
        prepared.notes.append("the bare page's first and last runs differ by more than 25%: the machine "
                              "was busy with something else, so these numbers are unreliable; run again")
    report = "\n".join([
        f"Advocacy bench, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, on {machine()}.",
        f"gunicorn 2 sync workers each; {'PostgreSQL' if args.postgres else 'SQLite'}; wrk 1 thread, "
        f"{args.connections} connections, {args.seconds} s per page; bare = mean of first and last.",
        *(f"Note: {note}" for note in prepared.notes), "",
        table(rows, bare_rps)])
    print("\n" + report)
    (workdir / "table.md").write_text(report + "\n")
    (RESULTS / "latest.md").write_text(report + "\n")
    print(f"\n(also in {RESULTS / 'latest.md'})")
    return 1 if any(row.note.startswith("ERROR") for row in rows) else 0


def measure_bare(bare: Server, args, name: str) -> Measurement:
    print(f"measuring {name} ...", flush=True)
    wrk(bare.url + "/", 1, args.connections)
    result = wrk(bare.url + "/", args.seconds, args.connections)
    result.name, result.goal_ratio = name, None
    return result


if __name__ == "__main__":
    sys.exit(main())

"""Applying a 50,000-person import through the queue, as HR does it in the browser. Prints figures;
asserts nothing.

    python -m bench.import_jobs [--people 50000] [--workers 2] [--database-url URL] [--queue-url URL]

A separate "web" process (the app's own request handling, through Flask's test client) uploads the
file, shows the preview and presses Apply; it reports how long each request took and its peak memory
(the apply request only stores the run and answers). Two `flask worker` processes apply the import
and send the invitations into a local aiosmtpd server. Figures: the requests, the time until the
run is done (and rows per second), and when the last invitation was accepted.

Without --database-url: a scratch PostgreSQL database (adv_jobs_bench_*, dropped afterwards), or
SQLite when none answers. Without --queue-url: a SQLite queue file (the laptop set-up).
"""
from __future__ import annotations

import argparse
import io
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.engine import make_url

from advocacy import create_app
from advocacy.core.db import db
from advocacy.core.directory import create_user
from advocacy.identity.sessions import bound_id
from advocacy.people.models import ImportRun
from bench.mail_queue import Counting, scratch_postgres, start_workers, stop_workers
from bench.mail_throughput import free_port


def people_csv(count: int) -> bytes:
    lines = ["email,name,department,manager_email,start_date,roles"]
    for n in range(count):
        manager = "" if n < 10 else f"person{n % 10}@example.org"
        lines.append(f"person{n}@example.org,Person {n},Department {n % 40},{manager},2026-01-05,"
                     f"{'manager' if n < 10 else ''}")
    return ("\n".join(lines) + "\n").encode()


def web(csv_path: str) -> None:
    """The web process: upload, preview, apply, as HR; prints one JSON line with its figures."""
    app = create_app({"WTF_CSRF_ENABLED": False})
    with app.app_context():
        hr = create_user("hr@example.org", "Hilde HR", roles=["hr"])
        db.session.commit()
        token = hr.session_token
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = bound_id(token, "Werkzeug/"), True
    data = open(csv_path, "rb").read()
    started = time.perf_counter()
    preview = client.post("/people/import", data={"file": (io.BytesIO(data), "people.csv")},
                          content_type="multipart/form-data")
    previewed = time.perf_counter()
    html = preview.get_data(as_text=True)
    fields = {name: re.search(rf'name="{name}" type="hidden" value="([^"]+)"', html).group(1)
              for name in ("token", "fingerprint")}
    applied = client.post("/people/import/apply", data=fields)
    answered = time.perf_counter()
    status = client.get(applied.headers["Location"] + "/status").get_json()
    print(json.dumps({"preview_status": preview.status_code, "preview_s": previewed - started,
                      "apply_status": applied.status_code, "apply_s": answered - previewed,
                      "status_after_answer": status["status"], "run": applied.headers["Location"],
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url")
    parser.add_argument("--queue-url")
    parser.add_argument("--web", help=argparse.SUPPRESS)  # internal: run as the web process
    options = parser.parse_args()
    if options.web:
        web(options.web)
        return

    folder = tempfile.mkdtemp(prefix="adv-import-jobs-")
    scratch = None if options.database_url else scratch_postgres()
    database_url = options.database_url or (scratch[0] if scratch else f"sqlite:///{folder}/bench.sqlite3")
    queue_url = options.queue_url or f"sqlite:///{folder}/queue.sqlite3"
    handler = Counting()
    port = free_port()
    server = Controller(handler, hostname="127.0.0.1", port=port)
    server.start()
    env = {**os.environ, "FLASK_APP": "advocacy", "SECRET_KEY": "bench-" + "x" * 40, "DATABASE_URL": database_url,
           "QUEUE_URL": queue_url, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port), "MAIL_USE_TLS": "false",
           "MAIL_SENDER": "Advocacy <advocacy@example.com>", "PUBLIC_URL": "https://advocacy.example.com",
           "UPLOAD_FOLDER": f"{folder}/uploads", "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"}
    os.environ.update(env)
    csv_path = f"{folder}/people.csv"
    with open(csv_path, "wb") as handle:
        handle.write(people_csv(options.people))
    workers: list[subprocess.Popen] = []
    app = create_app()
    try:
        with app.app_context():
            db.create_all()
        print(f"{options.people} people, {options.workers} worker process(es), {os.cpu_count()} CPUs, "
              f"database {make_url(database_url).get_backend_name()}, queue {queue_url.split(':')[0]}, "
              f"load average {os.getloadavg()[0]:.1f} at start")
        workers = start_workers(env, options.workers)
        started = time.perf_counter()
        answer = subprocess.run([sys.executable, "-m", "bench.import_jobs", "--web", csv_path], env=env,
                                capture_output=True, text=True)
        if answer.returncode:
            raise SystemExit("the web process failed:\n" + answer.stderr[-3000:])
        figures = json.loads(answer.stdout.strip().splitlines()[-1])
        print(f"web process: preview {figures['preview_s']:.1f} s ({figures['preview_status']}), apply answered in "
              f"{figures['apply_s'] * 1000:.0f} ms ({figures['apply_status']}, run {figures['status_after_answer']}), "
              f"peak memory {figures['peak_rss_mb']:.0f} MB")
        run_id = int(figures["run"].rsplit("/", 1)[1])
        run = None
        deadline = time.monotonic() + 3600
        while time.monotonic() < deadline:
            with app.app_context():
                run = db.session.scalar(select(ImportRun).where(ImportRun.id == run_id))
                if run is not None and run.status in ("done", "failed"):
                    break
            time.sleep(0.5)
        done = time.perf_counter()
        assert run is not None
        applied_s = done - started - figures["preview_s"] - figures["apply_s"]
        print(f"run {run.status}: {run.done} rows, {run.created} created, {run.invited} invited, "
              f"failure: {run.failure}; done {applied_s:.1f} s after Apply ({run.done / applied_s:.0f} rows/s)")
        while handler.received < run.invited and time.monotonic() < deadline:
            time.sleep(0.5)
        print(f"invitations accepted by the SMTP server: {handler.received}, the last "
              f"{time.perf_counter() - started - figures['preview_s'] - figures['apply_s']:.1f} s after Apply")
        print(f"load average {os.getloadavg()[0]:.1f} at the end")
    finally:
        stop_workers(workers)
        server.stop()
        with app.app_context():
            db.engine.dispose()
        if scratch:
            scratch[1]()


if __name__ == "__main__":
    main()

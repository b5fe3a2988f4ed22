"""Reminders through the whole path: `flask reminders send` writes the claims and the outbox, the
queue carries delivery jobs, two `flask worker` processes send them into a local aiosmtpd server.
Prints figures; asserts nothing.

    python -m bench.mail_queue [--people 100000] [--workers 2] [--database-url URL] [--queue-url URL]

Without --database-url a scratch PostgreSQL database (adv_jobs_bench_*) is made on PG_SERVER_URL
(postgresql+psycopg://postgres@127.0.0.1:5432/postgres) and dropped afterwards, or a SQLite file
when no PostgreSQL answers. Without --queue-url the queue is Redis database 3 when it answers, else a
SQLite file. Everyone is overdue for the basic tier, so each person gets one reminder mail.
Figures: time to queue (claims, outbox rows, delivery jobs), time until the last mail was accepted by
the SMTP server, and mails per second over the delivery (first to last mail the server accepted).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import date

import redis
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from advocacy import create_app
from advocacy.core.clock import utcnow
from advocacy.core.db import db
from advocacy.core.jobs import queue_of
from advocacy.core.mail import outbox_counts
from advocacy.core.organisation import User, new_session_token
from advocacy.reports.reminders import reminders_due, send_reminders
from bench.mail_throughput import free_port

PG_SERVER_URL = os.environ.get("PG_SERVER_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS_URL = "redis://127.0.0.1:6379/3"


class Counting:
    def __init__(self) -> None:
        self.received = 0
        self.first: float | None = None
        self.last: float | None = None
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            now = time.perf_counter()
            self.first = self.first or now
            self.last = now
            self.received += 1
        return "250 OK"


def scratch_postgres():
    try:
        admin = create_engine(PG_SERVER_URL, isolation_level="AUTOCOMMIT")
        name = "adv_jobs_bench_" + uuid.uuid4().hex[:8]
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # no PostgreSQL here
        print(f"(no PostgreSQL at {PG_SERVER_URL}: {type(error).__name__}; using SQLite)")
        return None

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(PG_SERVER_URL).set(database=name).render_as_string(hide_password=False), drop


def start_workers(env: dict, count: int) -> list[subprocess.Popen]:
    """`count` worker processes of one thread each, without a scheduler; a few seconds to start."""
    workers = [subprocess.Popen([sys.executable, "-m", "flask", "worker", "--workers", "1", "--no-scheduler"],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
               for _ in range(count)]
    time.sleep(3)
    return workers


def stop_workers(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.wait(30)


def redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def add_people(app, count: int) -> None:
    with app.app_context():
        for start in range(0, count, 5000):
            db.session.execute(insert(User), [
                {"email": f"person{n}@example.org", "name": f"Person {n}", "start_date": date(2025, 1, 1),
                 "session_token": new_session_token(), "active": True, "created_at": utcnow(),
                 "leaderboard_opt_in": False}
                for n in range(start, min(count, start + 5000))])
            db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2, help="worker processes (one job at a time each)")
    parser.add_argument("--database-url")
    parser.add_argument("--queue-url")
    options = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="adv-mail-queue-")
    scratch = None if options.database_url else scratch_postgres()
    database_url = options.database_url or (scratch[0] if scratch else f"sqlite:///{folder}/bench.sqlite3")
    queue_url = options.queue_url or (REDIS_URL if redis_answers() else f"sqlite:///{folder}/queue.sqlite3")
    handler = Counting()
    port = free_port()
    server = Controller(handler, hostname="127.0.0.1", port=port)
    server.start()
    env = {**os.environ, "FLASK_APP": "advocacy", "SECRET_KEY": "bench-" + "x" * 40, "DATABASE_URL": database_url,
           "QUEUE_URL": queue_url, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port), "MAIL_USE_TLS": "false",
           "MAIL_SENDER": "Advocacy <advocacy@example.com>", "PUBLIC_URL": "https://advocacy.example.com"}
    os.environ.update(env)
    workers: list[subprocess.Popen] = []
    try:
        app = create_app()
        with app.app_context():
            db.create_all()

        queue_of(app).huey.flush()
        add_people(app, options.people)
        print(f"{options.people} people, {options.workers} worker process(es), {os.cpu_count()} CPUs, "
              f"database {make_url(database_url).get_backend_name()}, queue {queue_url.split(':')[0]}, "
              f"load average {os.getloadavg()[0]:.1f} at start")
        workers = start_workers(env, options.workers)
        started = time.perf_counter()
        with app.test_request_context(base_url=env["PUBLIC_URL"]):
            now = utcnow()
            people = reminders_due(now)
            found = time.perf_counter()
            queued, _ = send_reminders(people, now)
        queued_at = time.perf_counter()
        print(f"found {len(people)} people due in {found - started:.1f} s; queued {queued} mails "
              f"(claims, outbox rows, jobs) in {queued_at - found:.1f} s ({queued / (queued_at - found):.0f}/s)")
        deadline = time.monotonic() + 3600
        while handler.received < queued and time.monotonic() < deadline:
            time.sleep(0.5)
            if any(worker.poll() is not None for worker in workers):
                print("a worker stopped")
                break
        done = time.perf_counter()
        with app.app_context():
            counts = outbox_counts()
        rate = handler.received / ((handler.last or done) - (handler.first or started)) if handler.received > 1 else 0
        print(f"delivered {handler.received} mails; last accepted {done - started:.1f} s after the start")
        print(f"delivery: {rate:.0f} mails/s (first to last mail the server accepted), "
              f"end to end: {handler.received / (done - started):.0f} mails/s; outbox {counts}")
        print(f"load average {os.getloadavg()[0]:.1f} at the end")
    finally:
        stop_workers(workers)
        server.stop()
        if scratch:
            with app.app_context():
                db.engine.dispose()
            scratch[1]()


if __name__ == "__main__":
    main()

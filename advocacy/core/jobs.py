"""Background work on a job queue (Huey): jobs, periodic jobs, and enqueuing after the commit.

Why Huey: one small, well-kept library that has both storages this app needs — an embedded SQLite
file for a laptop (`make run` needs nothing more) and Redis for production — with retries, delays
with backoff and periodic tasks built in.

`QUEUE_URL` says where the queue lives: empty means a SQLite file in the instance folder,
`sqlite:///path` a SQLite file elsewhere, `redis://host:port/db` Redis (several hosts share it).

A feature declares a job at import time with `@job("name")` (or `@periodic("name", crontab)`); the
function receives ids and plain values only, never objects of a session. Each app builds its own
queue from those declarations the first time it needs one. When a job runs it gets an app context
with a request context on PUBLIC_URL (mail links use url_for) and one `unit_of_work()`: the job
commits once at its end, or does its chunks in their own `unit_of_work()` blocks and commits each.

`enqueue("name", *args)` never runs inside the caller's transaction: it waits for the commit that
caused it (`after_commit`), so a job never sees data that a rollback took back. When the queue
cannot be reached the job is logged as lost; whatever must not be lost (mail) has a row in the
database and a periodic sweep that finds it.

`flask worker` runs the consumer (README, "Background jobs"). Tests set QUEUE_IMMEDIATE, which runs
each job at once when it is enqueued, on the same real storage.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from huey import Huey, RedisHuey, SqliteHuey, crontab  # noqa: F401  (crontab: for @periodic callers)
from huey.consumer import Consumer
from sqlalchemy import String, UniqueConstraint, delete
from sqlalchemy.orm import Mapped, mapped_column

from advocacy.core import health, logs, metrics
from advocacy.core.clock import UTCDateTime, utcnow
from advocacy.core.db import Model, db, insert_ignoring_conflict
from advocacy.core.transaction import after_commit, unit_of_work

log = logging.getLogger("advocacy.jobs")
_EXTENSION = "advocacy.jobs"


@dataclass(frozen=True)
class JobSpec:
    name: str
    function: Callable[..., Any]
    retries: int
    retry_delay: int
    backoff: float
    schedule: Callable[[datetime], bool] | None = None


JOBS: dict[str, JobSpec] = {}


def job(name: str, *, retries: int = 5, retry_delay: int = 10, backoff: float = 2.0):
    """Declare a job. A raised exception retries it after retry_delay, then delay x backoff, ..."""
    def decorator(function):
        if name in JOBS and JOBS[name].function is not function:
            raise ValueError(f"two jobs are called {name!r}")
        JOBS[name] = JobSpec(name, function, retries, retry_delay, backoff)
        return function

    return decorator


def periodic(name: str, schedule: Callable[[datetime], bool], *, retries: int = 2, retry_delay: int = 60):
    """Declare a job the scheduler starts when `schedule(now)` is true (a huey `crontab(...)`, in
    UTC). Two schedulers may both start it: the job claims its period with `claim_run`."""
    def decorator(function):
        JOBS[name] = JobSpec(name, function, retries, retry_delay, 2.0, schedule)
        return function

    return decorator


# -- the queue of one app ---------------------------------------------------------------------------

class JobQueue:
    """The Huey instance of one app, with a task for every declared job."""

    def __init__(self, app: Flask):
        self.app = app
        self.huey = make_huey(app)
        self.tasks: dict[str, Any] = {}
        for spec in JOBS.values():
            self._register(spec)

    def _register(self, spec: JobSpec) -> None:
        run = self._runner(spec)
        options = dict(retries=spec.retries, retry_delay=spec.retry_delay, retry_backoff=spec.backoff,
                       name=spec.name)
        if spec.schedule is None:
            self.tasks[spec.name] = self.huey.task(**options)(run)
        else:
            self.tasks[spec.name] = self.huey.periodic_task(spec.schedule, **options)(run)

    def _runner(self, spec: JobSpec):
        app = self.app

        def run(*args):
            # A fresh app context first: its own database session, even when the job runs at once
            # inside the commit hook of the session that enqueued it (QUEUE_IMMEDIATE). Every log
            # line of the job carries its own id; a failure counts in the metrics, then retries.
            with logs.job_context(), app.app_context(), \
                    app.test_request_context(base_url=app.config["PUBLIC_URL"]):
                try:
                    with unit_of_work():
                        return spec.function(*args)
                except Exception:
                    metrics.job_failed(spec.name)
                    raise

        run.__name__ = spec.name.replace(".", "_")
        return run

    def task(self, name: str):
        if name not in self.tasks:
            if name not in JOBS:
                raise KeyError(f"no job is called {name!r}")
            self._register(JOBS[name])
        return self.tasks[name]

    def enqueue_now(self, name: str, *args, delay: float | None = None) -> None:
        task = self.task(name)
        metrics.job_queued(name)
        if delay:
            task.schedule(args=args, delay=delay)
        else:
            task(*args)

    def pending(self) -> int:
        return self.huey.pending_count()

    def run_pending(self, limit: int = 10_000) -> int:
        """Run what is waiting, and what is scheduled for later (retries) too, in this thread: tests,
        `flask worker --drain`. Returns how many jobs ran. A job that must not run early says so
        itself (the outbox's next_attempt_at)."""
        ran = 0
        for scheduled in self.huey.read_schedule(datetime.now() + timedelta(days=3650)):
            scheduled.eta = None
            self.huey.enqueue(scheduled)
        while ran < limit:
            task = self.huey.dequeue()
            if task is None:
                break
            self.huey.execute(task)
            ran += 1
        return ran


def make_huey(app: Flask) -> Huey:
    url = (app.config.get("QUEUE_URL") or "").strip()
    immediate = bool(app.config.get("QUEUE_IMMEDIATE"))
    common: dict[str, Any] = dict(results=False, utc=True, immediate=immediate, immediate_use_memory=False)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("advocacy", url=url, **common)
    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):])
    elif not url:
        path = Path(app.instance_path) / "queue.sqlite3"
    else:
        raise ValueError(f"QUEUE_URL must be empty, sqlite:///path or redis://host:port/db, not {url!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("advocacy", filename=str(path), **common)


def queue_of(app: Flask | None = None) -> JobQueue:
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    queue = app.extensions.get(_EXTENSION)
    if queue is None:
        queue = app.extensions[_EXTENSION] = JobQueue(app)
    return queue


def enqueue(name: str, *args, delay: float | None = None) -> None:
    """Put a job on the queue once the current transaction commits (nothing if it rolls back).
    Arguments are ids and plain values: the job reads fresh data in its own transaction."""
    if name not in JOBS:
        raise KeyError(f"no job is called {name!r}")
    queue = queue_of()

    def put() -> None:
        try:
            queue.enqueue_now(name, *args, delay=delay)
        except Exception:
            log.exception("could not enqueue job %s; a periodic sweep or a retry must pick its work up", name)

    after_commit(put)


# -- periodic work that runs once however many schedulers run it -----------------------------------

class ScheduledRun(Model):
    """One run of a periodic job for one period (a day, an ISO week): claimed before the work, so
    two hosts' schedulers (or a scheduler and its retry) do it once."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    period: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("name", "period"),)


def day_of(now: datetime) -> str:
    return f"{now:%Y-%m-%d}"


def week_of(now: datetime) -> str:
    year, week, _ = now.isocalendar()
    return f"{year}-W{week:02d}"


def claim_run(name: str, period: str) -> bool:
    """Claim (name, period) and commit the claim: True for the one caller that got it."""
    with unit_of_work():
        won = insert_ignoring_conflict(ScheduledRun, name=name, period=period, started_at=utcnow()) == 1
    return won


def run_once(name: str, period: str, work: Callable[[], object]) -> bool:
    """Do `work` once for this period, however many schedulers ask. If the work fails, the claim is
    withdrawn so the next tick (or the job's retry) does it; what the work committed stays done, so
    work that commits as it goes must skip what is done (the reminders' own claims do)."""
    if not claim_run(name, period):
        log.info("%s for %s: already done by another scheduler", name, period)
        return False
    try:
        work()
        db.session.commit()
    except BaseException:
        db.session.rollback()
        with unit_of_work():
            db.session.execute(delete(ScheduledRun).where(ScheduledRun.name == name, ScheduledRun.period == period))
        raise
    return True


# -- flask worker ---------------------------------------------------------------------------------

@click.command("worker")
@click.option("--workers", "-w", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Jobs run at the same time by this process.")
@click.option("--worker-type", "-k", type=click.Choice(["thread", "process"]), default="thread", show_default=True,
              help="Threads share one process; processes use every CPU (for mail-heavy hosts).")
@click.option("--scheduler/--no-scheduler", default=True, show_default=True,
              help="Also start periodic jobs (reminders, digest, sweeps). Safe on several hosts at once.")
@click.option("--drain", is_flag=True, help="Run what is waiting now, then stop (no consumer).")
@with_appcontext
def worker_command(workers, worker_type, scheduler, drain):
    """Run background jobs: imports, mail, reminders, the digest. Stop with Ctrl-C (finishes the
    jobs at hand) or SIGTERM."""
    queue = queue_of()
    if drain:
        click.echo(f"Ran {queue.run_pending()} job(s).")
        return
    if not logging.getLogger().handlers:  # the app's logging setup, when there is one, comes first
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = current_app._get_current_object()

    @queue.huey.on_startup()
    def fresh_connections():  # a forked process must not share the parent's database connections
        with app.app_context():
            db.engine.dispose(close=False)

    # Poll an idle queue at least every 2 s (SQLite storage cannot block like Redis does): an import
    # HR just started begins within a moment.
    consumer: Consumer = queue.huey.create_consumer(workers=workers, worker_type=worker_type, periodic=scheduler,
                                                   check_worker_health=True, max_delay=2.0)
    log.info("worker: %d %s(s), scheduler %s, queue %s", workers, worker_type, "on" if scheduler else "off",
             type(queue.huey.storage).__name__)
    consumer.run()


def init_app(app: Flask) -> None:
    app.cli.add_command(worker_command)
    health.add_readiness_check(app, "job_queue", lambda: queue_ready(app))


def queue_ready(app: Flask) -> bool:
    """Readiness: the queue's storage answers (Redis, or a read of the SQLite file)."""
    queue_of(app).huey.storage.queue_size()
    return True

"""The job queue (core/jobs.py) on its real storages: a SQLite file, and Redis database 3 when it answers."""
from __future__ import annotations

import os
import signal
import time
from contextlib import contextmanager

import pytest
import redis
from sqlalchemy import func, select

from advocacy import create_app
from advocacy.core.db import db as _db
from advocacy.core.directory import get_or_create_department
from advocacy.core.jobs import JOBS, ScheduledRun, claim_run, enqueue, job, queue_of
from advocacy.core.organisation import Department
from advocacy.core.transaction import unit_of_work

from .conftest import make_config

REDIS_URL = "redis://127.0.0.1:6379/3"
ATTEMPTS: dict[str, int] = {}


@job("test.add_department", retries=2, retry_delay=1)
def add_department(name: str) -> None:
    ATTEMPTS[name] = ATTEMPTS.get(name, 0) + 1
    if name.startswith("flaky") and ATTEMPTS[name] == 1:
        raise RuntimeError("the first attempt fails")
    get_or_create_department(name)


def departments() -> set[str]:
    _db.session.rollback()
    return set(_db.session.scalars(select(Department.name)))


@pytest.fixture
def queue(app, db):
    """The suite's queue with jobs left waiting (not run at once), emptied afterwards."""
    jobs = queue_of(app)
    jobs.huey.immediate = False
    jobs.huey.flush()
    yield jobs
    jobs.huey.flush()
    jobs.huey.immediate = True


@contextmanager
def running_consumer(jobs, workers=1, periodic=False):
    """Huey's own consumer (worker threads and its scheduler) in this process, as `flask worker` runs it."""
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer = jobs.huey.create_consumer(workers=workers, periodic=periodic, max_delay=0.2)
    consumer.start()
    try:
        yield consumer
    finally:
        consumer.stop(graceful=True)
        for signum, handler in saved.items():
            signal.signal(signum, handler)


def test_a_job_is_enqueued_only_after_the_commit_and_runs_in_its_own_transaction(app, queue):
    with app.test_request_context():
        enqueue("test.add_department", "Sales")
        assert queue.pending() == 0, "nothing on the queue before the commit"
        _db.session.commit()
    assert queue.pending() == 1 and departments() == set()
    assert queue.run_pending() == 1
    assert departments() == {"Sales"}


def test_a_rolled_back_transaction_enqueues_nothing(app, queue):
    with app.test_request_context():
        with pytest.raises(RuntimeError), unit_of_work():
            get_or_create_department("Legal")
            enqueue("test.add_department", "Legal")
            raise RuntimeError("the request failed")
    assert queue.pending() == 0 and departments() == set()


def test_a_failing_job_is_retried_after_its_delay(app, queue):
    with app.test_request_context(), unit_of_work():
        enqueue("test.add_department", "flaky-support")
    queue.run_pending()
    assert departments() == set() and queue.huey.scheduled_count() == 1, "waits for its retry"
    queue.run_pending()
    assert departments() == {"flaky-support"} and ATTEMPTS["flaky-support"] == 2


def test_unknown_jobs_are_refused_at_once(app, queue):
    with app.test_request_context(), pytest.raises(KeyError):
        enqueue("no.such.job")


def test_a_real_consumer_with_two_workers_runs_the_jobs(app, queue):
    with app.test_request_context(), unit_of_work():
        for n in range(6):
            enqueue("test.add_department", f"Team {n}")
    with running_consumer(queue, workers=2):
        deadline = time.monotonic() + 20
        while len(departments()) < 6 and time.monotonic() < deadline:
            time.sleep(0.1)
    assert departments() == {f"Team {n}" for n in range(6)}


def test_flask_worker_drain_runs_what_waits(app, queue):
    with app.test_request_context(), unit_of_work():
        enqueue("test.add_department", "Finance")
    result = app.test_cli_runner().invoke(args=["worker", "--drain"])
    assert result.exit_code == 0 and "Ran 1 job(s)." in result.output
    assert departments() == {"Finance"}


def test_a_period_is_claimed_once(app, db):
    assert claim_run("reminders", "2026-03-02") is True
    assert claim_run("reminders", "2026-03-02") is False
    assert claim_run("reminders", "2026-03-03") is True
    assert db.session.scalar(select(func.count(ScheduledRun.id))) == 2


def test_the_queue_url_is_checked(tmp_path):
    app = create_app(make_config("sqlite:///" + str(tmp_path / "x.sqlite3"), QUEUE_URL="ftp://queue"))
    with pytest.raises(ValueError, match="QUEUE_URL"):
        queue_of(app)


def redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def redis_queue(app, db):
    if not redis_answers():
        if os.environ.get("PEERS_REQUIRED") == "1":
            pytest.fail("PEERS_REQUIRED=1 but Redis does not answer at " + REDIS_URL)
        pytest.skip("Redis does not answer at " + REDIS_URL + " (start it, or PEERS_REQUIRED=1 to fail)")
    other = create_app(make_config(app.config["SQLALCHEMY_DATABASE_URI"], QUEUE_URL=REDIS_URL, QUEUE_IMMEDIATE=False))
    jobs = queue_of(other)
    jobs.huey.flush()
    yield other, jobs
    jobs.huey.flush()


def test_the_same_jobs_run_on_redis(redis_queue):
    other, jobs = redis_queue
    assert type(jobs.huey.storage).__name__ == "RedisStorage"
    with other.test_request_context(), unit_of_work():
        enqueue("test.add_department", "Redis team")
    assert jobs.pending() == 1
    assert jobs.run_pending() == 1
    with other.app_context():
        assert "Redis team" in set(_db.session.scalars(select(Department.name)))
        _db.session.execute(Department.__table__.delete())
        _db.session.commit()


def test_every_declared_job_is_registered_on_each_app_queue(app):
    assert {"mail.deliver", "mail.sweep", "test.add_department"} <= set(JOBS)
    assert set(JOBS) <= set(queue_of(app).tasks) | {"test.add_department"}

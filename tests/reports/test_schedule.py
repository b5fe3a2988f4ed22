"""Periodic work scheduled by the app: two hosts' schedulers start the same job, the work is done once."""
from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime

import pytest
from sqlalchemy import select

from advocacy import create_app
from advocacy.core.db import db as _db
from advocacy.core.jobs import ScheduledRun, claim_run, queue_of, run_once

from ..conftest import START, make_config
from .test_reminders import people, run  # noqa: F401  (fixture)


@pytest.fixture
def two_hosts(app, tmp_path):
    """Two apps on the same database, each with its own queue, as two hosts each running a scheduler."""
    hosts = [create_app(make_config(app.config["SQLALCHEMY_DATABASE_URI"], QUEUE_IMMEDIATE=False,
                                    QUEUE_URL=f"sqlite:///{tmp_path}/queue{n}.sqlite3")) for n in (1, 2)]
    yield hosts
    for host in hosts:
        with host.app_context():
            _db.engine.dispose()


def tick(host, when: datetime) -> list[str]:
    """What that host's scheduler does at `when` (UTC): enqueue every periodic job due then."""
    queue = queue_of(host)
    due = queue.huey.read_periodic(when.replace(tzinfo=None))
    for task in due:
        queue.huey.enqueue(task)
    return [task.name for task in due]


def test_two_schedulers_send_the_daily_reminders_once(app, people, two_hosts, frozen):  # noqa: F811
    frozen(START)  # Monday 09:00 UTC, inside the reminders' window
    started = [tick(host, START) for host in two_hosts]
    assert all("reports.reminders" in names for names in started), "both schedulers start the job"
    workers = [threading.Thread(target=queue_of(host).run_pending) for host in two_hosts]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    sent = Counter(str(m["To"]) for host in two_hosts for m in host.extensions.get("mail_outbox", []))
    assert sent == {"late@example.com": 1, "fresh@example.com": 1, "expiring@example.com": 1}
    assert _db.session.scalars(select(ScheduledRun.name)).all() == ["reports.reminders"]
    assert "Queued 0" in run(app).output, "the manual command finds everything claimed"


def test_outside_its_window_the_job_is_not_started(two_hosts):
    assert "reports.reminders" not in tick(two_hosts[0], datetime(2026, 3, 2, 3, 0))
    assert "reports.digest" in tick(two_hosts[0], datetime(2026, 3, 2, 8, 5))
    assert "reports.digest" not in tick(two_hosts[0], datetime(2026, 3, 7, 8, 5)), "not on Saturday"


def test_work_that_fails_gives_its_period_back(app, db):
    def broken():
        raise RuntimeError("the database went away")

    with app.test_request_context():
        with pytest.raises(RuntimeError):
            run_once("reports.reminders", "2026-03-02", broken)
        assert claim_run("reports.reminders", "2026-03-02") is True, "the next tick may try again"

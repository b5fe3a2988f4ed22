"""The issue's "done when": a real `flask worker` killed in the middle of sending, restarted, and
Ralph holds each statement exactly once."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from sqlalchemy import select

from advocacy.core import events
from advocacy.core.db import db
from advocacy.core.transaction import unit_of_work
from advocacy.xapi.models import XapiStatement
from advocacy.xapi.outbox import counts

from ..factories import create_user
from .relay import Relay

pytestmark = pytest.mark.peers
TOTAL = 150


def start_worker(app, relay: Relay, lrs, log_path) -> subprocess.Popen:
    env = {**os.environ, "FLASK_APP": "advocacy", "SECRET_KEY": "test-secret-key-not-for-production-0123456789",
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "QUEUE_URL": app.config["QUEUE_URL"],
           "PUBLIC_URL": app.config["PUBLIC_URL"], "XAPI_ENDPOINT": relay.endpoint, "XAPI_USERNAME": lrs.username,
           "XAPI_PASSWORD": lrs.password, "XAPI_BATCH_SIZE": "10", "XAPI_CLAIM_TIMEOUT": "2",
           "MAIL_BACKEND": "console"}
    log = open(log_path, "ab")
    return subprocess.Popen([sys.executable, "-m", "flask", "worker", "--workers", "1", "--no-scheduler"],
                            env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_for(condition, timeout: float, what: str, log_path=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    tail = log_path.read_text(errors="replace")[-3000:] if log_path and log_path.exists() else ""
    raise AssertionError(f"waited {timeout} s for {what}; outbox {outbox_counts()}\n{tail}")


def outbox_counts() -> dict[str, int]:
    db.session.rollback()
    return counts()


def test_a_worker_killed_while_sending_resends_nothing_twice(app, db, lrs, queued, tmp_path):
    queued.huey.flush()  # nothing of other tests on this queue
    people = [create_user(f"learner{n}@example.com", f"Learner {n}") for n in range(5)]
    db.session.commit()
    with unit_of_work():
        for n in range(TOTAL):
            events.publish("lesson.read", person_id=people[n % 5].id, course_slug="basic", tier="basic",
                           course_version=1, lesson_slug=f"lesson-{n}", language="en")
    assert outbox_counts()["pending"] == TOTAL and queued.pending() == 1  # one delivery job, after the commit

    log_path = tmp_path / "worker.log"
    with Relay(lrs.endpoint, delay=0.4) as relay:
        worker = start_worker(app, relay, lrs, log_path)
        try:
            wait_for(lambda: len(lrs.statements()) >= 40, 60, "Ralph to hold 40 statements", log_path)
            wait_for(lambda: relay.in_flight > 0, 10, "a batch on its way", log_path)
            worker.send_signal(signal.SIGKILL)  # no goodbye: in the middle of sending a batch
            worker.wait(10)
        finally:
            if worker.poll() is None:
                worker.kill()
        stopped = outbox_counts()
        assert stopped["sent"] < TOTAL, stopped
        in_ralph = len(lrs.statements())
        assert in_ralph < TOTAL

        worker = start_worker(app, relay, lrs, log_path)
        try:
            wait_for(lambda: outbox_counts()["sent"] == TOTAL, 90, "every statement to be sent", log_path)
        finally:
            worker.terminate()
            worker.wait(30)

    stored = [s["id"] for s in lrs.statements()]
    assert Counter(stored).most_common(1)[0][1] == 1, "a statement stored twice"
    assert set(stored) == set(db.session.scalars(select(XapiStatement.statement_id)))
    assert len(stored) == TOTAL
    assert relay.posts > TOTAL // 10, "the batch of the killed worker was sent again"
    print(f"killed with {stopped} in the outbox and {in_ralph} in Ralph; relay saw {relay.posts} POSTs, "
          f"{relay.unanswered} unanswered")

"""Learning journeys reach Ralph (a real LRS on 127.0.0.1) as exactly their statements, once each."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from advocacy.core import events
from advocacy.core.db import db
from advocacy.core.transaction import unit_of_work
from advocacy.core.jobs import queue_of
from advocacy.learning.models.quizzes import Certification
from advocacy.learning.services.certificates import announce_expiries
from advocacy.xapi.models import XapiStatement
from advocacy.xapi.outbox import counts

from ..conftest import START, YEAR_AND_A_DAY, login
from ..factories import create_user
from .journeys import curriculum_with_quiz, hand_in, journey

pytestmark = pytest.mark.peers
ADL = "http://adlnet.gov/expapi/verbs/"


def with_verb(lrs, iri: str) -> list[dict]:
    return [s for s in lrs.statements() if s["verb"]["id"] == iri]


def verbs_in(statements) -> Counter:
    return Counter(s["verb"]["display"]["en-US"] for s in statements)


def test_a_journey_arrives_in_ralph_once_with_its_result_and_context(app, client, db, employee, lrs, frozen,
                                                                     tmp_path):
    curriculum_with_quiz(app, tmp_path / "content")
    frozen(START)
    journey(client, employee)
    frozen(START + timedelta(minutes=30))

    stored = lrs.statements()
    assert verbs_in(stored) == Counter(acknowledged=1, experienced=3, attempted=2, failed=1, passed=1, earned=1)
    assert len({s["id"] for s in stored}) == len(stored) == 9
    assert {s["id"] for s in stored} == set(db.session.scalars(select(XapiStatement.statement_id)))
    assert counts() == dict(pending=0, sending=0, sent=9, failed=0)

    actor = {"objectType": "Agent", "mbox": "mailto:employee@example.com"}
    assert all(s["actor"] == actor for s in stored)  # nothing more about the person than configured
    [passed] = [s for s in stored if s["verb"]["id"] == ADL + "passed"]
    assert passed["result"]["success"] is True and passed["result"]["completion"] is True
    assert passed["result"]["score"]["scaled"] == 1.0 and passed["result"]["duration"].startswith("PT")
    assert passed["object"]["id"] == "http://advocacy.test/courses/basic/quiz"
    assert passed["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/assessment"
    assert passed["context"]["contextActivities"]["parent"][0]["id"] == "http://advocacy.test/courses/basic"
    assert passed["context"]["contextActivities"]["grouping"][0]["id"] == "http://advocacy.test/tiers/basic"
    assert passed["context"]["extensions"]["http://advocacy.test/xapi/extensions/course-version"] == 1
    assert passed["context"]["platform"] == "Advocacy" and passed["context"]["language"] == "en"
    [failed] = [s for s in stored if s["verb"]["id"] == ADL + "failed"]
    assert failed["result"]["success"] is False and failed["result"]["score"]["scaled"] < 0.8
    lesson = next(s for s in stored if s["verb"]["id"] == ADL + "experienced")
    assert lesson["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/lesson"
    assert lesson["object"]["id"].startswith("http://advocacy.test/courses/basic/lesson-")

    # A year and a day later the certification ran out: the sweep announces it once, however often it runs.
    frozen(YEAR_AND_A_DAY)
    assert announce_expiries(YEAR_AND_A_DAY) == 1
    db.session.commit()
    assert announce_expiries(YEAR_AND_A_DAY + timedelta(hours=1)) == 0
    db.session.commit()
    queue_of(app).run_pending()
    expired = with_verb(lrs, "http://advocacy.test/xapi/verbs/expired")
    assert len(expired) == 1 and expired[0]["object"]["id"] == "http://advocacy.test/tiers/basic"

    # Repeating the journey's steps sends nothing new (a lesson read twice, the policy twice).
    client.post("/courses/basic/lesson-1/done")
    client.post("/policy/acknowledge", data={"version": 1})
    assert len(lrs.statements()) == 10

    # The backfill finds every record already written: nothing new, nothing sent twice.
    result = app.test_cli_runner().invoke(args=["xapi", "backfill"])
    assert result.exit_code == 0 and "0 new statement(s)" in result.output, result.output
    queue_of(app).run_pending()
    assert len(lrs.statements()) == 10


def test_renewal_and_revocation_are_sent(app, client, db, employee, hr, lrs, frozen, tmp_path):
    curriculum_with_quiz(app, tmp_path / "content")
    frozen(START)
    journey(client, employee)
    certification = db.session.scalars(select(Certification)).one()
    # A later pass renews the same certification.
    frozen(START + timedelta(days=200))
    login(client, employee)
    hand_in(client, right=True)
    login(client, hr)
    assert client.post(f"/certifications/{certification.id}/revoke", data={"reason": "Shared a secret"}
                       ).status_code == 303
    found = verbs_in(lrs.statements())
    assert found["renewed"] == 1 and found["revoked"] == 1 and found["earned"] == 1
    revoked = with_verb(lrs, "http://advocacy.test/xapi/verbs/revoked")[0]
    assert "Shared a secret" not in str(revoked)  # HR's reason stays here


def test_backfill_sends_history_once(app, client, db, employee, lrs, frozen, tmp_path, xapi_config):
    curriculum_with_quiz(app, tmp_path / "content")
    frozen(START)
    endpoint = app.config["XAPI_ENDPOINT"]
    app.config["XAPI_ENDPOINT"] = ""  # off while the history happens
    journey(client, employee)
    assert counts()["pending"] == 0 and lrs.statements() == []
    app.config["XAPI_ENDPOINT"] = endpoint

    runner = app.test_cli_runner()
    first = runner.invoke(args=["xapi", "backfill"])
    assert first.exit_code == 0 and "9 new statement(s)" in first.output, first.output
    queue_of(app).run_pending()
    assert verbs_in(lrs.statements()) == Counter(acknowledged=1, experienced=3, attempted=2, failed=1, passed=1,
                                                 earned=1)
    second = runner.invoke(args=["xapi", "backfill"])
    assert "0 new statement(s)" in second.output
    assert len(lrs.statements()) == 9
    status = runner.invoke(args=["xapi", "status"])
    assert "sent: 9" in status.output and "failed: 0" in status.output


def test_a_statement_ralph_refuses_is_failed_alone_and_the_rest_go(app, client, db, lrs, queued, tmp_path):
    good = create_user("good@example.com", "Good")
    bad = create_user("bad@advocacy.test", "Bad")  # Ralph refuses reserved domains (422)
    db.session.commit()
    with unit_of_work():
        for person in (good, bad, good):
            for n in range(3):
                events.publish("lesson.read", person_id=person.id, course_slug="basic", tier="basic",
                               course_version=1, lesson_slug=f"lesson-{n}-{person.id}", language="en")
    assert counts()["pending"] == 6
    queued.run_pending()
    assert counts() == dict(pending=0, sending=0, sent=3, failed=3)
    failed = db.session.scalars(select(XapiStatement).where(XapiStatement.status == "failed")).all()
    assert all("HTTP 422" in row.last_error for row in failed)
    assert {s["actor"]["mbox"] for s in lrs.statements()} == {"mailto:good@example.com"}

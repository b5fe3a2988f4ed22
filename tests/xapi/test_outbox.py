"""The outbox without a journey: an LRS that is down or in trouble, erasure, the settings, the
actor as configured, the admin page."""
from __future__ import annotations

import hashlib
import socket
from datetime import timedelta

import pytest
from sqlalchemy import select

from advocacy.core import events
from advocacy.core.config import ConfigError, check, from_environment
from advocacy.core.db import db
from advocacy.core.privacy import erase_person
from advocacy.core.transaction import unit_of_work
from advocacy.xapi.models import XapiStatement
from advocacy.xapi.outbox import counts
from advocacy.xapi.statements import Person, Settings, actor_of, build, duration

from ..access import Row, cases, check as check_access
from ..conftest import START, login
from ..factories import create_user
from .relay import Relay

ADMIN_ONLY = dict(anon=302, employee=403, manager=403, hr=403, marketing=403, reviewer=403, admin=200, author=403,
                  webcare=403)
ACCESS = [
    Row("GET", "/admin/xapi", **ADMIN_ONLY),
    Row("POST", "/admin/xapi/retry", anon=302, employee=403, manager=403, hr=403, marketing=403, reviewer=403,
        author=403, webcare=403, admin=303),
]


@pytest.mark.parametrize("row, role", cases(ACCESS))
def test_access(client, world, row, role):
    check_access(client, world, row, role)


def read(person, n: int = 1) -> None:
    with unit_of_work():
        for i in range(n):
            events.publish("lesson.read", person_id=person.id, course_slug="basic", tier="basic", course_version=2,
                           lesson_slug=f"lesson-{i}", language="nl")


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_nothing_is_written_when_no_lrs_is_configured(db, employee):
    read(employee)
    assert counts()["pending"] == 0


def test_an_lrs_that_is_down_is_retried_later_and_shown(app, client, db, employee, admin, xapi_config, queued,
                                                        frozen):
    frozen(START)
    xapi_config(f"http://127.0.0.1:{closed_port()}/xAPI/")
    read(employee, 3)
    queued.run_pending()
    row = db.session.scalars(select(XapiStatement)).first()
    assert row.status == "pending" and row.attempts == 1 and "ConnectionError" in row.last_error
    assert row.next_attempt_at == START + timedelta(seconds=30)
    queued.run_pending()  # the retry job came early: the rows wait for their time
    db.session.refresh(row)
    assert row.attempts == 1
    login(client, admin)
    html = client.get("/admin/xapi").get_data(as_text=True)
    assert "(set, hidden)" not in html and "Statements waiting" in html


def test_a_busy_lrs_is_retried_with_backoff_then_delivered(app, db, employee, lrs, queued, frozen, xapi_config):
    frozen(START)
    with Relay(lrs.endpoint, status=503) as relay:
        xapi_config(relay.endpoint, lrs.username, lrs.password)
        read(employee, 2)
        queued.run_pending()
        assert counts()["pending"] == 2 and relay.posts == 1
        frozen(START + timedelta(seconds=31))
        queued.run_pending()
        row = db.session.scalars(select(XapiStatement)).first()
        db.session.refresh(row)
        assert row.attempts == 2 and row.next_attempt_at == START + timedelta(seconds=31 + 60)
        relay.status = None
        frozen(START + timedelta(seconds=100))
        queued.run_pending()
    assert counts() == dict(pending=0, sending=0, sent=2, failed=0)
    assert len(lrs.statements()) == 2


def test_a_wrong_password_keeps_the_statements_and_says_why(app, db, employee, lrs, queued, xapi_config):
    xapi_config(lrs.endpoint, lrs.username, "wrong")
    read(employee)
    queued.run_pending()
    row = db.session.scalars(select(XapiStatement)).one()
    assert row.status == "pending" and "HTTP 401" in row.last_error


def test_failed_statements_are_shown_and_sent_again_on_request(app, client, db, admin, lrs, queued):
    bad = create_user("bad@advocacy.test", "Bad")  # Ralph refuses the reserved domain (422)
    db.session.commit()
    read(bad, 2)
    queued.run_pending()
    assert counts()["failed"] == 2
    login(client, admin)
    html = client.get("/admin/xapi").get_data(as_text=True)
    assert "HTTP 422" in html and lrs.endpoint in html and lrs.password not in html and "(set, hidden)" in html
    assert client.post("/admin/xapi/retry").status_code == 303
    queued.run_pending()
    assert counts()["failed"] == 2  # still refused; each attempt visible again
    assert db.session.scalars(select(XapiStatement.attempts)).all() == [1, 1]  # counted afresh


def test_an_erased_person_is_dropped_and_nothing_more_is_sent(app, db, employee, xapi_config, queued):
    xapi_config(f"http://127.0.0.1:{closed_port()}/xAPI/")
    read(employee, 3)
    assert counts()["pending"] == 3
    with unit_of_work():
        erase_person(db.session.get(type(employee), employee.id))
    assert sum(counts().values()) == 0
    read(employee, 2)
    assert sum(counts().values()) == 0


def settings(**changes) -> Settings:
    base = dict(endpoint="https://lrs.example.com/xapi/", username="u", password="p", actor="mbox", homepage="",
                version="1.0.3", batch_size=50, timeout=10, claim_timeout=300, public_url="https://adv.example.com")
    return Settings(**{**base, **changes})


def test_the_actor_is_what_the_organisation_configured():
    person = Person(7, "Ann@Example.com", external_id="E-1007")
    assert actor_of(person, settings()) == {"objectType": "Agent", "mbox": "mailto:ann@example.com"}
    assert actor_of(person, settings(actor="mbox_sha1sum")) == {
        "objectType": "Agent", "mbox_sha1sum": hashlib.sha1(b"mailto:ann@example.com").hexdigest()}
    assert actor_of(person, settings(actor="account", homepage="https://intranet.example.com")) == {
        "objectType": "Agent", "account": {"homePage": "https://intranet.example.com", "name": "E-1007"}}
    assert actor_of(Person(8, "bo@example.com"), settings(actor="account", homepage="https://i.example.com")
                    )["account"]["name"] == "bo@example.com"
    assert actor_of(Person(9, None), settings()) is None


def test_statement_ids_are_fixed_by_the_record():
    payload = dict(person_id=7, course_slug="basic", tier="basic", course_version=3, lesson_slug="lesson-1",
                   language="nl", occurred_at="2026-03-02T09:00:00+00:00")
    [(verb, first)] = build("lesson.read", payload, Person(7, "a@example.com"), settings())
    [(_, again)] = build("lesson.read", {**payload, "occurred_at": "2026-03-03T10:00:00.123+00:00"},
                         Person(7, "a@example.com"), settings())
    assert verb == "experienced" and first["id"] == again["id"]
    assert first["context"]["language"] == "nl"
    assert first["context"]["extensions"] == {"https://adv.example.com/xapi/extensions/course-version": 3}
    assert duration("2026-03-02T09:00:00+00:00", "2026-03-02T10:12:05+00:00") == "PT1H12M5S"
    assert duration("2026-03-02T09:00:00+00:00", "2026-03-02T09:00:00+00:00") == "PT0S"


def test_the_settings_are_checked_at_start(monkeypatch, tmp_path):
    monkeypatch.setenv("XAPI_ENDPOINT", "lrs.example.com")
    monkeypatch.setenv("XAPI_ACTOR", "name")
    monkeypatch.setenv("XAPI_VERSION", "1.0")
    config = {**from_environment(str(tmp_path)), "TESTING": True}
    with pytest.raises(ConfigError) as error:
        check(config)
    text = str(error.value)
    assert "XAPI_ENDPOINT" in text and "XAPI_ACTOR='name'" in text and "XAPI_VERSION='1.0'" in text
    monkeypatch.setenv("XAPI_ENDPOINT", "https://lrs.example.com/xapi")
    monkeypatch.setenv("XAPI_ACTOR", "account")
    monkeypatch.delenv("XAPI_VERSION")
    with pytest.raises(ConfigError, match="XAPI_ACCOUNT_HOMEPAGE"):
        check({**from_environment(str(tmp_path)), "TESTING": True})
    password = tmp_path / "password"
    password.write_text("s3cret\n")
    monkeypatch.setenv("XAPI_ACTOR", "mbox")
    monkeypatch.setenv("XAPI_PASSWORD_FILE", str(password))
    config = from_environment(str(tmp_path))
    assert config["XAPI_ENDPOINT"] == "https://lrs.example.com/xapi/" and config["XAPI_PASSWORD"] == "s3cret"


def test_version_2_is_sent_only_when_the_lrs_lists_it(app, db, employee, lrs, queued, xapi_config):
    """Ralph has no /about (404): XAPI_VERSION=2.0.0 falls back to 1.0.3, and the statements go."""
    xapi_config(lrs.endpoint, lrs.username, lrs.password, version="2.0.0")
    read(employee)
    queued.run_pending()
    assert counts()["sent"] == 1

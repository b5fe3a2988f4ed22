"""Where the events come from: a post going live (at approval, or later by time, once per approved
version) or being withdrawn; a person deactivated or reactivated (leavers, SCIM)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from advocacy.core import events
from advocacy.core.db import db as _db
from advocacy.core.organisation import User
from advocacy.core.transaction import unit_of_work
from advocacy.feed import posts as post_service
from advocacy.feed.announce import announce_live
from advocacy.identity.leavers import deactivate_person, reactivate_person
from advocacy.identity.scim.protocol import PATCH_OP
from advocacy.identity.scim.tokens import create_token

from ..conftest import START
from ..feed.factories import create_post, post_values


@pytest.fixture
def heard():
    got: list[tuple[str, dict]] = []

    def listener(name, payload):
        got.append((name, payload))

    names = ["post.live", "post.withdrawn", "person.deactivated", "person.reactivated"]
    events.subscribe(names, listener)
    yield got
    events.unsubscribe(names, listener)


def run_announcer(app) -> int:
    with app.test_request_context(), unit_of_work():
        return announce_live()


def test_a_post_approved_after_its_time_is_live_at_once(app, db, marketing, reviewer, heard, frozen):
    frozen(START)
    post = create_post(marketing, reviewer, now=START, publish_at=START - timedelta(hours=1))
    _db.session.commit()
    [(name, payload)] = heard
    assert name == "post.live" and payload["post_id"] == post.id and payload["title"] == "Spring event"
    assert payload["version"] == post.approved_version and payload["url"] == f"http://advocacy.test/feed/{post.id}"
    assert run_announcer(app) == 0 and len(heard) == 1  # noticed once


def test_a_scheduled_post_goes_live_by_time_once(app, db, marketing, reviewer, heard, frozen):
    frozen(START - timedelta(days=1))
    post = create_post(marketing, reviewer, now=START - timedelta(days=1), publish_at=START)
    _db.session.commit()
    assert heard == [] and run_announcer(app) == 0
    frozen(START + timedelta(minutes=1))
    assert run_announcer(app) == 1 and run_announcer(app) == 0
    assert [(name, payload["post_id"]) for name, payload in heard] == [("post.live", post.id)]


def test_an_expired_post_is_never_announced(app, db, marketing, reviewer, heard, frozen):
    frozen(START - timedelta(days=3))
    create_post(marketing, reviewer, now=START - timedelta(days=3), publish_at=START - timedelta(days=2),
                expires_at=START - timedelta(days=1))
    _db.session.commit()
    heard.clear()  # it was live at its approval (the clock was frozen before it expired)
    frozen(START)
    assert run_announcer(app) == 0 and heard == []


def test_an_approved_edit_of_a_live_post_is_live_again_then_withdrawn(app, db, marketing, reviewer, heard, frozen):
    frozen(START)
    post = create_post(marketing, reviewer, now=START, publish_at=START - timedelta(hours=1))
    _db.session.commit()
    assert post_service.edit_post(post, post_values(title="Spring event, new date",
                                                    publish_at=START - timedelta(hours=1)),
                                  marketing, post.version, START)
    post_service.approve_post(post, reviewer, post.version, "", START)
    post_service.withdraw_post(post, marketing, START)
    _db.session.commit()
    assert [(name, payload.get("version")) for name, payload in heard] == [
        ("post.live", 1), ("post.live", post.approved_version), ("post.withdrawn", post.approved_version)]
    assert heard[-1][1]["title"] == "Spring event, new date" and "url" not in heard[-1][1]


def test_withdrawing_a_post_that_never_went_live_tells_nobody(app, db, marketing, reviewer, heard, frozen):
    frozen(START)
    draft = create_post(marketing, now=START)
    scheduled = create_post(marketing, reviewer, now=START, publish_at=START + timedelta(days=1), slug="later")
    post_service.withdraw_post(draft, marketing, START)
    post_service.withdraw_post(scheduled, marketing, START)
    _db.session.commit()
    assert heard == []


def test_deactivating_and_reactivating_a_person_publish_once_each(app, db, employee, heard):
    person = _db.session.get(User, employee.id)
    assert deactivate_person(person, "import: not in the file")
    assert not deactivate_person(person, "import: not in the file")  # already: nothing more
    assert reactivate_person(person, "SCIM (Entra ID)")
    _db.session.commit()
    assert [(name, payload) for name, payload in heard] == [
        ("person.deactivated", {"person_id": employee.id, "source": "import", "occurred_at": heard[0][1]["occurred_at"]}),
        ("person.reactivated", {"person_id": employee.id, "source": "scim", "occurred_at": heard[1][1]["occurred_at"]}),
    ]


def test_scim_deactivation_is_published(app, db, client, employee, heard):
    _token, raw = create_token("Entra ID")
    _db.session.commit()
    body = {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "active", "value": False}]}
    answer = client.patch(f"/scim/v2/Users/{employee.id}", json=body,
                          headers={"Authorization": f"Bearer {raw}"}, content_type="application/scim+json")
    assert answer.status_code == 200
    assert [(name, payload["person_id"], payload["source"]) for name, payload in heard] == [
        ("person.deactivated", employee.id, "scim")]

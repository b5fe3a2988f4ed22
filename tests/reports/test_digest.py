"""`flask digest send`: new live posts to certified people, with a one-click unsubscribe link."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer

from advocacy.core.db import db as _db
from advocacy.core.organisation import User

from ..conftest import START
from ..factories import create_department
from ..feed.factories import certify, create_live_post
from .factories import acknowledge, create_policy


@pytest.fixture
def digest_world(world, frozen):
    frozen(START)
    marketing_department = create_department("Field sales")
    certify(world["employee"], "basic")
    certify(world["manager"], "basic")
    world["manager"].digest_unsubscribed_at = START - timedelta(days=3)
    posts = {
        "news": world["post"],  # "Spring event", live since the day before START (tests/reports/conftest.py)
        "elsewhere": create_live_post(world["marketing"], world["reviewer"], title="Only for field sales",
                                      department_ids=[marketing_department.id]),
        "advanced": create_live_post(world["marketing"], world["reviewer"], title="Campaign", min_tier="advanced"),
        "old": create_live_post(world["marketing"], world["reviewer"], title="Old news",
                                publish_at=START - timedelta(days=20)),
    }
    _db.session.commit()
    return {**world, **posts}


def run(app, *args):
    return app.test_cli_runner().invoke(args=["digest", "send", *args])


def unsubscribe_path(body: str) -> str:
    return re.search(r"http://advocacy\.test(/unsubscribe/\S+)", body).group(1)


def test_the_digest_goes_to_certified_people_with_only_posts_their_feed_shows(app, digest_world, smtp):
    dry = run(app, "--dry-run")
    assert "employee@example.com: Spring event" in dry.output and smtp.messages == []
    result = run(app)
    assert result.exit_code == 0, result.output
    assert [m["to"] for m in smtp.messages] == [["employee@example.com"]], "uncertified and unsubscribed get none"
    mail = smtp.messages[0]
    assert "Spring event" in mail["subject"]
    assert "Spring event" in mail["body"] and f"/feed/{digest_world['news'].id}" in mail["body"]
    for hidden in ("Only for field sales", "Campaign", "Old news"):
        assert hidden not in mail["body"]
    link = "http://advocacy.test" + unsubscribe_path(mail["body"])
    assert str(mail["message"]["List-Unsubscribe"]).strip() == f"<{link}>"
    assert mail["message"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Queued 0" in run(app).output and len(smtp.messages) == 1, "once a week"


def test_next_week_brings_only_what_went_live_since(app, digest_world, smtp, frozen):
    run(app)
    frozen(START + timedelta(days=7))
    assert "Queued 0" in run(app).output, "nothing new, no mail"
    create_live_post(digest_world["marketing"], digest_world["reviewer"], title="Summer event",
                     publish_at=START + timedelta(days=5))
    _db.session.commit()
    frozen(START + timedelta(days=8))
    run(app)
    body = smtp.messages[-1]["body"]
    assert "Summer event" in body and "Spring event" not in body


def test_a_policy_not_acknowledged_means_no_digest_yet(app, digest_world, smtp):
    policy = create_policy(1)
    _db.session.commit()
    assert "Queued 0" in run(app).output, "the feed stays closed until the policy is acknowledged"
    acknowledge(digest_world["employee"], policy)
    _db.session.commit()
    assert "Queued 1" in run(app).output


def test_unsubscribing_takes_one_click_without_login_and_a_get_changes_nothing(app, client, digest_world, smtp):
    run(app)
    path = unsubscribe_path(smtp.messages[0]["body"])
    page = client.get(path)
    assert page.status_code == 200 and "Unsubscribe" in page.get_data(as_text=True)
    employee = _db.session.get(User, digest_world["employee"].id)
    assert employee.digest_unsubscribed_at is None, "opening the link (or a scanner) unsubscribes nobody"
    done = client.post(path)
    assert done.status_code == 200 and "no longer receive" in done.get_data(as_text=True)
    _db.session.refresh(employee)
    assert employee.digest_unsubscribed_at is not None


def test_the_one_click_post_needs_no_csrf_token_but_the_link_must_be_genuine(app, client, digest_world, smtp, csrf_on):
    run(app)
    path = unsubscribe_path(smtp.messages[0]["body"])
    token = path.rsplit("/", 1)[1]
    forged = URLSafeTimedSerializer("guessed-secret", salt="digest-unsubscribe").dumps(digest_world["other_employee"].id)
    other_purpose = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="something-else").dumps(
        digest_world["other_employee"].id)
    untimed = URLSafeSerializer(app.config["SECRET_KEY"], salt="digest-unsubscribe").dumps(
        digest_world["other_employee"].id)
    for bad in (forged, other_purpose, untimed, token[:-2] + "xx"):
        assert client.post(f"/unsubscribe/{bad}").status_code == 404
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert _db.session.get(User, digest_world["employee"].id).digest_unsubscribed_at is not None


def test_an_unsubscribe_link_expires_after_two_months(app, client, digest_world, smtp, frozen):
    frozen(START)
    run(app)
    path = unsubscribe_path(smtp.messages[0]["body"])
    frozen(START + timedelta(days=59))
    assert client.get(path).status_code == 200
    frozen(START + timedelta(days=61))
    expired = client.post(path)
    assert expired.status_code == 404 and "older than two months" in expired.get_data(as_text=True)
    assert _db.session.get(User, digest_world["employee"].id).digest_unsubscribed_at is None

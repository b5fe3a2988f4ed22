"""Inviting again the people who never accepted: a job, a count, nobody twice, nobody who accepted."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from advocacy.core.jobs import queue_of
from advocacy.identity.invitations import send_invitation
from advocacy.core.transaction import unit_of_work
from advocacy.identity.models import AuthToken
from advocacy.people.reinvite import start_reinvite

from ..conftest import START, csrf_token, login
from ..factories import create_user


def invite(db, email, name):
    person = create_user(email, name, password=None)
    send_invitation(person)
    db.session.commit()
    return person


def waiting_world(app, db, frozen):
    frozen(START)
    with app.test_request_context():
        waiting = [invite(db, f"w{n}@example.com", f"Waiting {n}") for n in range(3)]
        accepted = invite(db, "accepted@example.com", "Accepted")
    accepted.password_hash = "set"
    db.session.commit()
    frozen(START + timedelta(days=5))  # their links have expired
    with app.test_request_context():
        recent = invite(db, "recent@example.com", "Invited a minute ago")
    frozen(START + timedelta(days=5, minutes=1))
    return waiting, accepted, recent


def test_hr_sees_the_count_and_everyone_waiting_is_invited_again_once(app, client, db, hr, outbox, frozen):
    waiting, accepted, recent = waiting_world(app, db, frozen)
    outbox.clear()
    login(client, hr)
    page = client.get("/people/reinvite").get_data(as_text=True)
    assert "3 people have not accepted their invitation yet." in page
    response = client.post("/people/reinvite", follow_redirects=True)
    assert "Invitations go out again to 3 people" in response.get_data(as_text=True)
    assert sorted(str(m["To"]) for m in outbox) == ["w0@example.com", "w1@example.com", "w2@example.com"]
    client.post("/people/reinvite")  # pressed twice
    assert len(outbox) == 3, "nobody twice"
    open_links = Counter(db.session.scalars(select(AuthToken.user_id).where(AuthToken.used_at.is_(None))))
    assert all(open_links[person.id] == 1 for person in waiting), "the old link stopped working"


def test_two_jobs_at_once_invite_each_person_once(app, db, outbox, frozen):
    waiting_world(app, db, frozen)
    outbox.clear()
    queue = queue_of(app)
    queue.huey.immediate = False
    try:
        with app.test_request_context(), unit_of_work():
            start_reinvite(None)
            start_reinvite(None)
        assert queue.pending() == 2
        queue.run_pending()
    finally:
        queue.huey.immediate = True
    assert len(outbox) == 3


def test_the_command_line_re_invites_too(app, db, outbox, frozen):
    waiting_world(app, db, frozen)
    outbox.clear()
    dry = app.test_cli_runner().invoke(args=["users", "reinvite", "--dry-run"])
    assert "3 people have not accepted" in dry.output and outbox == []
    result = app.test_cli_runner().invoke(args=["users", "reinvite"])
    assert result.exit_code == 0 and "Re-inviting 3 people" in result.output and len(outbox) == 3


def test_hostile_requests_change_nothing(app, client, db, hr, employee, outbox, frozen, csrf_on):
    waiting_world(app, db, frozen)
    outbox.clear()
    login(client, employee)
    assert client.post("/people/reinvite").status_code in (400, 403)
    assert client.get("/people/reinvite").status_code == 403
    login(client, hr)
    assert client.post("/people/reinvite").status_code == 400, "no CSRF token"
    assert outbox == []
    token = csrf_token(client, "/people/reinvite")
    assert client.post("/people/reinvite", data={"csrf_token": token}).status_code == 303
    assert len(outbox) == 3

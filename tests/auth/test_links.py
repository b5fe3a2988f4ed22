import re
from datetime import timedelta

from advocacy.identity.invitations import send_invitation
from advocacy.identity.passwords import password_matches

from ..conftest import START
from ..factories import create_user


def link_path(message) -> str:
    return re.search(r"http://advocacy\.test(/\S+)", message.get_body(("plain",)).get_content()).group(1)


def invite(app, db, outbox):
    person = create_user("new@example.com", "Nina New", password=None)
    with app.test_request_context():
        send_invitation(person)
    db.session.commit()
    return person, link_path(outbox[-1])


def test_an_invitation_sets_a_password_once(app, client, db, outbox):
    person, path = invite(app, db, outbox)
    assert outbox[-1]["To"] == "new@example.com"
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": "my own good phrase", "confirm": "my own good phrase"})
    assert response.status_code == 302
    db.session.refresh(person)
    assert password_matches(person.password_hash, "my own good phrase")
    client.post("/logout")
    assert client.get(path).status_code == 404, "a used link does not work again"


def test_an_invitation_expires_after_72_hours(app, client, db, outbox, frozen):
    frozen(START)
    _, path = invite(app, db, outbox)
    frozen(START + timedelta(hours=71, minutes=59))
    assert client.get(path).status_code == 200
    frozen(START + timedelta(hours=72, minutes=1))
    response = client.get(path)
    assert response.status_code == 404 and "no longer works" in response.get_data(as_text=True)


def test_a_reset_link_works_for_one_hour(client, db, outbox, employee, frozen):
    frozen(START)
    response = client.post("/reset", data={"email": employee.email})
    assert response.status_code == 302
    path = link_path(outbox[-1])
    frozen(START + timedelta(minutes=61))
    assert client.get(path).status_code == 404
    frozen(START)
    client.post("/reset", data={"email": employee.email})
    path = link_path(outbox[-1])
    frozen(START + timedelta(minutes=30))
    assert client.post(path, data={"password": "fresh phrase here", "confirm": "fresh phrase here"}).status_code == 302


def test_asking_for_a_reset_does_not_reveal_who_has_an_account(client, db, outbox):
    response = client.post("/reset", data={"email": "stranger@example.com"}, follow_redirects=True)
    assert "If that address belongs to an account" in response.get_data(as_text=True)
    assert outbox == []


def test_a_newer_reset_link_replaces_the_older_one(client, db, outbox, employee):
    client.post("/reset", data={"email": employee.email})
    first = link_path(outbox[-1])
    client.post("/reset", data={"email": employee.email})
    assert client.get(first).status_code == 404
    assert client.get(link_path(outbox[-1])).status_code == 200


def test_the_database_keeps_only_a_hash_of_the_link(client, db, outbox, employee):
    from advocacy.identity.models import AuthToken

    client.post("/reset", data={"email": employee.email})
    raw = link_path(outbox[-1]).rsplit("/", 1)[1]
    stored = db.session.scalars(db.select(AuthToken.token_hash)).all()
    assert raw not in stored and len(stored) == 1

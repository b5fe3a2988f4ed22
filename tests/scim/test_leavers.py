"""A leaver (SCIM active false) is out of HR's counts of assigned people and gets no reset link;
their history stays; reactivating brings them back into both."""
from __future__ import annotations

from sqlalchemy import func, select

from advocacy.core.clock import utcnow
from advocacy.core.organisation import User
from advocacy.identity.scim.protocol import PATCH_OP
from advocacy.learning.status import person_status

from ..conftest import PASSWORD, login_with_form


def assigned(db) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(person_status(utcnow())))


def set_active(scim, person, value):
    body = {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "active", "value": value}]}
    assert scim.patch(f"/Users/{person.id}", body).status_code == 200


def test_a_leaver_is_not_counted_as_assigned_and_comes_back_when_reactivated(scim, db, employee, other_employee):
    before = assigned(db)
    set_active(scim, employee, False)
    assert assigned(db) == before - 1
    assert db.session.get(User, employee.id) is not None  # history stays: the person is still there
    set_active(scim, employee, True)
    assert assigned(db) == before


def test_a_leaver_gets_no_password_reset_link(scim, client, outbox, employee):
    set_active(scim, employee, False)
    client.post("/reset", data={"email": employee.email})
    assert outbox == []
    set_active(scim, employee, True)
    client.post("/reset", data={"email": employee.email})
    assert len(outbox) == 1  # the same request for an active person does send one
    login_with_form(client, employee.email, PASSWORD)
    assert client.get("/home").status_code == 200

"""Groups: a department by default; with SCIM_GROUPS=roles, a role (mapped by SCIM_ROLE_GROUPS)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from advocacy.core.audit import AuditEntry
from advocacy.core.organisation import User
from advocacy.identity.scim.protocol import PATCH_OP

GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"


def group(name, *members):
    return {"schemas": [GROUP], "displayName": name, "members": [{"value": str(m.id)} for m in members]}


def person(db, user) -> User:
    db.session.rollback()
    return db.session.get(User, user.id)


@pytest.fixture
def role_groups(app):
    app.config.update(SCIM_GROUPS="roles", SCIM_ROLE_GROUPS="Advocacy Reviewers=reviewer; Advocacy HR=hr")
    yield
    app.config.update(SCIM_GROUPS="departments", SCIM_ROLE_GROUPS="")


def test_a_group_is_a_department_and_its_members_are_in_it(scim, db, employee, other_employee):
    created = scim.post("/Groups", group("Customer Care", employee))
    assert created.status_code == 201
    group_id = created.get_json()["id"]
    assert person(db, employee).department.name == "Customer Care"
    okta_add = {"schemas": [PATCH_OP], "Operations": [
        {"op": "add", "path": "members", "value": [{"value": str(other_employee.id), "display": "Otto"}]}]}
    assert scim.patch(f"/Groups/{group_id}", okta_add).status_code == 200
    assert person(db, other_employee).department.name == "Customer Care"
    entra_remove = {"schemas": [PATCH_OP], "Operations": [
        {"op": "Remove", "path": f'members[value eq "{employee.id}"]'}]}
    answer = scim.patch(f"/Groups/{group_id}", entra_remove).get_json()
    assert [m["value"] for m in answer["members"]] == [str(other_employee.id)]
    assert person(db, employee).department is None
    found = scim.get('/Groups?filter=displayName eq "customer care"').get_json()
    assert [g["id"] for g in found["Resources"]] == [group_id]


def test_a_role_group_grants_and_takes_back_its_role(scim, db, employee, role_groups):
    created = scim.post("/Groups", group("Advocacy Reviewers", employee))
    assert created.status_code == 201, created.get_json()
    assert "reviewer" in person(db, employee).roles
    assert scim.delete(f"/Groups/{created.get_json()['id']}").status_code == 204
    assert "reviewer" not in person(db, employee).roles
    actions = db.session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "roles.change")).all()
    assert any("+ reviewer" in a for a in actions) and any("- reviewer" in a for a in actions)


def test_an_unmapped_group_is_refused_in_roles_mode(scim, db, employee, role_groups):
    answer = scim.post("/Groups", group("Football team", employee))
    assert answer.status_code == 400 and answer.get_json()["scimType"] == "invalidValue"
    assert "SCIM_ROLE_GROUPS" in answer.get_json()["detail"]
    assert person(db, employee).roles == {"employee"}


def test_members_must_be_users_here(scim, db):
    answer = scim.post("/Groups", {"schemas": [GROUP], "displayName": "Sales", "members": [{"value": "999999"}]})
    assert answer.status_code == 400 and "999999" in answer.get_json()["detail"]
    assert scim.post("/Groups", {"schemas": [GROUP], "displayName": "Sales"}).status_code == 201
    assert scim.post("/Groups", {"schemas": [GROUP], "displayName": "SALES"}).status_code == 409

"""Roles with separation of duties: one rule for who may grant what (a table), the admin page,
the import, the command line; every change in the audit log with before and after; nobody changes
their own roles or decides on a request about themselves."""
import io

import pytest
from sqlalchemy import select

from advocacy.core.audit import AuditEntry
from advocacy.core.organisation import Organisation
from advocacy.core.people_rules import ALL_ROLES, grantable_roles, role_change_refusal, roles_after_import
from advocacy.learning.models.progress import TierGrant

from ..conftest import login
from ..factories import create_user

E = frozenset({"employee"})


def r(*roles):
    return frozenset({"employee", *roles})


# -- the rule --------------------------------------------------------------------------------------

@pytest.mark.parametrize("actor, hr_extra, grantable", [
    (r("admin"), frozenset(), ALL_ROLES),
    (r("hr"), frozenset(), r("manager")),
    (r("hr"), frozenset({"marketing", "reviewer"}), r("manager", "marketing", "reviewer")),
    (r("hr"), frozenset({"admin", "hr", "author"}), r("manager", "author")),  # never hr or admin
    (r("hr", "admin"), frozenset(), ALL_ROLES),
    (r("manager"), frozenset(), frozenset()),
    (r("marketing"), frozenset({"marketing"}), frozenset()),  # the setting is HR's only
    (r("reviewer"), frozenset(), frozenset()),
    (E, frozenset(), frozenset()),
])
def test_who_may_grant_what(actor, hr_extra, grantable):
    assert grantable_roles(actor, hr_extra) == grantable


@pytest.mark.parametrize("actor, is_self, before, after, extra, refusal", [
    (r("admin"), False, E, r("marketing"), frozenset(), None),
    (r("admin"), False, r("admin"), E, frozenset(), None),                      # another admin may revoke
    (r("admin"), True, r("admin"), r("admin", "hr"), frozenset(), "own roles"),  # not their own
    (r("admin"), True, r("admin"), E, frozenset(), "own roles"),
    (r("admin"), True, r("admin"), r("admin"), frozenset(), None),              # nothing changes
    (r("hr"), False, E, r("manager"), frozenset(), None),
    (r("hr"), False, E, r("marketing"), frozenset(), "not grantable"),
    (r("hr"), False, E, r("reviewer"), frozenset(), "not grantable"),
    (r("hr"), False, E, r("hr"), frozenset(), "not grantable"),
    (r("hr"), False, E, r("admin"), frozenset({"admin"}), "not grantable"),
    (r("hr"), False, r("marketing"), E, frozenset(), "not grantable"),          # nor take it away
    (r("hr"), False, E, r("marketing"), frozenset({"marketing"}), None),
    (r("hr"), True, r("hr"), r("hr", "manager"), frozenset(), "own roles"),
    (r("marketing"), False, E, r("manager"), frozenset(), "not grantable"),
    (r("manager"), False, E, r("manager"), frozenset(), "not grantable"),
])
def test_role_changes_allowed_and_refused(actor, is_self, before, after, extra, refusal):
    assert role_change_refusal(actor, is_self, before, after, extra) == refusal


def test_an_import_sets_only_the_roles_its_importer_may_grant():
    hr_may = r("manager")
    assert roles_after_import(r("marketing"), r("manager"), hr_may) == r("marketing", "manager")
    assert roles_after_import(r("manager", "admin"), E, hr_may) == r("admin")
    assert roles_after_import(r("marketing"), E, ALL_ROLES) == E


def role_entries(db):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == "roles.change")
                              .order_by(AuditEntry.id)).all()


# -- the admin page --------------------------------------------------------------------------------

def test_an_admin_grants_and_revokes_roles_and_each_change_is_audited(client, db, admin, employee):
    login(client, admin)
    old_token = employee.session_token
    page = client.get(f"/admin/roles/{employee.id}").get_data(as_text=True)
    assert "Emma Employee" in page and 'value="marketing"' in page
    response = client.post(f"/admin/roles/{employee.id}", data={"roles": ["marketing", "reviewer"]})
    assert response.status_code == 302
    db.session.refresh(employee)
    assert employee.roles == r("marketing", "reviewer")
    assert employee.session_token != old_token  # signs in again with the new powers
    client.post(f"/admin/roles/{employee.id}", data={"roles": ["reviewer"]})
    db.session.refresh(employee)
    assert employee.roles == r("reviewer")
    entries = role_entries(db)
    assert [(e.actor_id, e.subject_id) for e in entries] == [(admin.id, employee.id)] * 2
    assert "before employee; after employee, marketing, reviewer" in entries[0].detail
    assert "before employee, marketing, reviewer; after employee, reviewer" in entries[1].detail
    assert "Emma Employee" in client.get("/admin/roles").get_data(as_text=True)


def test_an_admin_cannot_change_their_own_roles(client, db, admin):
    login(client, admin)
    assert "Nobody changes their own roles" in client.get(f"/admin/roles/{admin.id}").get_data(as_text=True)
    response = client.post(f"/admin/roles/{admin.id}", data={"roles": ["admin", "hr"]})
    assert response.status_code == 403 and "Ask another admin" in response.get_data(as_text=True)
    response = client.post(f"/admin/roles/{admin.id}", data={"roles": []})  # nor drop admin
    assert response.status_code == 403
    db.session.refresh(admin)
    assert admin.roles == r("admin") and role_entries(db) == []


def test_an_unknown_role_changes_nothing(client, db, admin, employee):
    login(client, admin)
    response = client.post(f"/admin/roles/{employee.id}", data={"roles": ["superuser"]})
    assert response.status_code == 400
    db.session.refresh(employee)
    assert employee.roles == E and role_entries(db) == []


# -- the import ------------------------------------------------------------------------------------

def upload(client, data: bytes):
    return client.post("/people/import", data={"file": (io.BytesIO(data), "people.csv")},
                       content_type="multipart/form-data")


def test_hr_import_may_not_give_marketing_or_reviewer(client, db, hr, employee):
    login(client, hr)
    for role in ("marketing", "reviewer", "hr", "author", "webcare"):
        response = upload(client, f"email,name,roles\nemployee@example.com,Emma Employee,{role}\n".encode())
        assert response.status_code == 422, role
        assert f"only an admin can give the role {role}" in response.get_data(as_text=True)
    db.session.refresh(employee)
    assert employee.roles == E


def test_hr_import_may_not_give_itself_roles(client, db, hr):
    login(client, hr)
    response = upload(client, b"email,name,roles\nhr@example.com,Hilde HR,hr manager\n")
    assert response.status_code == 422 and "cannot change your own roles" in response.get_data(as_text=True)


def test_hr_import_keeps_the_roles_hr_may_not_take_away(client, db, hr, marketing):
    login(client, hr)
    html = upload(client, b"email,name,department,roles\nmarketing@example.com,Mia Marketing,Marketing,\n")
    assert "1 people unchanged" in html.get_data(as_text=True)


def test_the_organisation_may_let_hr_give_more_roles(client, db, hr, employee):
    db.session.add(Organisation(id=1, name="Org", hr_may_grant="marketing"))
    db.session.commit()
    login(client, hr)
    response = upload(client, b"email,name,roles\nemployee@example.com,Emma Employee,marketing manager\n")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "employee, manager, marketing" in response.get_data(as_text=True)
    assert upload(client, b"email,name,roles\nemployee@example.com,Emma Employee,reviewer\n").status_code == 422


def test_cli_set_roles_is_audited(app, db, employee):
    result = app.test_cli_runner().invoke(args=["users", "set-roles", "employee@example.com", "hr,manager"])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    entries = role_entries(db)
    assert len(entries) == 1 and entries[0].actor_id is None and entries[0].subject_id == employee.id
    assert "flask users set-roles: before employee; after employee, hr, manager" in entries[0].detail


# -- requests about oneself ------------------------------------------------------------------------

def test_a_marketer_cannot_approve_their_own_expert_request(client, db, marketing):
    grant = TierGrant(user_id=marketing.id, tier="expert", status="requested")
    db.session.add(grant)
    db.session.commit()
    login(client, marketing)
    assert "Your own request" in client.get("/expert-requests").get_data(as_text=True)
    response = client.post(f"/expert-requests/{grant.id}", data={"decision": "approve"})
    assert response.status_code == 403
    db.session.refresh(grant)
    assert grant.status == "requested"
    colleague = create_user("mark2@example.com", "Mark Two", roles=["marketing"])
    db.session.commit()
    login(client, colleague)
    assert client.post(f"/expert-requests/{grant.id}", data={"decision": "approve"}).status_code == 302
    db.session.refresh(grant)
    assert grant.status == "approved"


def test_hr_cannot_open_the_advanced_tier_for_itself(client, db, hr):
    login(client, hr)
    response = client.post("/hr/advanced", data={"email": "hr@example.com"})
    assert "Nobody opens a course for themselves" in response.get_data(as_text=True)
    assert db.session.scalar(select(TierGrant).where(TierGrant.user_id == hr.id)) is None
    db.session.add(TierGrant(user_id=hr.id, tier="advanced", status="approved"))
    db.session.commit()
    assert client.post(f"/hr/advanced/{hr.id}/remove").status_code == 403
    assert db.session.scalar(select(TierGrant).where(TierGrant.user_id == hr.id)) is not None

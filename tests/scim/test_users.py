"""/scim/v2/Users as Entra ID and Okta use it: create, find, PATCH their way, leavers, bad input."""
from __future__ import annotations

from sqlalchemy import select

from advocacy.core.audit import AuditEntry
from advocacy.core.organisation import User
from advocacy.core.privacy import erase_person
from advocacy.identity.scim.protocol import ENTERPRISE_USER, PATCH_OP

from ..conftest import PASSWORD, login_with_form
from ..factories import create_user

CORE = "urn:ietf:params:scim:schemas:core:2.0:User"


def entra_user(user_name="sam@example.com", **extra):
    """A create body as Microsoft Entra ID sends it."""
    return {"schemas": [CORE, ENTERPRISE_USER], "externalId": "0b8f-entra", "userName": user_name, "active": True,
            "displayName": "Sam Seller", "name": {"givenName": "Sam", "familyName": "Seller"},
            "emails": [{"primary": True, "type": "work", "value": user_name}],
            ENTERPRISE_USER: {"department": "Sales"}, **extra}


def patch(*operations):
    return {"schemas": [PATCH_OP], "Operations": list(operations)}


def person(db, user_id) -> User:
    db.session.rollback()
    return db.session.get(User, int(user_id))


def test_a_user_is_created_with_department_and_found_by_username(scim, db):
    created = scim.post("/Users", entra_user())
    assert created.status_code == 201 and created.content_type == "application/scim+json"
    body = created.get_json()
    assert created.headers["Location"] == body["meta"]["location"]
    sam = person(db, body["id"])
    assert (sam.email, sam.name, sam.department.name, sam.active) == ("sam@example.com", "Sam Seller", "Sales", True)
    found = scim.get('/Users?filter=userName eq "SAM@example.com"').get_json()
    assert found["totalResults"] == 1 and found["Resources"][0]["id"] == body["id"]
    by_external = scim.get('/Users?filter=externalId eq "0b8f-entra"').get_json()
    assert [r["id"] for r in by_external["Resources"]] == [body["id"]]
    assert scim.get('/Users?filter=userName eq "nobody@example.com"').get_json()["totalResults"] == 0


def test_people_imported_before_the_provider_are_found_by_their_address(scim, employee):
    found = scim.get('/Users?filter=userName eq "employee@example.com"').get_json()
    assert [r["id"] for r in found["Resources"]] == [str(employee.id)]


def test_entra_patch_deactivates_without_a_path_and_with_a_string_boolean(scim, db, employee, client):
    login_with_form(client, employee.email, PASSWORD)
    assert client.get("/home").status_code == 200
    answer = scim.patch(f"/Users/{employee.id}", patch({"op": "Replace", "value": {"active": "False"}}))
    assert answer.status_code == 200 and answer.get_json()["active"] is False
    assert person(db, employee.id).active is False
    # The session ends on the next request, and signing in again is refused.
    assert client.get("/home").status_code == 302
    login_with_form(client, employee.email, PASSWORD)
    assert client.get("/home").status_code == 302
    entries = db.session.scalars(select(AuditEntry.action).where(AuditEntry.subject_id == employee.id)).all()
    assert "person.deactivated" in entries


def test_okta_patch_with_active_false_and_reactivation_restores_access(scim, db, employee, client):
    scim.patch(f"/Users/{employee.id}", patch({"op": "replace", "value": {"active": False}}))
    assert person(db, employee.id).active is False
    scim.patch(f"/Users/{employee.id}", patch({"op": "replace", "path": "active", "value": "True"}))
    assert person(db, employee.id).active is True
    login_with_form(client, employee.email, PASSWORD)
    assert client.get("/home").status_code == 200


def test_entra_replaces_the_work_address_and_enterprise_attributes(scim, db, manager):
    sam = scim.post("/Users", entra_user()).get_json()
    answer = scim.patch(f"/Users/{sam['id']}", patch(
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "sam.seller@example.com"},
        {"op": "Replace", "path": f"{ENTERPRISE_USER}:department", "value": "Marketing"},
        {"op": "Add", "path": f"{ENTERPRISE_USER}:manager", "value": str(manager.id)},
        {"op": "Replace", "path": "name.givenName", "value": "Samuel"},
    ))
    assert answer.status_code == 200, answer.get_json()
    sam_now = person(db, sam["id"])
    assert sam_now.email == "sam.seller@example.com"
    assert (sam_now.department.name, sam_now.manager_id) == ("Marketing", manager.id)
    assert answer.get_json()["name"] == {"givenName": "Samuel", "familyName": "Seller"}
    removed = scim.patch(f"/Users/{sam['id']}", patch({"op": "Remove", "path": f"{ENTERPRISE_USER}:manager"}))
    assert removed.status_code == 200 and person(db, sam["id"]).manager_id is None


def test_entra_patch_without_path_with_dotted_and_urn_keys(scim, db):
    sam = scim.post("/Users", entra_user()).get_json()
    scim.patch(f"/Users/{sam['id']}", patch({"op": "replace", "value": {
        "name.familyName": "Sellers", f"{ENTERPRISE_USER}:department": "Support", "displayName": "Sam Sellers"}}))
    sam_now = person(db, sam["id"])
    assert (sam_now.name, sam_now.department.name) == ("Sam Sellers", "Support")


def test_delete_deactivates_keeps_the_person_and_a_new_post_brings_them_back(scim, db):
    sam = scim.post("/Users", entra_user()).get_json()
    assert scim.delete(f"/Users/{sam['id']}").status_code == 204
    assert scim.get(f"/Users/{sam['id']}").status_code == 404
    kept = person(db, sam["id"])
    assert kept is not None and kept.active is False and kept.erased_at is None
    again = scim.post("/Users", entra_user())
    assert again.status_code == 201 and again.get_json()["id"] == sam["id"]
    assert person(db, sam["id"]).active is True


def test_a_duplicate_username_changes_nothing_and_is_audited(scim, db):
    scim.post("/Users", entra_user())
    before = db.session.scalar(select(User.id).order_by(User.id.desc()))
    answer = scim.post("/Users", entra_user(displayName="Someone Else"))
    assert answer.status_code == 409
    assert answer.get_json()["scimType"] == "uniqueness"
    assert "urn:ietf:params:scim:api:messages:2.0:Error" in answer.get_json()["schemas"]
    db.session.rollback()
    assert db.session.scalar(select(User.id).order_by(User.id.desc())) == before
    refused = db.session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "scim.refused")).all()
    assert len(refused) == 1 and "Entra ID" in refused[0] and "sam@example.com" in refused[0]


def test_a_schema_violation_changes_nothing_and_is_audited(scim, db, employee):
    answer = scim.patch(f"/Users/{employee.id}", patch(
        {"op": "replace", "path": "displayName", "value": "Changed"},
        {"op": "replace", "path": "active", "value": "maybe"}))
    assert answer.status_code == 400 and answer.get_json()["scimType"] == "invalidValue"
    assert "active" in answer.get_json()["detail"]
    fresh = person(db, employee.id)
    assert (fresh.name, fresh.active) == ("Emma Employee", True)
    for bad in ({"userName": ""}, {"userName": "x@example.com", "emails": [{"value": "not an address"}]},
                {"userName": "x@example.com", "name": "just a string"}):
        assert scim.post("/Users", {"schemas": [CORE], **bad}).status_code == 400
    assert scim.open("POST", "/Users", data="{not json", content_type="application/scim+json").status_code == 400
    db.session.rollback()
    assert db.session.scalar(select(User).where(User.email == "x@example.com")) is None
    assert len(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "scim.refused")).all()) == 5


def test_an_address_of_another_person_is_refused(scim, employee):
    answer = scim.post("/Users", entra_user("sam@example.com", emails=[{"value": employee.email, "primary": True}]))
    assert answer.status_code == 409 and answer.get_json()["scimType"] == "uniqueness"


def test_unsupported_filters_are_refused_in_scim_terms(scim):
    for text in ('userName co "sam"', 'nickName eq "x"', "userName eq sam", 'userName eq "a" or userName eq "b"'):
        answer = scim.get("/Users", query_string={"filter": text})
        assert answer.status_code == 400 and answer.get_json()["scimType"] == "invalidFilter", text


def test_pages_are_bounded(scim, db):
    for n in range(5):
        create_user(f"p{n}@example.com", f"Person {n}")
    db.session.commit()
    page = scim.get("/Users?startIndex=2&count=2").get_json()
    assert (page["totalResults"], page["startIndex"], page["itemsPerPage"]) == (5, 2, 2)
    huge = scim.get(f"/Users?startIndex={10**30}&count={10**30}")
    assert huge.status_code == 200 and huge.get_json()["Resources"] == []
    low = scim.get("/Users?startIndex=-5&count=-1").get_json()
    assert (low["startIndex"], low["itemsPerPage"], low["totalResults"]) == (1, 0, 5)
    assert scim.get("/Users?count=lots").get_json()["scimType"] == "invalidValue"
    assert scim.get(f"/Users/{10**30}").status_code == 404


def test_erased_people_are_not_scim_users(scim, db, employee):
    erase_person(employee)
    db.session.commit()
    assert scim.get(f"/Users/{employee.id}").status_code == 404

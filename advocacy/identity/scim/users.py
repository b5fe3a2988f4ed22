"""SCIM Users: a person as the core User schema with the enterprise extension (department and
manager), read, searched, created, replaced, patched and deleted (deactivated).

Every person who is not erased is a SCIM User, also those HR imported before the provider came:
the provider finds them with `userName eq "<address>"` and takes them over. SCIM's id is the
person's id. What only the provider needs (userName, externalId, the name's parts, every address)
lives in ScimUser beside the person.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select

from advocacy.core.audit import record
from advocacy.core.clock import utcnow
from advocacy.core.db import db
from advocacy.core.directory import get_or_create_department
from advocacy.core.organisation import User
from advocacy.core.people_rules import normalise_email, valid_email
from advocacy.identity.leavers import deactivate_person, reactivate_person
from advocacy.identity.scim.models import ScimUser
from advocacy.identity.scim.protocol import (
    CORE_USER,
    ENTERPRISE_USER,
    Filter,
    ScimError,
    apply_patch,
    as_bool,
    invalid,
)

FILTERABLE = ("userName", "externalId", "emails.value", "id")
MULTI_VALUED = frozenset({"emails"})


@dataclass(frozen=True)
class Caller:
    """Who is provisioning: the token (its name goes into the audit log) and the URL base."""

    token_name: str
    actor_id: int | None
    base_url: str

    @property
    def source(self) -> str:
        return f"SCIM ({self.token_name})"


# -- reading -------------------------------------------------------------------------------------

def _visible():
    return and_(User.erased_at.is_(None), ScimUser.deleted_at.is_(None))


def _query():
    return select(User, ScimUser).outerjoin(ScimUser, ScimUser.user_id == User.id).where(_visible())


def _condition(found: Filter):
    value = found.value
    if found.attribute == "userName":
        return or_(ScimUser.user_name_key == value.lower(),
                   and_(ScimUser.user_id.is_(None), User.email == normalise_email(value)))
    if found.attribute == "externalId":
        return ScimUser.external_id == value
    if found.attribute == "emails.value":
        return User.email == normalise_email(value)
    return User.id == (int(value) if value.isdigit() and len(value) < 10 else -1)


def search_users(found: Filter | None, start: int, count: int) -> tuple[int, list[tuple[User, ScimUser | None]]]:
    query = _query() if found is None else _query().where(_condition(found))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.execute(query.order_by(User.id).offset(start - 1).limit(count)).all() if count else []
    return total, [(user, row) for user, row in rows]


def get_user(resource_id: str) -> tuple[User, ScimUser | None]:
    if not resource_id.isdigit() or len(resource_id) > 9:
        raise ScimError(404, f"No user {resource_id}.")
    found = db.session.execute(_query().where(User.id == int(resource_id))).first()
    if found is None:
        raise ScimError(404, f"No user {resource_id}.")
    return found[0], found[1]


def location(base_url: str, kind: str, resource_id: int) -> str:
    return f"{base_url}/{kind}/{resource_id}"


def user_resource(user: User, row: ScimUser | None, base_url: str) -> dict:
    resource: dict = {"schemas": [CORE_USER, ENTERPRISE_USER], "id": str(user.id),
                      "userName": row.user_name if row else (user.email or f"person-{user.id}"),
                      "active": user.active}
    if row is None or row.display_name:
        resource["displayName"] = row.display_name if row else user.name
    if row and row.external_id:
        resource["externalId"] = row.external_id
    name = {key: value for key, value in (("givenName", row and row.given_name),
                                          ("familyName", row and row.family_name)) if value}
    if name:
        resource["name"] = name
    if row and row.emails:
        resource["emails"] = row.emails
    elif user.email:
        resource["emails"] = [{"value": user.email, "type": "work", "primary": True}]
    enterprise: dict = {}
    if user.department is not None:
        enterprise["department"] = user.department.name
    if user.manager_id is not None:
        enterprise["manager"] = {"value": str(user.manager_id), "$ref": location(base_url, "Users", user.manager_id)}
    if enterprise:
        resource[ENTERPRISE_USER] = enterprise
    modified = row.last_modified if row else user.created_at
    resource["meta"] = {"resourceType": "User", "created": _stamp(user.created_at), "lastModified": _stamp(modified),
                        "location": location(base_url, "Users", user.id)}
    return resource


def _stamp(when) -> str:
    return when.isoformat().replace("+00:00", "Z")


# -- checking what the provider sent ---------------------------------------------------------------

@dataclass
class UserFields:
    user_name: str
    external_id: str | None
    given_name: str | None
    family_name: str | None
    display_name: str | None
    emails: list[dict]
    email: str | None
    active: bool
    department: str | None
    manager_id: int | None


def _string(value, name: str, limit: int = 200) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid(f"{name} must be a string, not {value!r}.")
    value = value.strip()
    if len(value) > limit:
        raise invalid(f"{name} is longer than {limit} characters.")
    return value or None


def _key(document: dict, name: str):
    for key, value in document.items():
        if key.lower() == name.lower():
            return value
    return None


def read_user(document) -> UserFields:
    """The fields of a User body, or ScimError (invalidValue) naming what breaks the schema."""
    if not isinstance(document, dict):
        raise ScimError(400, "A User is a JSON object.", "invalidSyntax")
    user_name = _string(_key(document, "userName"), "userName", 254)
    if not user_name:
        raise invalid("userName is required.")
    name = _key(document, "name") or {}
    if not isinstance(name, dict):
        raise invalid("name must be an object with givenName and familyName.")
    given, family = _string(_key(name, "givenName"), "name.givenName"), _string(_key(name, "familyName"),
                                                                                "name.familyName")
    emails = _read_emails(_key(document, "emails"))
    email = _main_email(emails)
    if email is None and valid_email(normalise_email(user_name)):
        email = normalise_email(user_name)
    display = _string(_key(document, "displayName"), "displayName")
    active = _key(document, "active")
    enterprise = _key(document, ENTERPRISE_USER) or {}
    if not isinstance(enterprise, dict):
        raise invalid(f"{ENTERPRISE_USER} must be an object.")
    return UserFields(user_name=user_name, external_id=_string(_key(document, "externalId"), "externalId", 254),
                      given_name=given, family_name=family, display_name=display, emails=emails, email=email,
                      active=True if active is None else as_bool(active, "active"),
                      department=_string(_key(enterprise, "department"), "department", 120),
                      manager_id=_manager_id(_key(enterprise, "manager")))


def _read_emails(value) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise invalid("emails must be a list of objects with value, type and primary.")
    emails = []
    for item in value:
        if not isinstance(item, dict):
            raise invalid("Each of emails is an object with value, type and primary.")
        address = normalise_email(_string(_key(item, "value"), "emails.value", 254) or "")
        if not valid_email(address):
            raise invalid(f"emails.value {item.get('value')!r} is not an e-mail address.")
        entry: dict = {"value": address}
        if (kind := _string(_key(item, "type"), "emails.type", 40)) is not None:
            entry["type"] = kind
        if _key(item, "primary") is not None:
            entry["primary"] = as_bool(_key(item, "primary"), "emails.primary")
        emails.append(entry)
    if sum(1 for entry in emails if entry.get("primary")) > 1:
        raise invalid("At most one of emails is primary.")
    return emails


def _main_email(emails: list[dict]) -> str | None:
    """The address the person signs in with: the primary one, else the work one, else the first."""
    for wanted in (lambda e: e.get("primary"), lambda e: e.get("type") == "work", lambda e: True):
        for entry in emails:
            if wanted(entry):
                return entry["value"]
    return None


def _manager_id(value) -> int | None:
    if isinstance(value, dict):
        value = _key(value, "value")
    if value is None or value == "":
        return None
    text = str(value).strip()
    if not text.isdigit() or len(text) > 9:
        raise invalid(f"manager {value!r} is not the id of a user here.")
    return int(text)


# -- writing -------------------------------------------------------------------------------------

def _check_unique(fields: UserFields, user: User | None) -> None:
    own_id = user.id if user is not None else -1
    taken = db.session.scalar(select(ScimUser.user_id).where(ScimUser.user_name_key == fields.user_name.lower(),
                                                             ScimUser.user_id != own_id))
    if taken is None:
        taken = db.session.scalar(select(User.id).outerjoin(ScimUser, ScimUser.user_id == User.id)
                                  .where(ScimUser.user_id.is_(None), User.email == fields.user_name.lower(),
                                         User.id != own_id))
    if taken is not None:
        raise ScimError(409, f"userName {fields.user_name} is taken by another user.", "uniqueness")
    if fields.email and db.session.scalar(select(User.id).where(User.email == fields.email, User.id != own_id)):
        raise ScimError(409, f"The address {fields.email} belongs to another person.", "uniqueness")
    if fields.manager_id is not None:
        manager = db.session.get(User, fields.manager_id)
        if manager is None or manager.erased_at is not None:
            raise invalid(f"manager {fields.manager_id} is not a user here.")
        if fields.manager_id == own_id:
            raise invalid("A person cannot be their own manager.")


def _write(user: User, row: ScimUser, fields: UserFields, caller: Caller) -> None:
    row.user_name, row.user_name_key = fields.user_name, fields.user_name.lower()
    row.external_id, row.given_name, row.family_name = fields.external_id, fields.given_name, fields.family_name
    row.emails = fields.emails or None
    row.display_name = fields.display_name
    row.last_modified = utcnow()
    row.deleted_at = None
    user.name = (fields.display_name or " ".join(part for part in (fields.given_name, fields.family_name) if part)
                 or fields.user_name[:200])
    user.email = fields.email
    user.department = get_or_create_department(fields.department) if fields.department else None
    user.manager_id = fields.manager_id
    if fields.active:
        reactivate_person(user, caller.source, caller.actor_id)
    else:
        deactivate_person(user, caller.source, caller.actor_id)


def create_user(document, caller: Caller) -> tuple[User, ScimUser]:
    """A new person; or, when the provider had deleted this userName, the same person back."""
    fields = read_user(document)
    row = db.session.scalar(select(ScimUser).where(ScimUser.user_name_key == fields.user_name.lower(),
                                                   ScimUser.deleted_at.is_not(None)))
    if row is not None and row.user.erased_at is None:
        user = row.user
    else:
        user, row = User(name=fields.user_name[:200], active=fields.active), ScimUser()
        user.set_roles(())
    _check_unique(fields, user if user.id is not None else None)
    if user.id is None:
        db.session.add(user)
        db.session.flush()
        row.user_id = user.id
        db.session.add(row)
    _write(user, row, fields, caller)
    db.session.flush()
    from_audit(caller, "scim.user.created", user, fields.user_name)
    return user, row


def replace_user(user: User, row: ScimUser | None, document, caller: Caller) -> ScimUser:
    fields = read_user(document)
    _check_unique(fields, user)
    if row is None:
        row = ScimUser(user_id=user.id)
        db.session.add(row)
    _write(user, row, fields, caller)
    db.session.flush()
    from_audit(caller, "scim.user.updated", user, fields.user_name)
    return row


def patch_user(user: User, row: ScimUser | None, body, caller: Caller) -> ScimUser:
    current = user_resource(user, row, caller.base_url)
    return replace_user(user, row, apply_patch(current, body, MULTI_VALUED), caller)


def delete_user(user: User, row: ScimUser | None, caller: Caller) -> None:
    """Gone for the provider, deactivated here; history stays."""
    if row is None:
        row = ScimUser(user_id=user.id, user_name=user.email or f"person-{user.id}",
                       user_name_key=(user.email or f"person-{user.id}").lower())
        db.session.add(row)
    row.deleted_at = row.last_modified = utcnow()
    deactivate_person(user, caller.source, caller.actor_id)
    db.session.flush()
    from_audit(caller, "scim.user.deleted", user, row.user_name)


def from_audit(caller: Caller, action: str, user: User, what: str) -> None:
    record(action, f"{caller.source}: {what}", subject_id=user.id, actor_id=caller.actor_id)

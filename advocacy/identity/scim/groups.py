"""SCIM Groups, mapped to departments or to roles as the admin configures (SCIM_GROUPS).

    SCIM_GROUPS=departments   a group is a department of the same name; its members are in it
    SCIM_GROUPS=roles         a group gives its members a role: SCIM_ROLE_GROUPS maps group names to
                              roles ("Advocacy HR=hr; Advocacy Marketing=marketing"); a group
                              whose name is a role (e.g. "reviewer") needs no entry; others are refused

The mapping is taken when the group is created and kept with it.
"""
from __future__ import annotations

from sqlalchemy import func, select

from advocacy.core.audit import record
from advocacy.core.clock import utcnow
from advocacy.core.db import db
from advocacy.core.directory import get_or_create_department
from advocacy.core.organisation import Department, User
from advocacy.core.people_rules import ROLES
from advocacy.identity.roles import change_roles
from advocacy.identity.scim.models import ScimGroup, ScimGroupMember, ScimUser
from advocacy.identity.scim.protocol import CORE_GROUP, Filter, ScimError, apply_patch, invalid
from advocacy.identity.scim.users import Caller, location

FILTERABLE = ("displayName", "externalId", "id", "members.value")
MULTI_VALUED = frozenset({"members"})
MODES = ("departments", "roles")


def role_map(text: str) -> dict[str, str]:
    """'Advocacy HR=hr; Advocacy Marketing=marketing' -> {'advocacy hr': 'hr', ...}; raises
    ValueError naming an entry without '=' or an unknown role (checked at start)."""
    mapping = {}
    for entry in (part.strip() for part in text.replace("\n", ";").split(";")):
        if not entry:
            continue
        name, sep, role = entry.rpartition("=")
        if not sep or not name.strip() or role.strip().lower() not in ROLES:
            raise ValueError(f"SCIM_ROLE_GROUPS: {entry!r} is not  group name=role  with a role of {', '.join(ROLES)}")
        mapping[name.strip().lower()] = role.strip().lower()
    return mapping


# -- reading -------------------------------------------------------------------------------------

def _condition(found: Filter):
    if found.attribute == "displayName":
        return ScimGroup.display_name_key == found.value.lower()
    if found.attribute == "externalId":
        return ScimGroup.external_id == found.value
    if found.attribute == "members.value":
        member = int(found.value) if found.value.isdigit() and len(found.value) < 10 else -1
        return ScimGroup.id.in_(select(ScimGroupMember.group_id).where(ScimGroupMember.user_id == member))
    return ScimGroup.id == (int(found.value) if found.value.isdigit() and len(found.value) < 10 else -1)


def search_groups(found: Filter | None, start: int, count: int) -> tuple[int, list[ScimGroup]]:
    query = select(ScimGroup) if found is None else select(ScimGroup).where(_condition(found))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    groups = list(db.session.scalars(query.order_by(ScimGroup.id).offset(start - 1).limit(count))) if count else []
    return total, groups


def get_group(resource_id: str) -> ScimGroup:
    group = db.session.get(ScimGroup, int(resource_id)) if resource_id.isdigit() and len(resource_id) < 10 else None
    if group is None:
        raise ScimError(404, f"No group {resource_id}.")
    return group


def group_resource(group: ScimGroup, base_url: str) -> dict:
    resource: dict = {"schemas": [CORE_GROUP], "id": str(group.id), "displayName": group.display_name,
                      "members": [{"value": str(member.user_id), "$ref": location(base_url, "Users", member.user_id),
                                   "type": "User"}
                                  for member in group.members]}
    if group.external_id:
        resource["externalId"] = group.external_id
    resource["meta"] = {"resourceType": "Group", "created": _stamp(group.created_at),
                        "lastModified": _stamp(group.last_modified),
                        "location": location(base_url, "Groups", group.id)}
    return resource


def _stamp(when) -> str:
    return when.isoformat().replace("+00:00", "Z")


# -- checking and writing --------------------------------------------------------------------------

def _read(document) -> tuple[str, str | None, list[int]]:
    if not isinstance(document, dict):
        raise ScimError(400, "A Group is a JSON object.", "invalidSyntax")
    values = {key.lower(): value for key, value in document.items()}
    name = values.get("displayname")
    if not isinstance(name, str) or not name.strip():
        raise invalid("displayName is required.")
    if len(name.strip()) > 120:
        raise invalid("displayName is longer than 120 characters.")
    external = values.get("externalid")
    if external is not None and (not isinstance(external, str) or len(external) > 254):
        raise invalid("externalId must be a string of at most 254 characters.")
    members = values.get("members") or []
    if not isinstance(members, list):
        raise invalid("members must be a list of objects with a value.")
    ids = []
    for member in members:
        value = member.get("value") if isinstance(member, dict) else None
        kind = member.get("type") if isinstance(member, dict) else None
        if kind not in (None, "User"):
            raise invalid("Only users can be members; groups in groups are not supported.")
        if not isinstance(value, str) or not value.isdigit() or len(value) > 9:
            raise invalid(f"member {value!r} is not the id of a user here.")
        ids.append(int(value))
    return name.strip(), external or None, sorted(set(ids))


def _members_exist(ids: list[int]) -> None:
    if not ids:
        return
    found = set(db.session.scalars(
        select(User.id).outerjoin(ScimUser, ScimUser.user_id == User.id)
        .where(User.id.in_(ids), User.erased_at.is_(None), ScimUser.deleted_at.is_(None))))
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise invalid("No user " + ", ".join(missing) + ".")


def _check_name(name: str, group: ScimGroup | None) -> None:
    taken = db.session.scalar(select(ScimGroup.id).where(ScimGroup.display_name_key == name.lower(),
                                                         ScimGroup.id != (group.id if group else -1)))
    if taken is not None:
        raise ScimError(409, f"A group named {name} exists already.", "uniqueness")


def create_group(document, caller: Caller, mode: str, roles: dict[str, str]) -> ScimGroup:
    name, external, member_ids = _read(document)
    _check_name(name, None)
    _members_exist(member_ids)
    group = ScimGroup(display_name=name, display_name_key=name.lower(), external_id=external)
    if mode == "roles":
        role = roles.get(name.lower()) or (name.lower() if name.lower() in ROLES else None)
        if role is None:
            raise invalid(f"The group {name} maps to no role: add it to SCIM_ROLE_GROUPS (group name=role).")
        group.kind, group.role = "role", role
    else:
        group.kind, group.department = "department", get_or_create_department(name)
    db.session.add(group)
    db.session.flush()
    _set_members(group, member_ids, caller)
    record("scim.group.created", f"{caller.source}: {name} ({group.role or 'department'})", actor_id=caller.actor_id)
    return group


def replace_group(group: ScimGroup, document, caller: Caller) -> ScimGroup:
    name, external, member_ids = _read(document)
    _check_name(name, group)
    _members_exist(member_ids)
    if name != group.display_name and group.kind == "department":
        _rename_department(group, name)
    group.display_name, group.display_name_key, group.external_id = name, name.lower(), external
    _set_members(group, member_ids, caller)
    group.last_modified = utcnow()
    db.session.flush()
    return group


def _rename_department(group: ScimGroup, name: str) -> None:
    other = db.session.scalar(select(Department).where(Department.name == name))
    if other is not None and other is not group.department:
        group.department = other  # the department exists already: the group now means that one
    elif group.department is not None:
        group.department.name = name
    else:
        group.department = get_or_create_department(name)


def patch_group(group: ScimGroup, body, caller: Caller) -> ScimGroup:
    return replace_group(group, apply_patch(group_resource(group, caller.base_url), body, MULTI_VALUED), caller)


def delete_group(group: ScimGroup, caller: Caller) -> None:
    """Members lose the group's role; people keep their department (it is their history)."""
    _set_members(group, [], caller)
    record("scim.group.deleted", f"{caller.source}: {group.display_name}", actor_id=caller.actor_id)
    db.session.delete(group)
    db.session.flush()


def _set_members(group: ScimGroup, member_ids: list[int], caller: Caller) -> None:
    before = {member.user_id for member in group.members}
    wanted = set(member_ids)
    group.members = [m for m in group.members if m.user_id in wanted] + [
        ScimGroupMember(user_id=user_id) for user_id in sorted(wanted - before)]
    db.session.flush()
    for user_id in wanted - before:
        _joined(group, db.session.get(User, user_id), caller)
    for user_id in before - wanted:
        _left(group, db.session.get(User, user_id), caller)


def _joined(group: ScimGroup, person: User | None, caller: Caller) -> None:
    if person is None:
        return
    if group.kind == "role" and group.role and group.role not in person.roles:
        # The one role service: audited before and after, a fresh session. The token's admin
        # delegated these grants, so the provider acts as the operator does (actor None).
        change_roles(person, person.roles | {group.role}, actor=None,
                     source=f"{caller.source}: + {group.role} (group {group.display_name})")
    elif group.kind == "department" and group.department is not None:
        person.department = group.department


def _left(group: ScimGroup, person: User | None, caller: Caller) -> None:
    if person is None:
        return
    if group.kind == "role" and group.role and group.role in person.roles and group.role != "employee":
        still_given = db.session.scalar(
            select(ScimGroupMember.group_id).join(ScimGroup, ScimGroup.id == ScimGroupMember.group_id)
            .where(ScimGroupMember.user_id == person.id, ScimGroup.role == group.role, ScimGroup.id != group.id))
        if still_given is None:
            change_roles(person, person.roles - {group.role}, actor=None,
                         source=f"{caller.source}: - {group.role} (group {group.display_name})")
    elif group.kind == "department" and person.department_id == group.department_id:
        person.department = None

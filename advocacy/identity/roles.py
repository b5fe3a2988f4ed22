"""Changing someone's roles: the one service every way in uses (the admin page, the CSV import,
`flask users set-roles`, provisioning). It applies core/people_rules.py's rule of who may grant
what, starts a fresh session for the person whose powers changed, and writes the change, before
and after, to the audit log in the same transaction."""
from __future__ import annotations

from advocacy.core.audit import record
from advocacy.core.organisation import User
from advocacy.core.people_rules import grantable_roles, role_change_refusal
from advocacy.core.settings import organisation_settings


class RoleChangeRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # 'own roles' or 'not grantable'


def roles_text(roles) -> str:
    return ", ".join(sorted(roles)) or "—"


def roles_actor_may_grant(actor: User | None) -> frozenset[str]:
    """What `actor` may give and take away; None is the server's operator (the command line)."""
    if actor is None:
        return grantable_roles(frozenset({"admin"}))
    return grantable_roles(actor.roles, organisation_settings().hr_may_grant)


def refusal(person: User, roles, actor: User | None) -> str | None:
    if actor is None:
        return None
    after = frozenset(roles) | {"employee"}
    return role_change_refusal(actor.roles, actor.id == person.id, person.roles, after,
                               organisation_settings().hr_may_grant)


def change_roles(person: User, roles, *, actor: User | None, source: str) -> bool:
    """Give `person` exactly `roles` (employee always); False when nothing changed. Raises
    RoleChangeRefused when `actor` may not make this change (nothing is changed then)."""
    reason = refusal(person, roles, actor)
    if reason:
        raise RoleChangeRefused(reason)
    before = person.roles
    person.set_roles(roles)
    if person.roles == before:
        return False
    person.rotate_session_token()  # new powers or fewer: every session of theirs starts afresh
    record_role_change(person, before, actor, source)
    return True


def record_role_change(person: User, before: frozenset[str], actor: User | None, source: str) -> None:
    """The audit entry for a role change (also for a new person's first roles, before = nothing)."""
    record("roles.change", f"{source}: before {roles_text(before)}; after {roles_text(person.roles)}",
           subject_id=person.id, actor_id=actor.id if actor is not None else None)

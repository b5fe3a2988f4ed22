"""Leavers: deactivating a person and bringing them back.

A deactivated person is no longer an active person (`User.is_active`, core/organisation.py): every
session ends on its next request (the session token is rotated and the loader refuses them), sign-in
and password links are refused, reminders and digests skip them, and HR's reports no longer count
them as assigned. Their history (attempts, certifications, shares) and the counts built from it stay.
Reactivating restores access; they sign in again. Erasure is HR's separate step (core/privacy.py).
"""
from __future__ import annotations

from advocacy.core import events
from advocacy.core.audit import record
from advocacy.core.organisation import User


def deactivate_person(person: User, source: str, actor_id: int | None = None) -> bool:
    """False when they were inactive already (nothing changes, nothing is logged)."""
    if not person.active:
        return False
    person.active = False
    person.rotate_session_token()
    record("person.deactivated", source, subject_id=person.id, actor_id=actor_id)
    events.publish("person.deactivated", person_id=person.id, source=_source_kind(source))
    return True


def reactivate_person(person: User, source: str, actor_id: int | None = None) -> bool:
    """False when they were active already, or were erased (an erased person stays erased)."""
    if person.active or person.erased_at is not None:
        return False
    person.active = True
    person.rotate_session_token()
    record("person.reactivated", source, subject_id=person.id, actor_id=actor_id)
    events.publish("person.reactivated", person_id=person.id, source=_source_kind(source))
    return True


def _source_kind(source: str) -> str:
    """What the event says did it: "scim", "import" or "other" (the audit entry keeps the detail)."""
    word = source.strip().lower()
    for kind in ("scim", "import"):
        if word.startswith(kind) or kind in word.split():
            return kind
    return "other"

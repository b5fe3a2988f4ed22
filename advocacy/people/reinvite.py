"""Inviting again everyone who never accepted their invitation (HR's button, `flask users reinvite`).

A person is waiting when they are active, not erased, have an address, no password, and an open
invitation link. The `people.reinvite` job invites each of them again in chunks, one transaction
each. Per person the claim is a guarded UPDATE that closes their open link, only if it was made
before HR pressed the button and more than RECENT ago: two presses, two workers or a retry invite
nobody twice, and someone invited a moment ago (an import) is left alone.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import exists, select, update

from advocacy.core.audit import record
from advocacy.core.clock import utcnow
from advocacy.core.db import db, rows_changed
from advocacy.core.jobs import enqueue, job
from advocacy.core.organisation import User
from advocacy.identity.invitations import send_invitation
from advocacy.identity.models import AuthToken

log = logging.getLogger("advocacy.people.reinvite")
RECENT = timedelta(minutes=10)
CHUNK = 200


def open_invitation(before: datetime):
    return exists().where(AuthToken.user_id == User.id, AuthToken.purpose == "invite", AuthToken.used_at.is_(None),
                          AuthToken.created_at < before)


def waiting_ids(before: datetime) -> list[int]:
    return list(db.session.scalars(select(User.id).where(
        User.active.is_(True), User.erased_at.is_(None), User.email.is_not(None), User.password_hash.is_(None),
        open_invitation(before)).order_by(User.id)))


def count_waiting(now: datetime) -> int:
    return len(waiting_ids(min(now, now - RECENT)))


def start_reinvite(actor_id: int | None) -> int:
    """Enqueue the job after the commit; returns how many people it will invite (as of now)."""
    now = utcnow()
    enqueue("people.reinvite", actor_id, now.isoformat())
    return count_waiting(now)


@job("people.reinvite", retries=3, retry_delay=30)
def reinvite(actor_id: int | None, pressed_at: str) -> int:
    pressed = datetime.fromisoformat(pressed_at)
    before = min(pressed, utcnow() - RECENT)
    ids = waiting_ids(before)
    invited = 0
    for start in range(0, len(ids), CHUNK):
        for user_id in ids[start:start + CHUNK]:
            claimed = rows_changed(update(AuthToken).where(
                AuthToken.user_id == user_id, AuthToken.purpose == "invite", AuthToken.used_at.is_(None),
                AuthToken.created_at < before).values(used_at=utcnow()).execution_options(synchronize_session=False))
            if not claimed:
                continue  # another run got them first
            user = db.session.get(User, user_id)
            if user is not None and user.email:
                send_invitation(user)
                invited += 1
        db.session.commit()
    record("people.reinvite", f"{invited} invited again", actor_id=actor_id)
    log.info("re-invited %d people", invited)
    return invited

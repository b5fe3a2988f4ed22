"""Opening tiers beyond a person's department: asking for and deciding on the expert tier, HR
assigning or removing the advanced tier. Each decision is audited."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from advocacy.core.audit import record
from advocacy.core.db import db, insert_ignoring_conflict
from advocacy.learning.models.progress import TierGrant


class OwnRequest(Exception):
    """Nobody decides on a request about themselves: a marketer on their own expert request, HR
    on their own advanced tier."""


def _not_about_oneself(person_id: int, decider_id: int) -> None:
    if person_id == decider_id:
        raise OwnRequest()


def _grant_of(user_id: int, tier: str) -> TierGrant | None:
    return db.session.scalar(select(TierGrant).where(TierGrant.user_id == user_id, TierGrant.tier == tier))


def request_expert(user_id: int, now: datetime) -> TierGrant | None:
    """Ask marketing for the expert tier; asking again after a decline re-opens the request.
    None when a request is already waiting or approved (also when a double tap asked a moment ago:
    the database keeps one request)."""
    if insert_ignoring_conflict(TierGrant, user_id=user_id, tier="expert", status="requested", requested_at=now,
                                note=""):
        return _grant_of(user_id, "expert")
    grant = _grant_of(user_id, "expert")
    if grant is None or grant.status != "declined":
        return None
    grant.status, grant.requested_at, grant.decided_at, grant.decided_by_id, grant.note = (
        "requested", now, None, None, "")
    return grant


def decide_expert_request(grant: TierGrant, approve: bool, decider_id: int, note: str, now: datetime) -> None:
    _not_about_oneself(grant.user_id, decider_id)
    grant.status = "approved" if approve else "declined"
    grant.decided_at, grant.decided_by_id, grant.note = now, decider_id, note
    record("tier.expert." + grant.status, note, subject_id=grant.user_id)


def assign_advanced(person_id: int, hr_id: int, now: datetime) -> bool:
    """HR opens the advanced tier for someone outside the advanced departments (not themselves)."""
    _not_about_oneself(person_id, hr_id)
    if insert_ignoring_conflict(TierGrant, user_id=person_id, tier="advanced", status="approved", requested_at=now,
                                decided_at=now, decided_by_id=hr_id, note=""):
        record("tier.advanced.assign", "", subject_id=person_id)
        return True
    grant = _grant_of(person_id, "advanced")
    if grant is None or grant.status == "approved":
        return False
    grant.status, grant.decided_at, grant.decided_by_id = "approved", now, hr_id
    record("tier.advanced.assign", "", subject_id=person_id)
    return True


def remove_advanced(person_id: int, hr_id: int) -> bool:
    _not_about_oneself(person_id, hr_id)
    grant = _grant_of(person_id, "advanced")
    if grant is None:
        return False
    db.session.delete(grant)
    record("tier.advanced.remove", "", subject_id=person_id)
    return True

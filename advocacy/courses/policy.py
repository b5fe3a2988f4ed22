"""The current policy and who has acknowledged it."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .models import PolicyAcknowledgement, PolicyVersion


def current_policy() -> PolicyVersion | None:
    return db.session.scalar(select(PolicyVersion).order_by(PolicyVersion.version.desc()).limit(1))


def has_acknowledged_current(user_id: int) -> bool:
    """True when there is no policy yet, or the person acknowledged the newest version."""
    policy = current_policy()
    if policy is None:
        return True
    return db.session.scalar(
        select(PolicyAcknowledgement.id).where(PolicyAcknowledgement.user_id == user_id,
                                               PolicyAcknowledgement.policy_version_id == policy.id)
    ) is not None


def has_acknowledged(user_id: int, policy_id: int) -> bool:
    return db.session.scalar(
        select(PolicyAcknowledgement.id).where(PolicyAcknowledgement.user_id == user_id,
                                               PolicyAcknowledgement.policy_version_id == policy_id)
    ) is not None


def acknowledgement_of(user_id: int, policy_id: int) -> PolicyAcknowledgement | None:
    return db.session.scalar(select(PolicyAcknowledgement).where(
        PolicyAcknowledgement.user_id == user_id, PolicyAcknowledgement.policy_version_id == policy_id))

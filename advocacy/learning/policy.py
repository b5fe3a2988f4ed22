"""The current policy and who has acknowledged it."""
from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam, select

from advocacy.core.db import db
from advocacy.learning.catalogue import catalogue
from advocacy.learning.models.policy import PolicyVersion
from advocacy.learning.models.progress import PolicyAcknowledgement


def current_policy() -> PolicyVersion | None:
    return db.session.scalar(select(PolicyVersion).order_by(PolicyVersion.version.desc()).limit(1))


def current_policy_id() -> int | None:
    """The current version's id, from the process's catalogue (no query of its own)."""
    return catalogue().policy_id


def has_acknowledged_current(user_id: int) -> bool:
    """True when there is no policy yet, or the person acknowledged the newest version."""
    policy_id = current_policy_id()
    return policy_id is None or has_acknowledged(user_id, policy_id)


def acknowledged_current(record) -> bool:
    """has_acknowledged_current, from a learner's record already loaded (courses/record.py)."""
    policy_id = current_policy_id()
    return policy_id is None or policy_id in record.acknowledged


def has_acknowledged(user_id: int, policy_id: int) -> bool:
    return db.session.scalar(_acknowledged_statement(), {"user_id": user_id, "policy_id": policy_id}) is not None


@cache
def _acknowledged_statement():
    return select(PolicyAcknowledgement.id).where(PolicyAcknowledgement.user_id == bindparam("user_id"),
                                                  PolicyAcknowledgement.policy_version_id == bindparam("policy_id"))


def acknowledgement_of(user_id: int, policy_id: int) -> PolicyAcknowledgement | None:
    return db.session.scalar(select(PolicyAcknowledgement).where(
        PolicyAcknowledgement.user_id == user_id, PolicyAcknowledgement.policy_version_id == policy_id))

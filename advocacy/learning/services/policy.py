"""The policy: acknowledging the current version, publishing a new one written in the browser."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from advocacy.core import events
from advocacy.core.audit import record
from advocacy.core.db import db, insert_ignoring_conflict
from advocacy.learning.models.policy import PolicyVersion
from advocacy.learning.models.progress import PolicyAcknowledgement


def acknowledge_policy(user_id: int, policy: PolicyVersion, now: datetime) -> bool:
    """True when this acknowledged it (a second tap finds it done); publishes `policy.acknowledged`."""
    created = insert_ignoring_conflict(PolicyAcknowledgement, user_id=user_id, policy_version_id=policy.id,
                                       acknowledged_at=now) == 1
    if created:
        events.publish("policy.acknowledged", person_id=user_id, policy_version=policy.version,
                       occurred_at=now.isoformat())
    return created


def publish_policy(author_id: int, title: str, summary: str, body: str, now: datetime) -> PolicyVersion:
    """A new version written in the browser: number max+1, rendered as untrusted Markdown.
    Everyone is asked to acknowledge it (acknowledgements are per version). IntegrityError when
    another admin published the same number a moment ago (the savepoint leaves the rest intact)."""
    newest = db.session.scalar(select(func.max(PolicyVersion.version))) or 0
    policy = PolicyVersion(version=newest + 1, title=title, summary=summary, body=body, source="browser",
                           created_at=now, created_by_id=author_id)
    with db.session.begin_nested():
        db.session.add(policy)
    record("policy.publish", f"policy version {policy.version}: {title}")
    return policy

"""`flask xapi backfill`: the history already in the database as statements, once.

Every record becomes the payload its event would have had, then the same statements with the same
ids (UUIDv5 of the record): what is already in the outbox (written when it happened, or by an
earlier backfill) adds nothing, so a second backfill sends nothing new. Erased people are skipped.
Works in chunks of its own transactions; the delivery job starts after each.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import select

from advocacy.core.clock import utcnow
from advocacy.core.db import db
from advocacy.core.organisation import User
from advocacy.core.transaction import unit_of_work
from advocacy.learning.models.policy import PolicyVersion
from advocacy.learning.models.progress import LessonProgress, PolicyAcknowledgement
from advocacy.learning.models.quizzes import Attempt, Certification
from advocacy.learning.services.certificates import certification_payload, course_slug_of_version
from advocacy.learning.services.quizzes import attempt_payload
from advocacy.learning.services.reading import lesson_read_payload
from advocacy.xapi.outbox import add_statements, deliver_after_commit, settings

CHUNK = 500


Rebuild = Callable[[int], list[tuple[str, dict]]]


def _records() -> Iterator[tuple[Rebuild, int]]:
    """(how to rebuild its events, row id) for every record of a person not erased."""
    live = select(User.id).where(User.erased_at.is_(None))
    queries: list[tuple[Rebuild, Any]] = [
        (_lesson, select(LessonProgress.id).where(LessonProgress.user_id.in_(live)).order_by(LessonProgress.id)),
        (_attempt, select(Attempt.id).where(Attempt.user_id.in_(live), Attempt.submitted_at.is_not(None))
         .order_by(Attempt.id)),
        (_certification, select(Certification.id).where(Certification.user_id.in_(live)).order_by(Certification.id)),
        (_policy, select(PolicyAcknowledgement.id).where(PolicyAcknowledgement.user_id.in_(live))
         .order_by(PolicyAcknowledgement.id)),
    ]
    for rebuild, query in queries:
        for row_id in db.session.scalars(query).all():
            yield rebuild, row_id


def _attempt(row_id: int) -> list[tuple[str, dict]]:
    return [("quiz.attempt_finished", attempt_payload(db.session.get_one(Attempt, row_id)))]


def _lesson(row_id: int) -> list[tuple[str, dict]]:
    progress = db.session.get_one(LessonProgress, row_id)
    return [("lesson.read", lesson_read_payload(progress.user_id, progress.lesson_id, progress.lesson_version_id,
                                                progress.read_at))]


def _certification(row_id: int) -> list[tuple[str, dict]]:
    certification = db.session.get_one(Certification, row_id)
    found = []
    earned = certification_payload(certification)
    first = certification.first_passed_at or certification.passed_at
    found.append(("certification.earned", {**earned, "occurred_at": first.isoformat()}))
    if certification.passed_at != first:
        found.append(("certification.renewed", earned))
    base = dict(person_id=certification.user_id, certification_id=certification.id, tier=certification.tier,
                course_slug=course_slug_of_version(certification.quiz_version_id))
    if certification.revoked_at is not None:
        found.append(("certification.revoked", {**base, "reason": "",
                                                "occurred_at": certification.revoked_at.isoformat()}))
    elif certification.expires_at <= utcnow():
        found.append(("certification.expired", {**base, "expired_at": certification.expires_at.isoformat(),
                                                "occurred_at": certification.expires_at.isoformat()}))
    return found


def _policy(row_id: int) -> list[tuple[str, dict]]:
    ack = db.session.get_one(PolicyAcknowledgement, row_id)
    version = db.session.scalar(select(PolicyVersion.version).where(PolicyVersion.id == ack.policy_version_id))
    return [("policy.acknowledged", dict(person_id=ack.user_id, policy_version=version,
                                         occurred_at=ack.acknowledged_at.isoformat()))]


def backfill() -> tuple[int, int]:
    """(records read, statements new in the outbox)."""
    s = settings()
    with unit_of_work():
        rebuilders = list(_records())
    added = 0
    for start in range(0, len(rebuilders), CHUNK):
        with unit_of_work():
            chunk_added = 0
            for rebuild, row_id in rebuilders[start:start + CHUNK]:
                for name, payload in rebuild(row_id):
                    chunk_added += add_statements(name, payload, s)
            if chunk_added:
                deliver_after_commit()
            added += chunk_added
    return len(rebuilders), added

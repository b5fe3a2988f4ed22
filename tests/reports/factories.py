"""Test data for reports: certifications, policies, acknowledgements, lesson progress."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from advocacy.learning.models.courses import Course, Lesson
from advocacy.learning.models.progress import LessonProgress, PolicyAcknowledgement, TierGrant
from advocacy.learning.models.policy import PolicyVersion
from advocacy.core.db import db
from advocacy.learning.models.quizzes import Certification


def create_certification(user, tier: str = "basic", passed_at: datetime | None = None,
                         months: int = 12, expires_at: datetime | None = None) -> Certification:
    from advocacy.core.clock import utcnow

    passed_at = passed_at or utcnow()
    cert = Certification(user_id=user.id, tier=tier, passed_at=passed_at,
                         expires_at=expires_at or passed_at + timedelta(days=30 * months))
    db.session.add(cert)
    db.session.flush()
    return cert


def create_policy(version: int = 1, title: str = "Our social media policy") -> PolicyVersion:
    policy = PolicyVersion(version=version, title=title, body="Be kind.")
    db.session.add(policy)
    db.session.flush()
    return policy


def acknowledge(user, policy: PolicyVersion, at: datetime | None = None) -> PolicyAcknowledgement:
    from advocacy.core.clock import utcnow

    ack = PolicyAcknowledgement(user_id=user.id, policy_version_id=policy.id, acknowledged_at=at or utcnow())
    db.session.add(ack)
    db.session.flush()
    return ack


def grant(user, tier: str, decided_at: datetime) -> TierGrant:
    row = TierGrant(user_id=user.id, tier=tier, status="approved", requested_at=decided_at, decided_at=decided_at)
    db.session.add(row)
    db.session.flush()
    return row


def create_lesson(tier: str = "basic", slug: str = "platforms") -> Lesson:
    course = db.session.scalar(db.select(Course).where(Course.tier == tier))
    if course is None:
        course = Course(slug=f"{tier}-course", tier=tier)
        db.session.add(course)
        db.session.flush()
    lesson = Lesson(course_id=course.id, slug=slug, position=1)
    db.session.add(lesson)
    db.session.flush()
    return lesson


def read_lesson(user, lesson: Lesson, at: datetime | None = None) -> LessonProgress:
    from advocacy.core.clock import utcnow

    row = LessonProgress(user_id=user.id, lesson_id=lesson.id, read_at=at or utcnow())
    db.session.add(row)
    db.session.flush()
    return row


def started(days_ago: int, today: date) -> date:
    return today - timedelta(days=days_ago)

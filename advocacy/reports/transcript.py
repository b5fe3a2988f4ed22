"""A person's transcript: lessons read, quiz attempts, certifications, policy acknowledgements and
due dates. A fixed number of queries, whatever the person did."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from advocacy.core.db import db
from advocacy.core.settings import organisation_settings
from advocacy.learning.models.courses import Course, Lesson, LessonVersion
from advocacy.learning.models.policy import PolicyVersion
from advocacy.learning.models.progress import LessonProgress, PolicyAcknowledgement
from advocacy.learning.models.quizzes import Attempt, Certification
from advocacy.learning.status import Scope, due_dates_of, person_status
from advocacy.learning.tiers import TIERS


def tier_summary(person, now: datetime) -> list[dict]:
    status = person_status(now, Scope())
    row = db.session.execute(select(status).where(status.c.user_id == person.id)).first()
    if row is None:  # erased or inactive: no longer counted, nothing due
        return [{"tier": t, "assigned": False, "certified": False, "overdue": False, "due": None} for t in TIERS]
    dues = due_dates_of(row, organisation_settings().due_days)
    return [{"tier": t, "assigned": bool(getattr(row, f"{t}_assigned")),
             "certified": bool(getattr(row, f"{t}_certified")), "overdue": bool(getattr(row, f"{t}_overdue")),
             "due": dues[t], "due_set_by_hr": getattr(row, f"{t}_due") is not None} for t in TIERS]


def lessons_read(person_id: int):
    return db.session.execute(
        select(Course.tier, Course.slug.label("course"), Lesson.slug.label("lesson"), LessonVersion.title,
               LessonVersion.version, LessonProgress.read_at)
        .join(Lesson, Lesson.id == LessonProgress.lesson_id).join(Course, Course.id == Lesson.course_id)
        .outerjoin(LessonVersion, LessonVersion.id == LessonProgress.lesson_version_id)
        .where(LessonProgress.user_id == person_id).order_by(LessonProgress.read_at)
    ).all()


def attempts_made(person_id: int):
    return db.session.execute(
        select(Course.tier, Attempt.started_at, Attempt.submitted_at, Attempt.score, Attempt.passed,
               Attempt.timed_out)
        .join(Course, Course.id == Attempt.course_id)
        .where(Attempt.user_id == person_id).order_by(Attempt.started_at)
    ).all()


def certifications_held(person_id: int, now: datetime):
    rows = db.session.scalars(select(Certification).where(Certification.user_id == person_id)
                              .order_by(Certification.passed_at)).all()
    return [{"tier": c.tier, "code": c.code, "passed_at": c.passed_at, "expires_at": c.expires_at,
             "revoked_at": c.revoked_at, "valid": c.is_valid_at(now)} for c in rows]


def acknowledgements(person_id: int):
    return db.session.execute(
        select(PolicyVersion.version, PolicyVersion.title, PolicyAcknowledgement.acknowledged_at)
        .join(PolicyVersion, PolicyVersion.id == PolicyAcknowledgement.policy_version_id)
        .where(PolicyAcknowledgement.user_id == person_id).order_by(PolicyVersion.version)
    ).all()


def transcript_of(person, now: datetime) -> dict:
    return {"tiers": tier_summary(person, now), "lessons": lessons_read(person.id),
            "attempts": attempts_made(person.id), "certifications": certifications_held(person.id, now),
            "acknowledgements": acknowledgements(person.id)}

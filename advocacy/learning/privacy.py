"""What the learning domain holds about a person, for "download my data", and what it blanks when
HR erases someone (free text: notes on tier requests, typed quiz answers; scores stay)."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import select, update

from advocacy.core.db import db
from advocacy.core.privacy import add_eraser, add_personal_data, plain, rows_as_dicts
from advocacy.learning.models.courses import Course, Lesson
from advocacy.learning.models.progress import DueDate, LessonProgress, PolicyAcknowledgement, TierGrant
from advocacy.learning.models.quizzes import Attempt, Certification
from advocacy.learning.services.calendar import forget_address


def learning_data(user) -> dict:
    lessons = db.session.execute(
        select(Course.tier, Course.slug, Lesson.slug, LessonProgress.read_at)
        .join(Lesson, Lesson.id == LessonProgress.lesson_id).join(Course, Course.id == Lesson.course_id)
        .where(LessonProgress.user_id == user.id).order_by(LessonProgress.read_at))
    attempts = db.session.execute(
        select(Course.tier, Attempt.started_at, Attempt.submitted_at, Attempt.score, Attempt.passed)
        .join(Course, Course.id == Attempt.course_id).where(Attempt.user_id == user.id).order_by(Attempt.started_at))
    return {
        "certifications": rows_as_dicts(Certification, user.id, ("tier", "code", "passed_at", "expires_at",
                                                                 "revoked_at"), "passed_at"),
        "policy_acknowledgements": [
            {"version": ack.policy_version.version, "acknowledged_at": plain(ack.acknowledged_at)}
            for ack in db.session.scalars(select(PolicyAcknowledgement)
                                          .where(PolicyAcknowledgement.user_id == user.id)
                                          .order_by(PolicyAcknowledgement.acknowledged_at))],
        "tier_requests": rows_as_dicts(TierGrant, user.id, ("tier", "status", "requested_at", "decided_at", "note"),
                                       "requested_at"),
        "due_dates": rows_as_dicts(DueDate, user.id, ("tier", "due_on"), "tier"),
        "lessons_read": [{"tier": t, "course": c, "lesson": slug, "read_at": plain(at)} for t, c, slug, at in lessons],
        "quiz_attempts": [{"tier": t, "started_at": plain(s), "submitted_at": plain(e), "score": score, "passed": ok}
                          for t, s, e, score, ok in attempts],
    }


def erase_learning_text(person) -> None:
    db.session.execute(update(TierGrant).where(TierGrant.user_id == person.id).values(note=""))
    # What the person answered (short answers are free text); score and pass/fail stay.
    db.session.execute(update(Attempt).where(Attempt.user_id == person.id).values(results=None))
    forget_address(person.id)  # the secret calendar address


def init_app(app: Flask) -> None:
    add_personal_data(app, learning_data)
    add_eraser(app, erase_learning_text)

"""Reading lessons: the first read of each lesson, and where a person was in each course.
Services flush nothing themselves: the request commits (core/transaction.py). Two taps or two tabs
recording the same thing at once are settled by the database (INSERT ... ON CONFLICT DO NOTHING)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from advocacy.core.db import db, insert_ignoring_conflict
from advocacy.learning.models.progress import CourseResume, LessonProgress


def mark_lesson_read(user_id: int, lesson_id: int, version_id: int, now: datetime) -> bool:
    """Record that the person finished the lesson (first time only: reading it again keeps the
    date and version of the first read). True when this created the record."""
    return insert_ignoring_conflict(LessonProgress, user_id=user_id, lesson_id=lesson_id,
                                    lesson_version_id=version_id, read_at=now) == 1


def remember_lesson_opened(user_id: int, course_id: int, lesson_id: int, now: datetime) -> bool:
    """Keep the lesson a person last opened per course, so another device resumes there.
    True when something changed."""
    if insert_ignoring_conflict(CourseResume, user_id=user_id, course_id=course_id, lesson_id=lesson_id,
                                opened_at=now):
        return True
    resume = db.session.scalar(select(CourseResume).where(
        CourseResume.user_id == user_id, CourseResume.course_id == course_id))
    if resume is None or resume.lesson_id == lesson_id:
        return False
    resume.lesson_id, resume.opened_at = lesson_id, now
    return True

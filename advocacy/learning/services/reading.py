"""Reading lessons: the first read of each lesson, and where a person was in each course.
Services flush nothing themselves: the request commits (core/transaction.py). Two taps or two tabs
recording the same thing at once are settled by the database (INSERT ... ON CONFLICT DO NOTHING)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from advocacy.core import events
from advocacy.core.db import db, insert_ignoring_conflict
from advocacy.learning.models.courses import Course, Lesson, LessonVersion
from advocacy.learning.models.progress import CourseResume, LessonProgress


def mark_lesson_read(user_id: int, lesson_id: int, version_id: int, now: datetime) -> bool:
    """Record that the person finished the lesson (first time only: reading it again keeps the
    date and version of the first read). True when this created the record, which publishes
    `lesson.read` (course_version: the number of the lesson version read)."""
    created = insert_ignoring_conflict(LessonProgress, user_id=user_id, lesson_id=lesson_id,
                                       lesson_version_id=version_id, read_at=now) == 1
    if created:
        events.publish("lesson.read", **lesson_read_payload(user_id, lesson_id, version_id, now))
    return created


def lesson_read_payload(user_id: int, lesson_id: int, version_id: int | None, read_at: datetime) -> dict:
    """The `lesson.read` payload of a first read (also what `flask xapi backfill` rebuilds)."""
    course_slug, tier, lesson_slug = db.session.execute(
        select(Course.slug, Course.tier, Lesson.slug).join(Lesson, Lesson.course_id == Course.id)
        .where(Lesson.id == lesson_id)).one()
    version = db.session.execute(select(LessonVersion.version, LessonVersion.language)
                                 .where(LessonVersion.id == version_id)).first() if version_id else None
    return dict(person_id=user_id, course_slug=course_slug, tier=tier, lesson_slug=lesson_slug,
                course_version=version[0] if version else None, language=version[1] if version else "en",
                occurred_at=read_at.isoformat())


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

"""Courses and their lessons, versioned per language.

The curriculum (files, or the authoring pages) is the source of courses and lessons; a changed
lesson becomes a new LessonVersion; a removed one is retired, never deleted, so progress and
history keep pointing at what a person actually read."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advocacy.core.clock import UTCDateTime, utcnow
from advocacy.core.db import Model, db
from advocacy.learning.tiers import TIER_CHECK

if TYPE_CHECKING:
    from advocacy.learning.models.goals import Goal


course_goal = Table(
    "course_goal", db.metadata,
    Column("course_id", ForeignKey("course.id", ondelete="CASCADE"), primary_key=True),
    Column("goal_id", ForeignKey("goal.id", ondelete="CASCADE"), primary_key=True),
)

lesson_goal = Table(
    "lesson_goal", db.metadata,
    Column("lesson_id", ForeignKey("lesson.id", ondelete="CASCADE"), primary_key=True),
    Column("goal_id", ForeignKey("goal.id", ondelete="CASCADE"), primary_key=True),
)


class Course(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    tier: Mapped[str] = mapped_column(String(10), index=True)
    order: Mapped[int] = mapped_column(Integer, default=0)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the course was last published from the browser (the studio): `flask content sync`
    # then leaves it alone, unless --force, so older files never overwrite it unnoticed.
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Learning order (learning/rules/quiz_order.py): the quiz opens only once every lesson is read.
    lessons_before_quiz: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))

    texts: Mapped[list[CourseText]] = relationship(back_populates="course", cascade="all, delete-orphan")
    lessons: Mapped[list[Lesson]] = relationship(back_populates="course", order_by="Lesson.position")
    goals: Mapped[list[Goal]] = relationship(secondary=course_goal, order_by="Goal.id")

    __table_args__ = (CheckConstraint(TIER_CHECK, name="known_tier"),)

    def text_in(self, language: str) -> CourseText | None:
        """The course's texts in `language`, else in English (texts must be loaded)."""
        by_language = {t.language: t for t in self.texts}
        return by_language.get(language) or by_language.get("en")


class CourseText(Model):
    """A course's words in one language, from content/<language>/<folder>/course.md."""

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(5))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    intro: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    unlocks: Mapped[str] = mapped_column(Text, default="")
    # The [quiz] table of course.md as written (validated by the loader), for the quizzes feature.
    quiz_settings: Mapped[dict] = mapped_column(JSON, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))

    course: Mapped[Course] = relationship(back_populates="texts")

    __table_args__ = (UniqueConstraint("course_id", "language"),)


class Lesson(Model):
    """A lesson's identity in its course (slug and place). Its words live in LessonVersion."""

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    course: Mapped[Course] = relationship(back_populates="lessons")
    goals: Mapped[list[Goal]] = relationship(secondary=lesson_goal, order_by="Goal.id")

    __table_args__ = (UniqueConstraint("course_id", "slug"),)


class LessonVersion(Model):
    """One version of a lesson in one language. Exactly one per lesson and language is current."""

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(5))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    # A translation: the content_hash of the English version it was made from. When English has
    # moved on since, authors and learners see "translation out of date".
    source_hash: Mapped[str | None] = mapped_column(String(64))
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    lesson: Mapped[Lesson] = relationship()

    __table_args__ = (
        UniqueConstraint("lesson_id", "language", "version"),
        CheckConstraint("version > 0 AND minutes > 0", name="positive"),
        Index("ux_lesson_version_current", "lesson_id", "language", unique=True,
              sqlite_where=text("current"), postgresql_where=text("current")),
    )

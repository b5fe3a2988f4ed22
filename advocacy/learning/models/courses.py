"""Courses and their lessons (versioned per language), reading progress, goals and the policy.

Content from content/ is the source of courses and lessons; `flask content sync` writes these rows.
A changed lesson becomes a new LessonVersion; a removed one is retired, never deleted, so progress
and history keep pointing at what a person actually read."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (JSON, Boolean, CheckConstraint, Column, Date, Float, ForeignKey, Index, Integer, String,
                        Table, Text, UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advocacy.core.clock import UTCDateTime, utcnow
from advocacy.core.db import db
from advocacy.learning.tiers import TIER_CHECK


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


class Course(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    tier: Mapped[str] = mapped_column(String(10), index=True)
    order: Mapped[int] = mapped_column(Integer, default=0)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    texts: Mapped[list[CourseText]] = relationship(back_populates="course", cascade="all, delete-orphan")
    lessons: Mapped[list[Lesson]] = relationship(back_populates="course", order_by="Lesson.position")
    goals: Mapped[list[Goal]] = relationship(secondary=course_goal, order_by="Goal.id")

    __table_args__ = (CheckConstraint(TIER_CHECK, name="known_tier"),)

    def text_in(self, language: str) -> CourseText | None:
        """The course's texts in `language`, else in English (texts must be loaded)."""
        by_language = {t.language: t for t in self.texts}
        return by_language.get(language) or by_language.get("en")


class CourseText(db.Model):
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


class Lesson(db.Model):
    """A lesson's identity in its course (slug and place). Its words live in LessonVersion."""

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    course: Mapped[Course] = relationship(back_populates="lessons")
    goals: Mapped[list[Goal]] = relationship(secondary=lesson_goal, order_by="Goal.id")

    __table_args__ = (UniqueConstraint("course_id", "slug"),)


class LessonVersion(db.Model):
    """One version of a lesson in one language. Exactly one per lesson and language is current."""

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(5))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    lesson: Mapped[Lesson] = relationship()

    __table_args__ = (
        UniqueConstraint("lesson_id", "language", "version"),
        CheckConstraint("version > 0 AND minutes > 0", name="positive"),
        Index("ux_lesson_version_current", "lesson_id", "language", unique=True,
              sqlite_where=text("current"), postgresql_where=text("current")),
    )


class LessonProgress(db.Model):
    """A person marked a lesson done ("Done, next"), and which version they had read."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"), index=True)
    lesson_version_id: Mapped[int | None] = mapped_column(ForeignKey("lesson_version.id", ondelete="SET NULL"))
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    lesson: Mapped[Lesson] = relationship()
    lesson_version: Mapped[LessonVersion | None] = relationship()

    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)


class CourseResume(db.Model):
    """The lesson a person last opened in a course, so any device picks up where they left off."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "course_id"),)


class Goal(db.Model):
    """A goal of the social strategy, with its KPI measured against a baseline."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    why: Mapped[str] = mapped_column(Text, default="")
    kpi: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(40), default="")
    # certified | advocates | shares | clicks: measured by the app; None: entered by hand.
    measure: Mapped[str | None] = mapped_column(String(20))
    baseline: Mapped[float] = mapped_column(Float, default=0)
    baseline_date: Mapped[date] = mapped_column(Date)
    target: Mapped[float] = mapped_column(Float)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when an admin or marketer changes the goal in the browser: content sync leaves it alone.
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    measurements: Mapped[list[GoalMeasurement]] = relationship(
        back_populates="goal", order_by="GoalMeasurement.measured_on", cascade="all, delete-orphan")
    texts: Mapped[list[GoalText]] = relationship(back_populates="goal", cascade="all, delete-orphan")

    def text_in(self, language: str) -> GoalText | Goal:
        """The goal's words in `language` (texts must be loaded); the goal itself holds English."""
        for translation in self.texts:
            if translation.language == language:
                return translation
        return self

    __table_args__ = (
        CheckConstraint("measure IS NULL OR measure IN ('certified', 'advocates', 'shares', 'clicks')",
                        name="known_measure"),
    )


class GoalText(db.Model):
    """A goal's words in a language other than English (from content/<language>/goals.toml)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(5))
    name: Mapped[str] = mapped_column(String(200))
    why: Mapped[str] = mapped_column(Text, default="")
    kpi: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(40), default="")

    goal: Mapped[Goal] = relationship(back_populates="texts")

    __table_args__ = (UniqueConstraint("goal_id", "language"),)


class GoalMeasurement(db.Model):
    """A KPI value entered by hand, with the date it was measured."""

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"), index=True)
    value: Mapped[float] = mapped_column(Float)
    measured_on: Mapped[date] = mapped_column(Date)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    goal: Mapped[Goal] = relationship(back_populates="measurements")


class PolicyVersion(db.Model):
    """One version of the social media policy. The highest version number is the current one."""

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text)
    # "content" when loaded from content/, "browser" when an admin wrote it (rendered untrusted).
    source: Mapped[str] = mapped_column(String(10), default="content")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    texts: Mapped[list[PolicyText]] = relationship(back_populates="policy_version", cascade="all, delete-orphan")

    __table_args__ = (CheckConstraint("source IN ('content', 'browser')", name="known_source"),)

    def text_in(self, language: str) -> PolicyText | PolicyVersion:
        """The policy in `language` (texts must be loaded); the version itself holds English."""
        for translation in self.texts:
            if translation.language == language:
                return translation
        return self


class PolicyText(db.Model):
    """A translation of one policy version (content/<language>/policy.md with the same version)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_version_id: Mapped[int] = mapped_column(ForeignKey("policy_version.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(5))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text)

    policy_version: Mapped[PolicyVersion] = relationship(back_populates="texts")

    __table_args__ = (UniqueConstraint("policy_version_id", "language"),)


class PolicyAcknowledgement(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    policy_version_id: Mapped[int] = mapped_column(ForeignKey("policy_version.id", ondelete="CASCADE"), index=True)
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    policy_version: Mapped[PolicyVersion] = relationship()

    __table_args__ = (UniqueConstraint("user_id", "policy_version_id"),)


class TierGrant(db.Model):
    """Permission to take a tier beyond one's department: advanced assigned by HR, expert
    requested by the person and approved by marketing. status: requested | approved | declined."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    tier: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default="requested")
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")

    user = relationship("User", foreign_keys=[user_id])

    __table_args__ = (
        UniqueConstraint("user_id", "tier"),
        CheckConstraint(TIER_CHECK, name="known_tier"),
        CheckConstraint("status IN ('requested', 'approved', 'declined')", name="known_status"),
    )


class ContentRevision(db.Model):
    """One row whose stamp changes, in the same transaction, whenever course content, goals, the
    policy or the organisation's settings change (see courses/catalogue.py). Each process keeps its
    copy of that content for as long as the stamp it read it under is still the stamp here."""

    id: Mapped[int] = mapped_column(primary_key=True)
    stamp: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

"""Quizzes, their versions and questions, attempts, and the certifications a pass writes.

A quiz belongs to a course in one language. Every change to its pool or settings is a new
QuizVersion; attempts keep the version they were made on. The database enforces the rules that
must hold even when requests race: one open attempt per person and course, one certification
that is not revoked per person and tier, and only gradable questions in a pool.
"""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advocacy.core.clock import UTCDateTime, utcnow
from advocacy.core.db import Model, db
from advocacy.core.organisation import User
from advocacy.learning.models.courses import Course
from advocacy.learning.rules.grading import GRADABLE_TYPES, QuizSettings
from advocacy.learning.rules.validity import is_valid, valid_sql
from advocacy.learning.tiers import TIER_CHECK

GRADABLE_CHECK = "type IN (" + ", ".join(f"'{t}'" for t in GRADABLE_TYPES) + ")"


def new_verification_code() -> str:
    return secrets.token_urlsafe(12)


class Quiz(Model):
    """The quiz of one course in one language; its newest version is the one people take."""

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(5))
    # Set when the course no longer ships a quiz in this language; old attempts keep it.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    course: Mapped[Course] = relationship()
    versions: Mapped[list[QuizVersion]] = relationship(back_populates="quiz", order_by="QuizVersion.number",
                                                       cascade="all, delete-orphan")

    __table_args__ = (UniqueConstraint("course_id", "language"),)


class QuizVersion(Model):
    """The pool and settings of a quiz as loaded by one `flask content sync`."""

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    questions_per_attempt: Mapped[int] = mapped_column(Integer)
    pass_mark: Mapped[float] = mapped_column(Float)
    attempts_before_cooldown: Mapped[int] = mapped_column(Integer)
    cooldown_hours: Mapped[float] = mapped_column(Float)
    time_limit_minutes: Mapped[int | None] = mapped_column(Integer)
    valid_months: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    quiz: Mapped[Quiz] = relationship(back_populates="versions")
    questions: Mapped[list[QuizQuestion]] = relationship(back_populates="version", order_by="QuizQuestion.position",
                                                         cascade="all, delete-orphan")

    __table_args__ = (
        UniqueConstraint("quiz_id", "number"),
        CheckConstraint("questions_per_attempt >= 1", name="draws_questions"),
        CheckConstraint("pass_mark > 0 AND pass_mark <= 100", name="pass_mark_percent"),
        CheckConstraint("attempts_before_cooldown >= 1", name="attempts_positive"),
        CheckConstraint("cooldown_hours >= 0", name="cooldown_not_negative"),
        CheckConstraint("time_limit_minutes IS NULL OR time_limit_minutes >= 1", name="time_limit_positive"),
        CheckConstraint("valid_months >= 1", name="valid_months_positive"),
    )

    @property
    def settings(self) -> QuizSettings:
        return QuizSettings(self.questions_per_attempt, self.pass_mark, self.attempts_before_cooldown,
                            self.cooldown_hours, self.time_limit_minutes, self.valid_months)


class QuizQuestion(Model):
    """One question of a version's pool. `data` is the parsed question (answers, fractions,
    feedback) and never leaves the server before an attempt is submitted. `key` is a hash of the
    question's content: the same question keeps its key across versions, so "seen" carries over."""

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("quiz_version.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(64), index=True)
    type: Mapped[str] = mapped_column(String(20))
    line: Mapped[int] = mapped_column(Integer, default=0)
    data: Mapped[dict] = mapped_column(JSON)

    version: Mapped[QuizVersion] = relationship(back_populates="questions")

    __table_args__ = (
        UniqueConstraint("version_id", "position"),
        UniqueConstraint("version_id", "key"),
        CheckConstraint(GRADABLE_CHECK, name="gradable_type"),
    )


class Attempt(Model):
    """One try at a quiz. `items` holds the drawn questions in display order with the per-attempt
    option tokens the form uses; `results` the graded responses, once submitted."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    quiz_version_id: Mapped[int] = mapped_column(ForeignKey("quiz_version.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    timed_out: Mapped[bool] = mapped_column(Boolean, default=False)
    items: Mapped[list] = mapped_column(JSON)
    results: Mapped[list | None] = mapped_column(JSON)

    user: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()
    quiz_version: Mapped[QuizVersion] = relationship()

    __table_args__ = (
        # One open attempt per person and course: a second concurrent start fails here and
        # reuses the first. (Per course, not per quiz: switching language is no way around it.)
        Index("uq_attempt_open_per_course", "user_id", "course_id", unique=True,
              sqlite_where=db.text("submitted_at IS NULL"), postgresql_where=db.text("submitted_at IS NULL")),
        CheckConstraint("(submitted_at IS NULL AND score IS NULL AND passed IS NULL) OR "
                        "(submitted_at IS NOT NULL AND score IS NOT NULL AND passed IS NOT NULL)",
                        name="graded_when_submitted"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)", name="score_percent"),
    )

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None


class Certification(Model):
    """A person's pass of a tier. Recertifying extends expires_at on the same row."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    tier: Mapped[str] = mapped_column(String(10))
    code: Mapped[str] = mapped_column(String(32), unique=True, default=new_verification_code)
    passed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str] = mapped_column(Text, default="")
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    first_passed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    quiz_version_id: Mapped[int | None] = mapped_column(ForeignKey("quiz_version.id", ondelete="SET NULL"))
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("attempt.id", ondelete="SET NULL"))
    # When `certification.expired` was published for the current expires_at (a renewal clears it).
    expiry_announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])
    quiz_version: Mapped[QuizVersion | None] = relationship()

    __table_args__ = (
        CheckConstraint(TIER_CHECK, name="known_tier"),
        CheckConstraint("expires_at > passed_at", name="expires_after_pass"),
        # A revoked certification stays as a record; a later pass starts a new one.
        Index("uq_certification_live_per_tier", "user_id", "tier", unique=True,
              sqlite_where=db.text("revoked_at IS NULL"), postgresql_where=db.text("revoked_at IS NULL")),
    )

    @hybrid_method
    def is_valid_at(self, now: datetime) -> bool:
        return is_valid(self.passed_at, self.expires_at, self.revoked_at, now)

    @is_valid_at.expression  # type: ignore[no-redef]
    def is_valid_at(cls, now):
        return valid_sql(cls.passed_at, cls.expires_at, cls.revoked_at, now)

    def status_at(self, now: datetime) -> str:
        """valid | expired | revoked"""
        if self.revoked_at is not None:
            return "revoked"
        return "valid" if self.is_valid_at(now) else "expired"

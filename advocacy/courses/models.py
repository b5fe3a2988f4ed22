"""Courses, goals and the policy. (Lessons, versions and progress are added by the courses feature.)"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import UTCDateTime, utcnow
from ..extensions import db
from .tiers import TIER_CHECK


class Course(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    tier: Mapped[str] = mapped_column(String(10), index=True)
    order: Mapped[int] = mapped_column(Integer, default=0)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (CheckConstraint(TIER_CHECK, name="known_tier"),)


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

    measurements: Mapped[list[GoalMeasurement]] = relationship(
        back_populates="goal", order_by="GoalMeasurement.measured_on", cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint("measure IS NULL OR measure IN ('certified', 'advocates', 'shares', 'clicks')",
                        name="known_measure"),
    )


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

    __table_args__ = (CheckConstraint("source IN ('content', 'browser')", name="known_source"),)


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

    __table_args__ = (
        UniqueConstraint("user_id", "tier"),
        CheckConstraint(TIER_CHECK, name="known_tier"),
        CheckConstraint("status IN ('requested', 'approved', 'declined')", name="known_status"),
    )

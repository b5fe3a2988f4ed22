"""The strategy's goals, each with a KPI measured against a baseline, and their words in other
languages. Lessons, courses and posts link to the goal they serve."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advocacy.core.clock import UTCDateTime, utcnow
from advocacy.core.db import Model


class Goal(Model):
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


class GoalText(Model):
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


class GoalMeasurement(Model):
    """A KPI value entered by hand, with the date it was measured."""

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"), index=True)
    value: Mapped[float] = mapped_column(Float)
    measured_on: Mapped[date] = mapped_column(Date)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    goal: Mapped[Goal] = relationship(back_populates="measurements")

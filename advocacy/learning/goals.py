"""The strategy's goals: their current value and progress from baseline to target.

A goal with a `measure` is counted by the app. Each measure is a function a feature adds from
its init_app:

    add_measure(app, "shares", count_shares)      # count_shares(goal, now) -> float | None

The learning domain adds `certified`; the feed adds shares and clicks, the reports advocates. A
goal without a measure, or whose measure has no function, shows the latest value entered by hand.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from flask import Flask, current_app
from sqlalchemy import func, select

from advocacy.core.db import db
from advocacy.core.organisation import User
from advocacy.learning.models.goals import Goal
from advocacy.learning.models.quizzes import Certification

MeasureFunction = Callable[[Goal, datetime], "float | None"]
_MEASURES = "advocacy.measures"


def add_measure(app: Flask, name: str, function: MeasureFunction) -> None:
    app.extensions.setdefault(_MEASURES, {})[name] = function


def count_certified(goal: Goal, now: datetime) -> float:
    """People who hold a valid certification of any tier right now."""
    return float(db.session.scalar(
        select(func.count(func.distinct(Certification.user_id))).join(User, User.id == Certification.user_id)
        .where(Certification.is_valid_at(now), User.erased_at.is_(None))) or 0)


def measured_value(goal: Goal, now: datetime) -> float | None:
    """The app's own count for this goal, or None when it has no measure (yet)."""
    function = current_app.extensions.get(_MEASURES, {}).get(goal.measure or "")
    return function(goal, now) if function else None


@dataclass(frozen=True)
class GoalValue:
    value: float | None
    on: date | None        # the date of a hand-entered value; None for a value measured just now
    measured: bool

    def progress(self, goal: Goal) -> float | None:
        """0.0 at the baseline, 1.0 at the target (also when the target is below the baseline),
        clamped to 0..1; None without a value."""
        if self.value is None or goal.target == goal.baseline:
            return None
        share = (self.value - goal.baseline) / (goal.target - goal.baseline)
        return min(1.0, max(0.0, share))


def current_value(goal: Goal, now: datetime) -> GoalValue:
    """Measured by the app where it can; else the latest measurement entered by hand (loaded)."""
    measured = measured_value(goal, now)
    if measured is not None:
        return GoalValue(measured, None, True)
    if goal.measurements:
        latest = max(goal.measurements, key=lambda m: (m.measured_on, m.id))
        return GoalValue(latest.value, latest.measured_on, False)
    return GoalValue(None, None, False)


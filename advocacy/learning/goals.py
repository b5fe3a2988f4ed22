"""The strategy's goals: their current value and progress from baseline to target.

A goal with a `measure` is counted by the app. Each measure is a function registered here:

    @register_measure("shares")
    def count_shares(goal, now) -> float | None: ...

The courses feature registers `certified`; the feed and reports features register shares,
clicks and advocates in their own modules (imported when their blueprints load). A goal
without a measure, or whose measure has no function yet, shows the latest value entered by hand.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable

from sqlalchemy import func, select

from advocacy.core.db import db
from advocacy.learning.models.goals import Goal

MeasureFunction = Callable[[Goal, datetime], "float | None"]
MEASURES: dict[str, MeasureFunction] = {}


def register_measure(name: str):
    def decorator(function: MeasureFunction) -> MeasureFunction:
        MEASURES[name] = function
        return function

    return decorator


@register_measure("certified")
def count_certified(goal: Goal, now: datetime) -> float:
    """People who hold a valid certification of any tier right now."""
    from advocacy.core.organisation import User
    from advocacy.learning.models.quizzes import Certification

    return float(db.session.scalar(
        select(func.count(func.distinct(Certification.user_id))).join(User, User.id == Certification.user_id)
        .where(Certification.is_valid_at(now), User.erased_at.is_(None))) or 0)


def measured_value(goal: Goal, now: datetime) -> float | None:
    """The app's own count for this goal, or None when it has no measure (yet)."""
    function = MEASURES.get(goal.measure or "")
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


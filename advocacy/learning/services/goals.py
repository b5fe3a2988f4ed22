"""Keeping the strategy's goals in the browser (admin and marketing): create, edit, retire,
restore, and values measured by hand."""
from __future__ import annotations

from datetime import date, datetime

from advocacy.core.db import db
from advocacy.learning.models.goals import Goal, GoalMeasurement

GOAL_TEXT_FIELDS = ("name", "why", "kpi", "unit")
GOAL_FIELDS = GOAL_TEXT_FIELDS + ("measure", "baseline", "baseline_date", "target")


def create_goal(values: dict, now: datetime) -> Goal:
    goal = Goal(slug=values["slug"], **{k: values[k] for k in GOAL_FIELDS}, edited_at=now)
    db.session.add(goal)
    return goal


def update_goal(goal: Goal, values: dict, now: datetime) -> None:
    """Marks the goal as edited in the browser, so `flask content sync` leaves it alone. When its
    words change, its translations from content/ no longer describe it and are dropped (readers
    then see the edited English words)."""
    if any(getattr(goal, k) != values[k] for k in GOAL_TEXT_FIELDS):
        goal.texts = []
    for key in GOAL_FIELDS:
        setattr(goal, key, values[key])
    goal.edited_at = now


def retire_goal(goal: Goal, now: datetime) -> None:
    goal.retired_at = goal.retired_at or now
    goal.edited_at = now


def restore_goal(goal: Goal, now: datetime) -> None:
    goal.retired_at = None
    goal.edited_at = now


def add_measurement(goal: Goal, value: float, measured_on: date, user_id: int, now: datetime) -> GoalMeasurement:
    measurement = GoalMeasurement(goal=goal, value=value, measured_on=measured_on, entered_by_id=user_id,
                                  entered_at=now)
    db.session.add(measurement)
    return measurement

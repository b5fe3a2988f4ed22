"""When a tier is due, and when someone is overdue: the one rule, in Python and in SQL.

    basic     the organisation's basic_due_days after the start date (or after the account was
              created, when HR gave no start date)
    advanced  advanced_due_days after it opened: the basic certification, and for people outside
              an advanced department also HR's assignment, whichever came last
    expert    expert_due_days after marketing approved the request
A date HR set for one person and tier (DueDate) replaces the default. A tier that has not opened
has no due date. Overdue: the due date has passed and the person holds no valid certification.

`default_due_date` is the rule over plain values (a learner's page, one person's row);
`default_due_passed_sql` is the same rule over columns, for everyone at once (learning/status.py):
"the default due date lies before today" is "the tier opened before today minus its days", which
needs no date arithmetic in SQL. tests/learning/test_deadlines_sql.py checks the two agree.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, or_


@dataclass(frozen=True)
class DueFacts:
    """What the due date of each tier depends on, for one person."""

    start: date                         # start date, or the day the account was made
    basic_passed: datetime | None = None
    advanced_department: bool = False
    advanced_granted: datetime | None = None
    expert_granted: datetime | None = None


def opened_on(tier: str, facts: DueFacts) -> date | None:
    if tier == "basic":
        return facts.start
    if tier == "advanced":
        if facts.basic_passed is None or not (facts.advanced_department or facts.advanced_granted):
            return None
        moments = [facts.basic_passed]
        if not facts.advanced_department and facts.advanced_granted is not None:
            moments.append(facts.advanced_granted)
        return max(moments).date()
    return facts.expert_granted.date() if facts.expert_granted else None


def default_due_date(tier: str, facts: DueFacts, days: Mapping[str, int]) -> date | None:
    opened = opened_on(tier, facts)
    return opened + timedelta(days=days[tier]) if opened else None


def is_overdue(due: date | None, certified: bool, today: date) -> bool:
    return due is not None and not certified and due < today


# -- the same rule over columns ---------------------------------------------------------------------

def midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def default_due_passed_sql(tier: str, today: date, days: Mapping[str, int], *, start_date, created_at,
                           basic_passed_at, advanced_department, advanced_granted_at, expert_granted_at):
    """`default_due_date(tier, facts, days) < today` over columns: the tier opened before
    `today - days[tier]` (a NULL moment means it has not opened)."""
    cutoff = today - timedelta(days=days[tier])
    if tier == "basic":
        return or_(and_(start_date.is_not(None), start_date < cutoff),
                   and_(start_date.is_(None), created_at < midnight(cutoff)))
    if tier == "advanced":
        return and_(basic_passed_at < midnight(cutoff),
                    or_(advanced_department, advanced_granted_at < midnight(cutoff)))
    return expert_granted_at < midnight(cutoff)


def due_passed_sql(chosen_due, default_passed, today: date):
    """HR's date when set, else the default: has it passed? (`is_overdue` without the certification)."""
    return or_(and_(chosen_due.is_not(None), chosen_due < today), and_(chosen_due.is_(None), default_passed))

"""When a tier is due, and when someone is overdue.

    basic     the organisation's basic_due_days after the start date (or after the account was
              created, when HR gave no start date)
    advanced  advanced_due_days after it opened: the basic certification, and for people outside
              an advanced department also HR's assignment, whichever came last
    expert    expert_due_days after marketing approved the request
A date HR set for one person and tier (DueDate) replaces the default. A tier that has not opened
has no due date. Overdue: the due date has passed and the person holds no valid certification.

`default_due_date` is the rule over plain values; `due_date_for` looks the values up for one
person; reports/status.py writes the same rule in SQL for whole departments at once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

from sqlalchemy import bindparam, select

from advocacy.core.clock import utcnow
from advocacy.core.db import db
from advocacy.core.organisation import get_organisation


@dataclass(frozen=True)
class DueFacts:
    """What the due date of each tier depends on, for one person."""

    start: date                         # start date, or the day the account was made
    basic_passed: datetime | None = None
    advanced_department: bool = False
    advanced_granted: datetime | None = None
    expert_granted: datetime | None = None


def due_days(organisation=None) -> dict[str, int]:
    org = organisation or get_organisation()
    return {"basic": org.basic_due_days, "advanced": org.advanced_due_days, "expert": org.expert_due_days}


def opened_on(tier: str, facts: DueFacts) -> date | None:
    if tier == "basic":
        return facts.start
    if tier == "advanced":
        if facts.basic_passed is None or not (facts.advanced_department or facts.advanced_granted):
            return None
        moments = [facts.basic_passed] + ([facts.advanced_granted] if not facts.advanced_department else [])
        return max(moments).date()
    return facts.expert_granted.date() if facts.expert_granted else None


def default_due_date(tier: str, facts: DueFacts, days: dict[str, int]) -> date | None:
    opened = opened_on(tier, facts)
    return opened + timedelta(days=days[tier]) if opened else None


def is_overdue(due: date | None, certified: bool, today: date) -> bool:
    return due is not None and not certified and due < today


def due_facts(user) -> DueFacts:
    """The values for one person (three small queries)."""
    from advocacy.learning.models.progress import TierGrant
    from advocacy.learning.models.quizzes import Certification

    basic_passed = db.session.scalar(select(db.func.min(Certification.passed_at))
                                     .where(Certification.user_id == user.id, Certification.tier == "basic"))
    grants = dict(db.session.execute(
        select(TierGrant.tier, TierGrant.decided_at)
        .where(TierGrant.user_id == user.id, TierGrant.status == "approved")).all())
    return facts_from(user, basic_passed, grants)


def facts_from(user, basic_passed: datetime | None, approved: dict[str, datetime | None]) -> DueFacts:
    """The facts from values already at hand: the first basic pass (revoked ones count: the tier
    did open) and when each grant was approved."""
    start = user.start_date or (user.created_at or utcnow()).date()
    return DueFacts(start, basic_passed, bool(user.department and user.department.advanced_eligible),
                    approved.get("advanced"), approved.get("expert"))


def set_due_dates(user_id: int) -> dict[str, date]:
    return dict(db.session.execute(_due_dates_statement(), {"user_id": user_id}).all())


@cache
def _due_dates_statement():
    from advocacy.learning.models.progress import DueDate

    return select(DueDate.tier, DueDate.due_on).where(DueDate.user_id == bindparam("user_id"))


def due_date_for(user, tier: str) -> date | None:
    """The day `tier` is due for `user`: HR's date if set, else the organisation's rule; None if
    the tier has not opened for them."""
    chosen = set_due_dates(user.id).get(tier)
    return chosen or default_due_date(tier, due_facts(user), due_days())


def set_due_date(user, tier: str, due_on: date | None, set_by_id: int | None = None) -> None:
    """HR sets (or with None clears) a person's due date for a tier. The caller commits."""
    from advocacy.core.audit import record
    from advocacy.learning.models.progress import DueDate

    row = db.session.scalar(select(DueDate).where(DueDate.user_id == user.id, DueDate.tier == tier))
    if due_on is None:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(DueDate(user_id=user.id, tier=tier, due_on=due_on, set_at=utcnow(), set_by_id=set_by_id))
    else:
        row.due_on, row.set_at, row.set_by_id = due_on, utcnow(), set_by_id
    record("due_date.set", f"{tier} due {due_on.isoformat() if due_on else 'default'} for person #{user.id}",
           subject_id=user.id)

"""A person's standing, from their record (learning/record.py): which tiers are open to them and
why, and when each is due. No query of its own beyond the record, so Learn, the quiz and the
feed agree with each other and with HR's lists (which use the same rules in SQL)."""
from __future__ import annotations

from datetime import date, datetime

from advocacy.core.clock import utcnow
from advocacy.core.settings import organisation_settings
from advocacy.learning.record import GrantRow, LearnerRecord, learner_record
from advocacy.learning.rules.deadlines import DueFacts, default_due_date
from advocacy.learning.rules.eligibility import TierStatus, statuses
from advocacy.learning.rules.validity import CertificationState, states_from
from advocacy.learning.tiers import TIERS


def eligibility_from(user, grants: dict[str, GrantRow], certifications: dict[str, CertificationState]
                     ) -> dict[str, TierStatus]:
    """Every tier's status, from the person's grants and certification states."""
    department = user.department
    return statuses(department_advanced=bool(department and department.advanced_eligible),
                    grants={tier: g.status for tier, g in grants.items()},
                    valid_tiers={tier for tier, c in certifications.items() if c.valid})


def eligibility_for(user, now: datetime) -> dict[str, TierStatus]:
    """Every tier's status for `user` at `now` (one query: the record)."""
    record = learner_record(user.id)
    return eligibility_from(user, record.grants, states_from(record.certifications, now))


def facts_from(user, basic_passed: datetime | None, approved: dict[str, datetime | None]) -> DueFacts:
    """The facts the due dates depend on: the first basic pass (revoked ones count: the tier did
    open) and when each grant was approved."""
    start = user.start_date or (user.created_at or utcnow()).date()
    return DueFacts(start, basic_passed, bool(user.department and user.department.advanced_eligible),
                    approved.get("advanced"), approved.get("expert"))


def due_dates_for(user, record: LearnerRecord) -> dict[str, date | None]:
    """Each tier's due date: HR's date for the person if set, else the organisation's days after the
    tier opened (None: not opened)."""
    basic_passed = min((c.passed_at for c in record.certifications if c.tier == "basic"), default=None)
    approved = {tier: g.decided_at for tier, g in record.grants.items() if g.status == "approved"}
    facts, days = facts_from(user, basic_passed, approved), organisation_settings().due_days
    return {tier: record.due_dates.get(tier) or default_due_date(tier, facts, days) for tier in TIERS}


def due_date_for(user, tier: str) -> date | None:
    """The day `tier` is due for `user` (one query: the record)."""
    return due_dates_for(user, learner_record(user.id))[tier]

"""The employee's home: one obvious next step, each tier's state, due dates.

next_step() is pure; home_for() loads what it needs in a fixed number of queries.
Order of next steps: acknowledge the policy, read the next lesson, take the quiz, renew an
expiring or expired certification, share.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from datetime import date, datetime

from sqlalchemy import bindparam, select

from ..extensions import db
from .eligibility import TierStatus, statuses
from .catalogue import catalogue
from .learning import (CertificationRow, CertificationState, CourseView, LessonView, by_tier, certification_rows,
                       load_courses, states_from)
from .models import TierGrant
from .policy import has_acknowledged_current
from .tiers import TIERS

RENEW_WITHIN_DAYS = 30


@dataclass(frozen=True)
class NextStep:
    kind: str                          # policy | lesson | quiz | renew | share | wait
    tier: str | None = None
    course: CourseView | None = None
    lesson: LessonView | None = None
    expires_at: datetime | None = None


def first_unfinished(courses: list[CourseView]) -> CourseView | None:
    return next((c for c in courses if c.lessons and not c.all_read), None)


def quiz_course(courses: list[CourseView]) -> CourseView | None:
    return next((c for c in courses if c.all_read), courses[0] if courses else None)


def next_step(*, acknowledged: bool, courses: dict[str, list[CourseView]], eligibility: dict[str, TierStatus],
              certifications: dict[str, CertificationState], now: datetime) -> NextStep:
    if not acknowledged:
        return NextStep("policy")
    for tier in TIERS:
        cert = certifications.get(tier)
        if not eligibility[tier].open or not courses[tier] or (cert and cert.valid):
            continue
        unfinished = first_unfinished(courses[tier])
        if unfinished is not None:
            return NextStep("lesson", tier, unfinished, unfinished.next_lesson)
        kind = "renew" if cert else "quiz"
        return NextStep(kind, tier, quiz_course(courses[tier]), expires_at=cert.expires_at if cert else None)
    for tier in TIERS:
        cert = certifications.get(tier)
        if cert and cert.expires_within(now, RENEW_WITHIN_DAYS) and eligibility[tier].open and courses[tier]:
            return NextStep("renew", tier, quiz_course(courses[tier]), expires_at=cert.expires_at)
    if any(cert.valid for cert in certifications.values()):
        return NextStep("share")
    return NextStep("wait")


# -- due dates -----------------------------------------------------------------------------------

def due_dates_for(user, grants: dict[str, TierGrant], certifications: list[CertificationRow]) -> dict[str, date | None]:
    """Each tier's due date by the reports feature's rule (HR's date for the person if set, else
    the organisation's days after the tier opened), so Learn and HR's lists always agree. Built from
    the grants and certifications the page has already loaded: one query, for HR's dates."""
    from ..reports.deadlines import default_due_date, facts_from, set_due_dates

    basic_passed = min((c.passed_at for c in certifications if c.tier == "basic"), default=None)
    approved = {tier: g.decided_at for tier, g in grants.items() if g.status == "approved"}
    facts, chosen, days = facts_from(user, basic_passed, approved), set_due_dates(user.id), catalogue().settings.due_days
    return {tier: chosen.get(tier) or default_due_date(tier, facts, days) for tier in TIERS}


def grants_of(user_id: int) -> dict[str, TierGrant]:
    return {g.tier: g for g in db.session.scalars(_grants_statement(), {"user_id": user_id})}


@cache
def _grants_statement():
    return select(TierGrant).where(TierGrant.user_id == bindparam("user_id"))


def eligibility_from(user, grants: dict[str, TierGrant], certifications) -> dict[str, TierStatus]:
    department = user.department
    return statuses(department_advanced=bool(department and department.advanced_eligible),
                    grants={tier: g.status for tier, g in grants.items()},
                    valid_tiers={tier for tier, c in certifications.items() if c.valid})


# -- the page ------------------------------------------------------------------------------------

@dataclass
class TierCard:
    tier: str
    status: TierStatus
    courses: list[CourseView]
    certification: CertificationState | None
    grant: TierGrant | None
    due: date | None

    @property
    def read(self) -> int:
        return sum(c.read_count for c in self.courses)

    @property
    def total(self) -> int:
        return sum(len(c.lessons) for c in self.courses)

    @property
    def certified(self) -> bool:
        return bool(self.certification and self.certification.valid)

    @property
    def expired(self) -> bool:
        return bool(self.certification and not self.certification.valid)


@dataclass
class HomePage:
    step: NextStep
    cards: list[TierCard]
    acknowledged: bool
    certifications: dict[str, CertificationState]


def home_for(user, language: str, now: datetime) -> HomePage:
    courses = by_tier(load_courses(user.id, language))
    grants, rows = grants_of(user.id), certification_rows(user.id)
    certifications = states_from(rows, now)
    eligibility = eligibility_from(user, grants, certifications)
    acknowledged = has_acknowledged_current(user.id)
    dues = due_dates_for(user, grants, rows)
    cards = [TierCard(tier, eligibility[tier], courses[tier], certifications.get(tier), grants.get(tier), dues[tier])
             for tier in TIERS]
    step = next_step(acknowledged=acknowledged, courses=courses, eligibility=eligibility,
                     certifications=certifications, now=now)
    return HomePage(step, cards, acknowledged, certifications)

"""The employee's home: one obvious next step, each tier's state, due dates.

next_step() and due_date() are pure; home_for() loads what they need in a fixed number of queries.
Order of next steps: acknowledge the policy, read the next lesson, take the quiz, renew an
expiring or expired certification, share.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from ..extensions import db
from .eligibility import TierStatus, statuses
from .learning import CertificationState, CourseView, LessonView, by_tier, certification_states, load_courses
from .models import TierGrant
from .policy import current_policy, has_acknowledged
from .tiers import TIERS, tier_below

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

def due_date(tier: str, *, start_date: date | None, opened_on: date | None, organisation) -> date | None:
    """Basic is due a number of days after the person started; advanced and expert a number of days
    after the tier opened for them (the later of approval and passing the tier below)."""
    days = {"basic": organisation.basic_due_days, "advanced": organisation.advanced_due_days,
            "expert": organisation.expert_due_days}[tier]
    begin = start_date if tier == "basic" else opened_on
    return begin + timedelta(days=days) if begin else None


def opened_on(tier: str, status: TierStatus, grant: TierGrant | None,
              certifications: dict[str, CertificationState]) -> date | None:
    if not status.open or tier == "basic":
        return None
    dates = [certifications[tier_below(tier)].passed_at.date()]
    if grant is not None and grant.status == "approved" and grant.decided_at is not None:
        dates.append(grant.decided_at.date())
    return max(dates)


def due_dates(user, *, eligibility, grants: dict[str, TierGrant], certifications, organisation) -> dict[str, date | None]:
    return {tier: due_date(tier, start_date=user.start_date, organisation=organisation,
                           opened_on=opened_on(tier, eligibility[tier], grants.get(tier), certifications))
            for tier in TIERS}


def grants_of(user_id: int) -> dict[str, TierGrant]:
    return {g.tier: g for g in db.session.scalars(select(TierGrant).where(TierGrant.user_id == user_id))}


def eligibility_from(user, grants: dict[str, TierGrant], certifications) -> dict[str, TierStatus]:
    department = user.department
    return statuses(department_advanced=bool(department and department.advanced_eligible),
                    grants={tier: g.status for tier, g in grants.items()},
                    valid_tiers={tier for tier, c in certifications.items() if c.valid})


def due_date_for(user, tier: str, now: datetime | None = None) -> date | None:
    """When `tier` is due for `user` (None: no date applies). For one person; lists use due_date()."""
    from ..clock import utcnow
    from ..people.models import get_organisation

    now = now or utcnow()
    grants, certifications = grants_of(user.id), certification_states(user.id, now)
    eligibility = eligibility_from(user, grants, certifications)
    return due_dates(user, eligibility=eligibility, grants=grants, certifications=certifications,
                     organisation=get_organisation())[tier]


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
    from ..people.models import get_organisation

    courses = by_tier(load_courses(user.id, language))
    grants, certifications = grants_of(user.id), certification_states(user.id, now)
    eligibility = eligibility_from(user, grants, certifications)
    policy = current_policy()
    acknowledged = policy is None or has_acknowledged(user.id, policy.id)
    dues = due_dates(user, eligibility=eligibility, grants=grants, certifications=certifications,
                     organisation=get_organisation())
    cards = [TierCard(tier, eligibility[tier], courses[tier], certifications.get(tier), grants.get(tier), dues[tier])
             for tier in TIERS]
    step = next_step(acknowledged=acknowledged, courses=courses, eligibility=eligibility,
                     certifications=certifications, now=now)
    return HomePage(step, cards, acknowledged, certifications)

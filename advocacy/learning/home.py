"""The employee's home: one obvious next step, each tier's state, due dates.

next_step() is pure; home_for() needs one query, the person's record (courses/record.py).
Order of next steps: acknowledge the policy, read the next lesson, take the quiz, renew an
expiring or expired certification, share.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from advocacy.learning.catalogue import catalogue
from advocacy.learning.rules.eligibility import TierStatus, statuses
from advocacy.learning.rules.validity import CertificationState, states_from
from advocacy.learning.learner_view import CourseView, LessonView, by_tier, load_courses
from advocacy.learning.policy import acknowledged_current
from advocacy.learning.record import GrantRow, LearnerRecord, learner_record
from advocacy.learning.tiers import TIERS

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

def due_dates_for(user, record: LearnerRecord) -> dict[str, date | None]:
    """Each tier's due date by the reports feature's rule (HR's date for the person if set, else
    the organisation's days after the tier opened), so Learn and HR's lists always agree. Built from
    the person's record: no query of its own."""
    from advocacy.learning.rules.deadlines import default_due_date
    from advocacy.learning.standing import facts_from

    basic_passed = min((c.passed_at for c in record.certifications if c.tier == "basic"), default=None)
    approved = {tier: g.decided_at for tier, g in record.grants.items() if g.status == "approved"}
    facts, days = facts_from(user, basic_passed, approved), catalogue().settings.due_days
    return {tier: record.due_dates.get(tier) or default_due_date(tier, facts, days) for tier in TIERS}


def eligibility_from(user, grants: dict[str, GrantRow], certifications) -> dict[str, TierStatus]:
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
    grant: GrantRow | None
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
    record = learner_record(user.id)  # first: the content stamp comes with it
    courses = by_tier(load_courses(user.id, language, record=record))
    grants, certifications = record.grants, states_from(record.certifications, now)
    eligibility = eligibility_from(user, grants, certifications)
    acknowledged = acknowledged_current(record)
    dues = due_dates_for(user, record)
    cards = [TierCard(tier, eligibility[tier], courses[tier], certifications.get(tier), grants.get(tier), dues[tier])
             for tier in TIERS]
    step = next_step(acknowledged=acknowledged, courses=courses, eligibility=eligibility,
                     certifications=certifications, now=now)
    return HomePage(step, cards, acknowledged, certifications)

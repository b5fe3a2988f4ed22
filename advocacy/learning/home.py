"""The employee's home: one obvious next step, each tier's state, due dates.

home_for() needs one query, the person's record (learning/record.py); the next step is the pure
rule of learning/rules/next_step.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from advocacy.learning.learner_view import CourseView, by_tier, load_courses
from advocacy.learning.policy import acknowledged_current
from advocacy.learning.quiz_window import order_for
from advocacy.learning.record import GrantRow, learner_record
from advocacy.learning.rules.eligibility import TierStatus
from advocacy.learning.rules.next_step import NextStep, next_step
from advocacy.learning.rules.quiz_order import QuizOrder
from advocacy.learning.rules.validity import CertificationState, states_from
from advocacy.learning.standing import due_dates_for, eligibility_from
from advocacy.learning.tiers import TIERS

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
    quiz_order: QuizOrder | None = None  # when the step is a quiz: whether it opens now (learning order)


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
    order = order_for(step.course, record, language, now) if step.kind in ("quiz", "renew") and step.course else None
    return HomePage(step, cards, acknowledged, certifications, order)

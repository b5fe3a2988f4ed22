"""The one obvious next step on a learner's home, as a pure rule over plain values.

Order: acknowledge the policy, read the next lesson, take the quiz, renew an expiring or expired
certification, share; `wait` when nothing is open yet.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from advocacy.learning.rules.eligibility import TierStatus
from advocacy.learning.rules.validity import CertificationState
from advocacy.learning.tiers import TIERS

if TYPE_CHECKING:
    from advocacy.learning.learner_view import CourseView, LessonView

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

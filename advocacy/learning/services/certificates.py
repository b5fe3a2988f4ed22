"""Certifications: written by a pass, extended by the next pass, revoked by HR, announced once
when they run out. Each of these publishes its domain event (core/events.py) in the transaction:
certification.earned, .renewed, .revoked, .expired."""
from __future__ import annotations

import logging
from datetime import datetime

from flask import url_for
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from advocacy.core import audit, events
from advocacy.core.clock import utcnow
from advocacy.core.db import db, rows_changed
from advocacy.core.jobs import crontab, periodic
from advocacy.core.mail import absolute_url
from advocacy.learning.models.courses import Course
from advocacy.learning.models.quizzes import Certification, Quiz, QuizVersion
from advocacy.learning.rules.grading import add_months
from advocacy.learning.tiers import TIERS


def _live_certification(user_id: int, tier: str) -> Certification | None:
    return db.session.scalar(select(Certification).where(
        Certification.user_id == user_id, Certification.tier == tier, Certification.revoked_at.is_(None))
        .with_for_update())


log = logging.getLogger("advocacy.learning.certificates")


def course_slug_of_version(quiz_version_id: int | None) -> str | None:
    if quiz_version_id is None:
        return None
    return db.session.scalar(select(Course.slug).join(Quiz, Quiz.course_id == Course.id)
                             .join(QuizVersion, QuizVersion.quiz_id == Quiz.id)
                             .where(QuizVersion.id == quiz_version_id))


def certification_payload(certification: Certification, version: QuizVersion | None = None) -> dict:
    """The fields certification.earned / .renewed carry (course_version: the quiz version number)."""
    if version is None and certification.quiz_version_id is not None:
        version = db.session.get(QuizVersion, certification.quiz_version_id)
    return dict(person_id=certification.user_id, certification_id=certification.id,
                course_slug=course_slug_of_version(certification.quiz_version_id), tier=certification.tier,
                course_version=version.number if version else None,
                valid_until=certification.expires_at.isoformat(), attempt_id=certification.attempt_id,
                occurred_at=certification.passed_at.isoformat())


def record_pass(user_id: int, tier: str, version: QuizVersion, attempt_id: int, now: datetime) -> Certification:
    """Certify the person for `tier` from `now` for the version's valid_months. A certification
    that is not revoked (valid or expired) is extended on the same row, so its code stays the
    same (`certification.renewed`; a new row is `certification.earned`); the caller commits."""
    expires_at = add_months(now, version.valid_months)
    certification = _live_certification(user_id, tier)
    if certification is None:
        try:
            with db.session.begin_nested():
                certification = Certification(user_id=user_id, tier=tier, passed_at=now, first_passed_at=now,
                                              expires_at=expires_at, quiz_version_id=version.id,
                                              attempt_id=attempt_id)
                db.session.add(certification)
        except IntegrityError:  # another pass of this tier committed first: extend that one
            certification = _live_certification(user_id, tier)
            assert certification is not None, "the certification that won the race"
        else:
            events.publish("certification.earned", **certification_payload(certification, version))
            return certification
    certification.passed_at = now
    certification.expires_at = max(expires_at, certification.expires_at)
    certification.quiz_version_id, certification.attempt_id = version.id, attempt_id
    certification.expiry_announced_at = None  # it may run out again, and be announced again
    db.session.flush()
    events.publish("certification.renewed", **certification_payload(certification, version))
    return certification


def revoke_certification(certification: Certification, reason: str, actor_id: int, now: datetime) -> bool:
    """HR withdraws a certification, with a reason; audited. False when it was already revoked."""
    revoked = rows_changed(
        update(Certification).where(Certification.id == certification.id, Certification.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason=reason, revoked_by_id=actor_id)
        .execution_options(synchronize_session=False))
    if revoked != 1:
        return False
    events.publish("certification.revoked", person_id=certification.user_id, certification_id=certification.id,
                   course_slug=course_slug_of_version(certification.quiz_version_id), tier=certification.tier,
                   reason=reason, occurred_at=now.isoformat())
    audit.record("certification.revoke", f"{certification.tier} certification {certification.code}: {reason}",
                 subject_id=certification.user_id, actor_id=actor_id)
    return True


def certifications_of(user_id: int) -> list[Certification]:
    """The person's certifications, live ones first, by tier."""
    rows = db.session.scalars(select(Certification).where(Certification.user_id == user_id)).all()
    return sorted(rows, key=lambda c: (c.revoked_at is not None, TIERS.index(c.tier), c.passed_at))


def certification_by_code(code: str) -> Certification | None:
    if not code or len(code) > 32:
        return None
    return db.session.scalar(select(Certification).options(joinedload(Certification.user))
                             .where(Certification.code == code))


def verification_url(certification: Certification) -> str:
    return absolute_url(url_for("quizzes.verify", code=certification.code))


# -- running out ---------------------------------------------------------------------------------

def announce_expiries(now: datetime, limit: int = 1000) -> int:
    """Publish `certification.expired` once for every certification that ran out (not revoked,
    expires_at passed, not announced since it was last extended). Each is claimed with a guarded
    UPDATE, so two sweeps at once announce it once. The caller commits. Returns how many."""
    due = db.session.scalars(select(Certification).where(
        Certification.revoked_at.is_(None), Certification.expires_at <= now,
        Certification.expiry_announced_at.is_(None)).order_by(Certification.expires_at).limit(limit)).all()
    announced = 0
    for certification in due:
        if rows_changed(update(Certification).where(Certification.id == certification.id,
                                                    Certification.expiry_announced_at.is_(None))
                        .values(expiry_announced_at=now).execution_options(synchronize_session=False)) != 1:
            continue
        events.publish("certification.expired", person_id=certification.user_id, certification_id=certification.id,
                       course_slug=course_slug_of_version(certification.quiz_version_id), tier=certification.tier,
                       expired_at=certification.expires_at.isoformat(),
                       occurred_at=certification.expires_at.isoformat())
        announced += 1
    return announced


@periodic("learning.announce_expiries", crontab(minute="*/15"))
def expiry_sweep() -> None:
    """Every 15 minutes: announce the certifications that ran out since (the job commits)."""
    count = announce_expiries(utcnow())
    if count:
        log.info("announced %d expired certification(s)", count)

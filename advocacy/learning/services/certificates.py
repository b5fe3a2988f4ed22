"""Certifications: written by a pass, extended by the next pass, revoked by HR."""
from __future__ import annotations

from datetime import datetime

from flask import url_for
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from advocacy.core import audit
from advocacy.core.db import db, rows_changed
from advocacy.core.mail import absolute_url
from advocacy.learning.models.quizzes import Certification, QuizVersion
from advocacy.learning.rules.grading import add_months
from advocacy.learning.tiers import TIERS


def _live_certification(user_id: int, tier: str) -> Certification | None:
    return db.session.scalar(select(Certification).where(
        Certification.user_id == user_id, Certification.tier == tier, Certification.revoked_at.is_(None))
        .with_for_update())


def record_pass(user_id: int, tier: str, version: QuizVersion, attempt_id: int, now: datetime) -> Certification:
    """Certify the person for `tier` from `now` for the version's valid_months. A certification
    that is not revoked (valid or expired) is extended on the same row, so its code stays the
    same; the caller commits."""
    expires_at = add_months(now, version.valid_months)
    certification = _live_certification(user_id, tier)
    if certification is None:
        try:
            with db.session.begin_nested():
                certification = Certification(user_id=user_id, tier=tier, passed_at=now, first_passed_at=now,
                                              expires_at=expires_at, quiz_version_id=version.id,
                                              attempt_id=attempt_id)
                db.session.add(certification)
            return certification
        except IntegrityError:  # another pass of this tier committed first: extend that one
            certification = _live_certification(user_id, tier)
            assert certification is not None, "the certification that won the race"
    certification.passed_at = now
    certification.expires_at = max(expires_at, certification.expires_at)
    certification.quiz_version_id, certification.attempt_id = version.id, attempt_id
    return certification


def revoke_certification(certification: Certification, reason: str, actor_id: int, now: datetime) -> bool:
    """HR withdraws a certification, with a reason; audited. False when it was already revoked."""
    revoked = rows_changed(
        update(Certification).where(Certification.id == certification.id, Certification.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason=reason, revoked_by_id=actor_id)
        .execution_options(synchronize_session=False))
    if revoked != 1:
        return False
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

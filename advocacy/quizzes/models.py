"""Certifications. (Quizzes, questions and attempts are added by the quizzes feature.)"""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, and_, or_
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import UTCDateTime
from ..courses.tiers import TIER_CHECK
from ..extensions import db
from ..people.models import User


def new_verification_code() -> str:
    return secrets.token_urlsafe(12)


class Certification(db.Model):
    """A person's pass of a tier. Recertifying before expiry extends expires_at on the same row."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    tier: Mapped[str] = mapped_column(String(10))
    code: Mapped[str] = mapped_column(String(32), unique=True, default=new_verification_code)
    passed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str] = mapped_column(Text, default="")
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    __table_args__ = (CheckConstraint(TIER_CHECK, name="known_tier"),)

    @hybrid_method
    def is_valid_at(self, now: datetime) -> bool:
        return self.revoked_at is None and self.passed_at <= now < self.expires_at

    @is_valid_at.expression
    def is_valid_at(cls, now):
        return and_(cls.revoked_at.is_(None), cls.passed_at <= now, cls.expires_at > now)


def certification_is_valid(cert: Certification | None, now: datetime) -> bool:
    return cert is not None and cert.is_valid_at(now)


def valid_tiers(user_id: int, now: datetime) -> set[str]:
    """The tiers this person holds a valid certification for right now (one query)."""
    from sqlalchemy import select

    rows = db.session.scalars(
        select(Certification.tier).where(Certification.user_id == user_id, Certification.is_valid_at(now))
    )
    return set(rows)

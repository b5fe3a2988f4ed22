"""What HR and admin did (the audit log), reminders sent, and due dates HR set."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advocacy.core.clock import UTCDateTime, utcnow
from advocacy.learning.tiers import TIER_CHECK
from advocacy.core.db import db
from advocacy.core.organisation import User


class AuditEntry(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    detail: Mapped[str] = mapped_column(Text, default="")

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_id])


class ReminderLog(db.Model):
    """One reminder (or digest) sent to one person. The unique key is the promise that the same
    reminder never goes out twice within its interval: two cron runs at once cannot both insert
    it, and a failed send rolls its row back so the next run tries again.

    kind: overdue | expiring30 | expiring7 | policy | digest
    subject: what it is about (a tier, a certification and its expiry, a policy version)
    period: the interval it belongs to (an ISO week such as 2026-W10, or "once")
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(80))
    period: Mapped[str] = mapped_column(String(20))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    __table_args__ = (
        UniqueConstraint("user_id", "kind", "subject", "period"),
        CheckConstraint("kind IN ('overdue', 'expiring30', 'expiring7', 'policy', 'digest')", name="known_kind"),
    )


class DueDate(db.Model):
    """A due date HR set for one person and tier, replacing the organisation's default."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    tier: Mapped[str] = mapped_column(String(10))
    due_on: Mapped[date] = mapped_column(Date)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "tier"), CheckConstraint(TIER_CHECK, name="known_tier"))

"""Reminders (and digests) sent: the claims that make each go out once within its interval."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from advocacy.core.clock import UTCDateTime, utcnow
from advocacy.core.db import Model


class ReminderLog(Model):
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

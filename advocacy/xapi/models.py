"""The statements outbox: one row per xAPI statement, written in the transaction of the event that
caused it, sent by the `xapi.deliver` job. The statement (and its id) is fixed when the row is
written, so a retry, a resend after a killed worker or a second backfill sends the same statement,
which the LRS stores once."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from advocacy.core.clock import UTCDateTime, utcnow
from advocacy.core.db import Model

STATUSES = ("pending", "sending", "sent", "failed")


class XapiStatement(Model):
    __tablename__ = "xapi_statement"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[str] = mapped_column(String(36), unique=True)  # the statement's UUID
    person_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    verb: Mapped[str] = mapped_column(String(20))  # experienced, passed, ... (for the admin page)
    statement: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claim: Mapped[str | None] = mapped_column(String(32), index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(1000))

    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name="known_status"),
        Index("ix_xapi_statement_status_next_attempt_at", "status", "next_attempt_at"),
    )

"""A person's secret calendar address: only the hash of its token is stored. One row per person;
renewing replaces the hash, so the old address stops working at once."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from advocacy.core.clock import UTCDateTime, utcnow
from advocacy.core.db import Model


class CalendarFeed(Model):
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256, hex
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

"""A quiz file uploaded in the browser, waiting between its preview and the author's confirmation.

The bytes are a blob (core/blobs.py); the row names the course and language they are for and who
uploaded them. A random token opens it only together with the uploader's id, so the confirm step
publishes exactly the file that was previewed, never a body posted again, and nobody else's upload.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from advocacy.core.blobs import Blob
from advocacy.core.clock import UTCDateTime, utcnow
from advocacy.core.db import Model

UPLOAD_KINDS = ("gift", "xml")


class BankUpload(Model):
    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(5))
    kind: Mapped[str] = mapped_column(String(10))
    filename: Mapped[str] = mapped_column(String(200), default="")
    blob_hash: Mapped[str] = mapped_column(ForeignKey(Blob.hash), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("length(token) >= 32", name="token_long_enough"),
        CheckConstraint("kind IN ('gift', 'xml')", name="known_kind"),
        Index("ix_bank_upload_created_at", "created_at"),
    )

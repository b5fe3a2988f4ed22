"""A CSV file waiting between its preview and being applied, kept in the database so that any
host can apply what another host previewed."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from advocacy.core.blobs import Blob
from advocacy.core.clock import UTCDateTime, utcnow
from advocacy.core.db import Model


class ImportUpload(Model):
    """The uploader's file, found by a random token together with their id: nobody else's token
    opens it. Its bytes are a blob (core/blobs.py); both go when it is applied or expires."""

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    blob_hash: Mapped[str] = mapped_column(ForeignKey(Blob.hash), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("length(token) >= 32", name="token_long_enough"),
        Index("ix_import_upload_created_at", "created_at"),
    )

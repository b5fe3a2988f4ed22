"""People files: one waiting between its preview and being applied (kept in the database, so that
any host can apply what another host previewed), and an import being applied in the background."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
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

RUN_STATUSES = ("queued", "running", "done", "failed")


class ImportRun(Model):
    """One press of "Apply the import". `done` counts the file's rows applied; it moves in the same
    transaction as those rows (a guarded UPDATE ... WHERE done = before), so a resumed run starts
    exactly where the last committed chunk ended and nobody is created or invited twice."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    token: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default="queued")
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    invited: Mapped[int] = mapped_column(Integer, default=0)
    failure: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="known_status"),
        CheckConstraint("done >= 0 AND done <= total", name="done_within_total"),
    )

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

    def as_json(self) -> dict:
        return {"id": self.id, "status": self.status, "total": self.total, "done": self.done,
                "created": self.created, "updated": self.updated, "invited": self.invited,
                "failure": self.failure, "finished": self.finished}

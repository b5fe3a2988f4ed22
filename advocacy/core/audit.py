"""The audit log: what HR and admins did, who did it, about whom. An entry is added in the same
transaction as the action itself, so there is never an action without its entry, or the reverse."""
from __future__ import annotations

from datetime import datetime

from flask_login import current_user
from sqlalchemy import ForeignKey, String, Text, insert
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advocacy.core.clock import UTCDateTime, utcnow
from advocacy.core.db import Model, db
from advocacy.core.organisation import User


class AuditEntry(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    detail: Mapped[str] = mapped_column(Text, default="")

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_id])


def record(action: str, detail: str = "", subject_id: int | None = None, actor_id: int | None = None) -> None:
    if actor_id is None and current_user and getattr(current_user, "is_authenticated", False):
        actor_id = current_user.id
    db.session.add(AuditEntry(action=action, detail=detail[:2000], subject_id=subject_id, actor_id=actor_id))


def record_refusal(action: str, detail: str = "", subject_id: int | None = None) -> None:
    """An entry for something refused (a forged sign-in, refused provisioning). The refused request
    answers with an error and keeps nothing it did, so its own work is rolled back here and the entry
    is written on a connection of its own, committed at once."""
    db.session.rollback()
    with db.engine.begin() as connection:
        connection.execute(insert(AuditEntry).values(at=utcnow(), action=action[:60], detail=detail[:2000],
                                                     subject_id=subject_id, actor_id=None))

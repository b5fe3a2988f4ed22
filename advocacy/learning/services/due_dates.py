"""HR sets (or clears) one person's due date for a tier, replacing the organisation's default."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from advocacy.core.audit import record
from advocacy.core.clock import utcnow
from advocacy.core.db import db
from advocacy.learning.models.progress import DueDate


def set_due_date(user, tier: str, due_on: date | None, set_by_id: int | None = None) -> None:
    """None goes back to the organisation's default. Audited."""
    row = db.session.scalar(select(DueDate).where(DueDate.user_id == user.id, DueDate.tier == tier))
    if due_on is None:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(DueDate(user_id=user.id, tier=tier, due_on=due_on, set_at=utcnow(), set_by_id=set_by_id))
    else:
        row.due_on, row.set_at, row.set_by_id = due_on, utcnow(), set_by_id
    record("due_date.set", f"{tier} due {due_on.isoformat() if due_on else 'default'} for person #{user.id}",
           subject_id=user.id)

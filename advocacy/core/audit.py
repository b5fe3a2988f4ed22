"""Record HR and admin actions. The caller commits, together with the action itself."""
from flask_login import current_user

from advocacy.core.db import db
from advocacy.core.audit import AuditEntry


def record(action: str, detail: str = "", subject_id: int | None = None, actor_id: int | None = None) -> None:
    if actor_id is None and current_user and getattr(current_user, "is_authenticated", False):
        actor_id = current_user.id
    db.session.add(AuditEntry(action=action, detail=detail[:2000], subject_id=subject_id, actor_id=actor_id))

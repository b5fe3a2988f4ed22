"""People's privacy choices (leaderboard, digest), the HR people list, and who may erase whom.
The export and the erasure themselves are core/privacy.py, with a part from every feature."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from advocacy.core.clock import utcnow
from advocacy.core.db import db
from advocacy.core.organisation import User


def people_page(query: str, department_id: int | None, page: int):
    stmt = select(User).where(User.erased_at.is_(None)).order_by(User.name, User.id)
    if query:
        stmt = stmt.where(User.name.icontains(query, autoescape=True) | User.email.icontains(query, autoescape=True))
    if department_id:
        stmt = stmt.where(User.department_id == department_id)
    return db.paginate(stmt, page=page, per_page=50, error_out=False)


def save_choices(user: User, *, leaderboard: bool, digest: bool) -> None:
    user.leaderboard_opt_in = bool(leaderboard)
    if digest:
        user.digest_unsubscribed_at = None
    elif user.digest_unsubscribed_at is None:
        user.digest_unsubscribed_at = utcnow()


# -- erasure ---------------------------------------------------------------------------------------

def erase_refusal(person: User, actor: User) -> str | None:
    """Why this actor may not erase this person, or None."""
    if person.id == actor.id:
        return _("You cannot erase yourself. Ask a colleague in HR.")
    if person.has_role("admin") and not actor.has_role("admin"):
        return _("Only an admin can erase an admin.")
    return None

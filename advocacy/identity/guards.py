"""The two guards every route uses.

    @role_required("hr")                       anonymous -> login, wrong role -> 403
    person = person_in_reach_or_404(person_id)  someone else's -> 404 (we do not confirm it exists)
"""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from advocacy.core.db import db
from advocacy.core.extensions import login_manager
from advocacy.core.organisation import User


def role_required(*roles: str):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles
        return wrapped

    return decorator


def report_ids_query(manager_id: int):
    """Everyone below this manager, directly or through other managers (a recursive query)."""
    tree = select(User.id).where(User.manager_id == manager_id).cte("reports", recursive=True)
    tree = tree.union(select(User.id).where(User.manager_id == tree.c.id))
    return select(tree.c.id)


def report_ids(manager_id: int) -> set[int]:
    return set(db.session.scalars(report_ids_query(manager_id)))


def can_see_person(viewer: User, person_id: int, *, hr_sees_all: bool = True) -> bool:
    if viewer.id == person_id:
        return True
    if hr_sees_all and viewer.has_role("hr", "admin"):
        return True
    return person_id in report_ids(viewer.id)


def person_in_reach_or_404(person_id: int, *, hr_sees_all: bool = True) -> User:
    """The person if they are the viewer, one of the viewer's reports, or HR is looking."""
    person = db.session.get(User, person_id)
    if person is None or not can_see_person(current_user, person_id, hr_sees_all=hr_sees_all):
        abort(404)
    return person


def owned_or_404(obj, owner_attr: str = "user_id", *, hr_sees_all: bool = False):
    """An object that belongs to the viewer (or, for managers, to one of their reports)."""
    if obj is None or not can_see_person(current_user, getattr(obj, owner_attr), hr_sees_all=hr_sees_all):
        abort(404)
    return obj

"""The two guards every route uses.

    @role_required("hr")                       anonymous -> login, wrong role -> 403
    person = person_in_reach_or_404(person_id)  someone else's -> 404 (we do not confirm it exists)
"""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from advocacy.core.db import db
from advocacy.core.extensions import login_manager
from advocacy.core.organisation import User
from advocacy.core.orgchart import can_see_person


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


def person_in_reach_or_404(person_id: int, *, hr_sees_all: bool = True) -> User:
    """The person if they are the viewer, one of the viewer's reports, or HR is looking."""
    person = db.session.get(User, person_id)
    if person is None or not can_see_person(current_user, person_id, hr_sees_all=hr_sees_all):
        abort(404)
    return person

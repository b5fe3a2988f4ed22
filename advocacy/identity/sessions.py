"""Who is signed in: Flask-Login keeps the person's session token in the cookie, and each request
loads the person (with their roles, in the same query) from it."""
from __future__ import annotations

from functools import cache

from flask import Flask, g, session
from flask_babel import lazy_gettext as _l
from flask_login import login_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from advocacy.core.db import db
from advocacy.core.extensions import login_manager
from advocacy.core.organisation import User


def load_user(session_token: str):
    if not session_token:
        return None
    user = db.session.scalars(_user_statement(), {"token": session_token}).unique().first()
    return user if user is not None and user.is_active else None


@cache
def _user_statement():
    """Roles come in the same query: every page asks for them (the navigation), one round trip
    fewer. Built once per process, as it runs on every request."""
    return select(User).options(joinedload(User.role_rows)).where(User.session_token == bindparam("token"))


def begin_session(user: User, remember: bool = False) -> None:
    """Sign `user` in on a fresh session: whatever the session held before (a planted cookie, the
    sign-in's state) is dropped and the CSRF token is new; only the chosen language stays."""
    language = session.get("language")
    session.clear()
    g.pop("csrf_token", None)  # Flask-WTF keeps this request's token here; the next form gets a new one
    if language:
        session["language"] = language
    login_user(user, remember=remember)


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see that page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)

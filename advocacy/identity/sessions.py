"""Who is signed in: Flask-Login keeps the person's session token in the cookie, and each request
loads the person (with their roles, in the same query) from it.

Binding to the browser: the id kept in the session and in the remember-me cookie is
`<session token>.<browser tag>`, the tag a hash of the User-Agent with its digits taken out (the
browser and the operating system, not their versions). A cookie copied into another browser carries
a tag that does not match that browser's: the request is anonymous and asks for a sign-in. The
network is not part of it (Flask-Login's "strong" protection hashes the IP address too), so a phone
moving from Wi-Fi to mobile data stays signed in, and a browser update does not sign anyone out.
Why not a secret in a second cookie: whoever copies one cookie of this site copies the other with
it, so it would stop nothing the tag does not; the tag at least differs between browsers.

Device cookies (OWASP, "Slow down online guessing attacks with device cookies"): after a sign-in
the browser keeps a signed cookie naming the person and a random nonce. Failed sign-ins that carry
a valid one are counted against that cookie instead of the address (identity/services.py), so a
stranger who locks an address does not lock out its owner on a device they used before."""
from __future__ import annotations

import hashlib
import re
import secrets
from functools import cache

from flask import Flask, after_this_request, current_app, g, request, session
from flask_babel import lazy_gettext as _l
from flask_login import login_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from advocacy.core.db import db
from advocacy.core.extensions import login_manager
from advocacy.core.organisation import User

DEVICE_COOKIE = "advocacy_device"


def browser_tag(user_agent: str | None = None) -> str:
    """The User-Agent without its version numbers, hashed (short: it only has to differ)."""
    agent = request.headers.get("User-Agent", "") if user_agent is None else user_agent
    return hashlib.sha256(re.sub(r"[\d._]+", "", agent).encode()).hexdigest()[:16]


def bound_id(session_token: str, user_agent: str | None = None) -> str:
    """What the session and the remember-me cookie keep: the token, bound to this browser."""
    return f"{session_token}.{browser_tag(user_agent)}"


def load_user(bound: str):
    session_token, _dot, tag = (bound or "").rpartition(".")
    if not session_token or not secrets.compare_digest(tag, browser_tag()):
        return None  # a copied cookie from another browser (or an old, unbound one): sign in again
    user = db.session.scalars(_user_statement(), {"token": session_token}).unique().first()
    return user if user is not None and user.is_active else None


@cache
def _user_statement():
    """Roles come in the same query: every page asks for them (the navigation), one round trip
    fewer. Built once per process, as it runs on every request."""
    return select(User).options(joinedload(User.role_rows)).where(User.session_token == bindparam("token"))


def begin_session(user: User, remember: bool = False) -> None:
    """Sign `user` in on a fresh session: whatever the session held before (a planted cookie, the
    sign-in's state) is dropped and the CSRF token is new; only the chosen language stays. The
    browser gets a new device cookie for them."""
    language = session.get("language")
    session.clear()
    g.pop("csrf_token", None)  # Flask-WTF keeps this request's token here; the next form gets a new one
    if language:
        session["language"] = language
    sign_in(user, remember=remember)
    remember_device(user)


def sign_in(user: User, remember: bool = False) -> None:
    """Flask-Login's login_user, with the id bound to this browser (and so the remember-me cookie,
    which Flask-Login writes from the session's id)."""
    login_user(user, remember=remember)
    session["_user_id"] = bound_id(user.session_token)


# -- device cookies --------------------------------------------------------------------------------

def _devices() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="advocacy.device-cookie")


def remember_device(user: User) -> None:
    """Give this browser a device cookie for `user` (set on the response of this request)."""
    value = _devices().dumps({"u": user.id, "n": secrets.token_urlsafe(16)})
    days = current_app.config["DEVICE_COOKIE_DAYS"]

    @after_this_request
    def _set(response):
        response.set_cookie(DEVICE_COOKIE, value, max_age=days * 86400, httponly=True, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
        return response


def _device_value() -> dict | None:
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        value = _devices().loads(raw, max_age=current_app.config["DEVICE_COOKIE_DAYS"] * 86400)
    except BadSignature:  # forged, altered or expired (SignatureExpired is a BadSignature)
        return None
    return value if isinstance(value, dict) and isinstance(value.get("n"), str) else None


def has_device_cookie() -> bool:
    """This browser carries a genuine device cookie (for whom is not looked up yet)."""
    return _device_value() is not None


def device_nonce(user_id: int | None) -> str | None:
    """The nonce of this browser's device cookie if it is genuine, not expired, and for this person."""
    value = _device_value()
    if value is None or user_id is None or value.get("u") != user_id:
        return None
    return value["n"]


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see that page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)

"""Logging in and out, failed-login limits, single-use links."""
from __future__ import annotations

import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, request
from limits import parse
from sqlalchemy import select, update

from advocacy.core.clock import utcnow
from advocacy.core.db import db, rows_changed
from advocacy.core.directory import find_user_by_email
from advocacy.core.extensions import limiter
from advocacy.core.organisation import User
from advocacy.core.people_rules import normalise_email
from advocacy.identity.models import AuthToken, hash_token
from advocacy.identity.passwords import hash_password, needs_rehash, password_matches

# A real hash to compare against when the account does not exist, so timing does not tell.
_DUMMY_HASH: dict[str, str] = {}


# -- failed-login limits -------------------------------------------------------------------------
# Only failures count, per account and per address, in the limiter's storage (memory or Redis,
# so several app servers share the count). Colleagues behind one office address have their own
# account counters, and the per-address limit is high enough not to lock them out together.

def _limits():
    cfg = current_app.config
    return parse(cfg["LOGIN_FAILURES_PER_ACCOUNT"]), parse(cfg["LOGIN_FAILURES_PER_IP"])


def client_address() -> str:
    return request.remote_addr or "unknown"


def login_blocked(email: str) -> bool:
    per_account, per_ip = _limits()
    strategy = limiter.limiter
    return not (strategy.test(per_account, "login-account", normalise_email(email))
                and strategy.test(per_ip, "login-ip", client_address()))


def record_failed_login(email: str) -> None:
    per_account, per_ip = _limits()
    limiter.limiter.hit(per_account, "login-account", normalise_email(email))
    limiter.limiter.hit(per_ip, "login-ip", client_address())


def authenticate(email: str, password: str) -> User | None:
    """The user whose e-mail and password these are, with the hash upgraded if it is old."""
    user = find_user_by_email(email)
    if user is None or not user.password_hash:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        if method not in _DUMMY_HASH:
            _DUMMY_HASH[method] = hash_password(secrets.token_hex(8))
        password_matches(_DUMMY_HASH[method], password)
        return None
    if not password_matches(user.password_hash, password) or not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def end_session(user: User) -> None:
    """Logging out ends every session and remember-me cookie of this person."""
    user.rotate_session_token()


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.rotate_session_token()


# -- where to go after login ---------------------------------------------------------------------

def safe_next_url(target: str | None) -> str | None:
    """A path on this site, or None. Anything with a scheme, a host, or tricks that browsers
    read as one (//host, /\\host, https:host, control characters) is refused."""
    if not target or not isinstance(target, str):
        return None
    target = target.strip()
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(ch in target for ch in "\\\r\n\t") or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


# -- single-use links ----------------------------------------------------------------------------

def issue_token(user: User, purpose: str, first: bool = False) -> str:
    """A fresh link token; earlier unused tokens of the same purpose stop working. `first`: the
    person was created in this transaction, so there is nothing earlier to stop (an import of
    thousands saves a statement per person)."""
    hours = current_app.config["INVITATION_HOURS" if purpose == "invite" else "RESET_HOURS"]
    now = utcnow()
    if not first:
        db.session.execute(
            update(AuthToken)
            .where(AuthToken.user_id == user.id, AuthToken.purpose == purpose, AuthToken.used_at.is_(None))
            .values(used_at=now)
        )
    raw = secrets.token_urlsafe(32)
    db.session.add(AuthToken(user_id=user.id, purpose=purpose, token_hash=hash_token(raw),
                             created_at=now, expires_at=now + timedelta(hours=hours)))
    return raw


def find_valid_token(raw: str, purpose: str) -> AuthToken | None:
    token = db.session.scalar(select(AuthToken).where(AuthToken.token_hash == hash_token(raw or "")))
    if token is None or token.purpose != purpose or token.used_at is not None:
        return None
    if token.expires_at <= utcnow() or not token.user.is_active:
        return None
    return token


def use_token(token: AuthToken) -> bool:
    """Mark the token used; False when another request used it first."""
    return rows_changed(update(AuthToken).where(AuthToken.id == token.id, AuthToken.used_at.is_(None))
                        .values(used_at=utcnow())) == 1

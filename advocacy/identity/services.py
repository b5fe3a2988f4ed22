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
from advocacy.identity.sessions import device_nonce

_DUMMY_HASH: dict[str, str] = {}


# -- sign-in limits ------------------------------------------------------------------------------
# Both counters live in the limiter's storage (memory or Redis, so several app servers share them),
# and both are consulted before any password is hashed, so refused attempts cost almost nothing:
# - per address, every attempt counts (taken atomically before hashing, so a burst of parallel
#   requests cannot all slip past the check before the first failure is written down); the limit
#   is high enough for colleagues behind one office address;
# - per account, only failures count, and a paused account is refused before hashing too.

def _limits():
    cfg = current_app.config
    return parse(cfg["LOGIN_FAILURES_PER_ACCOUNT"]), parse(cfg["LOGIN_FAILURES_PER_IP"])


def client_address() -> str:
    return request.remote_addr or "unknown"


def take_address_attempt() -> bool:
    """Count this sign-in attempt against the client's address; False when it is over the limit."""
    _per_account, per_ip = _limits()
    return limiter.limiter.hit(per_ip, "login-ip", client_address())


def account_paused(email: str, device: str | None = None) -> bool:
    """Over the failure limit: the device cookie's when the attempt carries a valid one for this
    address (the owner on their own phone), the address's otherwise."""
    per_account, _per_ip = _limits()
    if device:
        return not limiter.limiter.test(per_account, "login-device", device)
    return not limiter.limiter.test(per_account, "login-account", normalise_email(email))


def device_for(email: str) -> str | None:
    """The nonce of this browser's device cookie if it is valid for the account of `email`."""
    user = find_user_by_email(email)
    return device_nonce(user.id if user is not None else None)


def login_blocked(email: str) -> bool:
    """Over either limit (without counting this attempt)."""
    per_account, per_ip = _limits()
    return account_paused(email) or not limiter.limiter.test(per_ip, "login-ip", client_address())


def record_failed_login(email: str, device: str | None = None) -> None:
    per_account, _per_ip = _limits()
    if device:
        limiter.limiter.hit(per_account, "login-device", device)
    else:
        limiter.limiter.hit(per_account, "login-account", normalise_email(email))


def _dummy_hash() -> str:
    """A real hash at today's parameters to verify against when the account does not exist (or has
    no password), so an unknown address costs the same time and memory as a known one."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASH:
        _DUMMY_HASH[method] = hash_password(secrets.token_hex(8))
    return _DUMMY_HASH[method]


def authenticate(email: str, password: str) -> User | None:
    """The user whose e-mail and password these are, with the hash upgraded if it is old.
    Raises passwords.HashingBusy when this worker is already hashing as much as it may (unless
    the caller holds a turn already, as the login page does)."""
    user = find_user_by_email(email)
    if user is None or not user.password_hash:
        password_matches(_dummy_hash(), password)
        return None
    if not password_matches(user.password_hash, password) or not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def password_login_allowed(email: str) -> bool:
    """With PASSWORD_LOGIN=off only the break-glass admins' addresses may use a password. Checked
    before any hashing, so a refused address costs nothing."""
    cfg = current_app.config
    return cfg["PASSWORD_LOGIN"] or normalise_email(email) in cfg["BREAK_GLASS_ADMINS"]


def password_login_allowed_for(user: User) -> bool:
    """A break-glass address must also still belong to an admin."""
    return current_app.config["PASSWORD_LOGIN"] or user.has_role("admin")


def sso_options() -> list[dict[str, str]]:
    """The single sign-on buttons the login page shows, in this order."""
    cfg = current_app.config
    options = []
    if cfg.get("OIDC_ISSUER"):
        options.append({"endpoint": "sso.oidc_login", "label": "OpenID Connect"})
    if cfg.get("SAML_IDP_METADATA_URL") or cfg.get("SAML_IDP_METADATA_FILE"):
        options.append({"endpoint": "sso.saml_login", "label": "SAML"})
    return options


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

"""SCIM bearer tokens: created by an admin (shown once), stored only as a hash, revoked from the
admin page, and rate limited each on its own (SCIM_RATE_LIMIT)."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from limits import parse
from sqlalchemy import select, update

from advocacy.core.audit import record
from advocacy.core.clock import utcnow
from advocacy.core.db import db, rows_changed
from advocacy.core.extensions import limiter
from advocacy.identity.scim.models import ScimToken

PREFIX = "scim_"
LAST_USE_RESOLUTION = timedelta(minutes=1)  # how often a token's last use is written


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(name: str, created_by_id: int | None = None) -> tuple[ScimToken, str]:
    """A new token under `name` (unique): the token row and the raw value, which is never stored."""
    name = name.strip()
    if not name or len(name) > 80:
        raise ValueError("a token's name is 1 to 80 characters")
    if db.session.scalar(select(ScimToken.id).where(ScimToken.name == name)) is not None:
        raise ValueError(f"a token named {name!r} exists already")
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ScimToken(name=name, token_hash=token_hash(raw), created_by_id=created_by_id, created_at=utcnow())
    db.session.add(token)
    db.session.flush()
    record("scim.token.created", name, actor_id=created_by_id)
    return token, raw


def find_token(raw: str | None) -> ScimToken | None:
    """The live token with this value, or None (unknown, revoked, malformed)."""
    if not raw or len(raw) > 200:
        return None
    token = db.session.scalar(select(ScimToken).where(ScimToken.token_hash == token_hash(raw)))
    if token is None or token.revoked_at is not None or not hmac.compare_digest(token.token_hash, token_hash(raw)):
        return None
    return token


def note_use(token: ScimToken) -> None:
    """Record the last use, at most once a minute (a guarded UPDATE: no write on most requests)."""
    now = utcnow()
    if token.last_used_at is None or token.last_used_at <= now - LAST_USE_RESOLUTION:
        db.session.execute(update(ScimToken).where(ScimToken.id == token.id).values(last_used_at=now))


def within_rate(token: ScimToken) -> bool:
    """Counts this request against the token's own limit; False once it is exceeded."""
    return limiter.limiter.hit(parse(current_app.config["SCIM_RATE_LIMIT"]), "scim-token", str(token.id))


def revoke_token(token_id: int, actor_id: int | None) -> ScimToken | None:
    """The token, revoked now (None if there is no such token or it was revoked already)."""
    token = db.session.get(ScimToken, token_id)
    if token is None:
        return None
    if rows_changed(update(ScimToken).where(ScimToken.id == token_id, ScimToken.revoked_at.is_(None))
                    .values(revoked_at=utcnow())) != 1:
        return None
    record("scim.token.revoked", token.name, actor_id=actor_id)
    return token


def all_tokens() -> list[ScimToken]:
    return list(db.session.scalars(select(ScimToken).order_by(ScimToken.revoked_at.is_not(None),
                                                              ScimToken.created_at.desc())))

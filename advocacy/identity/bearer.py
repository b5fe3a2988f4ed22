"""Bearer tokens that admins hand to other systems (SCIM's identity provider, the REST API's
clients): made once and shown once, kept only as a SHA-256, found by that hash, revoked, each
with its own rate limit, and their last use noted at most once a minute.

Each kind keeps its own table (identity/scim/models.py ScimToken, api/models.py ApiToken) with the
columns `TokenColumns` names; everything that works on those columns is here, once.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from flask import current_app, request
from limits import parse
from sqlalchemy import ForeignKey, String, select, update
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from advocacy.core.clock import UTCDateTime, utcnow
from advocacy.core.db import db, rows_changed
from advocacy.core.extensions import limiter

LAST_USE_RESOLUTION = timedelta(minutes=1)  # how often a token's last use is written
MAX_NAME = 80
MAX_RAW = 200  # longer than any token made here: refused before it is hashed


class TokenColumns:
    """The columns every kind of bearer token has (a mixin for its model)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(MAX_NAME), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def checked_name(model, name: str) -> str:
    """`name` stripped, 1 to 80 characters and not taken by another token of this kind."""
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise ValueError(f"a token's name is 1 to {MAX_NAME} characters")
    if db.session.scalar(select(model.id).where(model.name == name)) is not None:
        raise ValueError(f"a token named {name!r} exists already")
    return name


def new_raw_token(prefix: str) -> str:
    """A fresh token value: the kind's prefix (so a leaked one is recognisable) and 256 random bits."""
    return prefix + secrets.token_urlsafe(32)


def bearer_value() -> str | None:
    """The token of this request's `Authorization: Bearer ...` header, if it has one."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None


def find_live(model, raw: str | None, now: datetime | None = None):
    """The live token of this kind with this value, or None (unknown, revoked, expired, malformed).
    A model with an `expires_at` column has tokens that stop working then."""
    if not raw or len(raw) > MAX_RAW:
        return None
    token = db.session.scalar(select(model).where(model.token_hash == token_hash(raw)))
    if token is None or token.revoked_at is not None or not hmac.compare_digest(token.token_hash, token_hash(raw)):
        return None
    expires_at = getattr(token, "expires_at", None)
    if expires_at is not None and expires_at <= (now or utcnow()):
        return None
    return token


def note_use(model, token) -> None:
    """Record the last use, at most once a minute (a guarded UPDATE: no write on most requests)."""
    now = utcnow()
    if token.last_used_at is None or token.last_used_at <= now - LAST_USE_RESOLUTION:
        db.session.execute(update(model).where(model.id == token.id).values(last_used_at=now))


def within_rate(token, limit_setting: str, namespace: str) -> bool:
    """Counts this request against the token's own limit (the setting `limit_setting`, e.g.
    "1200 per minute"); False once it is exceeded."""
    return limiter.limiter.hit(parse(current_app.config[limit_setting]), namespace, str(token.id))


def revoke(model, token_id: int):
    """The token, revoked now (None if there is no such token or it was revoked already)."""
    token = db.session.get(model, token_id)
    if token is None:
        return None
    if rows_changed(update(model).where(model.id == token_id, model.revoked_at.is_(None))
                    .values(revoked_at=utcnow())) != 1:
        return None
    return token


def listed(model) -> list:
    """Every token of this kind: the ones in use first, newest first."""
    return list(db.session.scalars(select(model).order_by(model.revoked_at.is_not(None), model.created_at.desc())))

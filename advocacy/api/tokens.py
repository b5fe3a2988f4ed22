"""API tokens: made by an admin (in the browser or `flask api token create`), shown once, kept as
a hash, granting one or more read scopes, optionally until a day; revoked at any time."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from advocacy.api.models import ApiToken
from advocacy.core.audit import record
from advocacy.core.clock import utcnow
from advocacy.core.db import db
from advocacy.identity import bearer

PREFIX = "adv_"
# What each scope lets a token read (README, "REST API").
SCOPES = ("read:people", "read:learning", "read:feed")
MAX_DAYS = 3660


def create_token(name: str, scopes, days: int | None = None,
                 created_by_id: int | None = None) -> tuple[ApiToken, str]:
    """A new token: the row and the raw value, which is never stored. `days`: it stops working that
    many days from now (None: until revoked)."""
    name = bearer.checked_name(ApiToken, name)
    wanted = sorted(set(scopes))
    if not wanted or not set(wanted) <= set(SCOPES):
        raise ValueError("a token has one or more of the scopes " + ", ".join(SCOPES))
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise ValueError(f"a token is valid for 1 to {MAX_DAYS} days")
    now = utcnow()
    raw = bearer.new_raw_token(PREFIX)
    token = ApiToken(name=name, token_hash=bearer.token_hash(raw), scopes=" ".join(wanted), created_at=now,
                     created_by_id=created_by_id, expires_at=now + timedelta(days=days) if days else None)
    db.session.add(token)
    db.session.flush()
    record("api.token.created", f"{name} ({token.scopes})", actor_id=created_by_id)
    return token, raw


def find_token(raw: str | None) -> ApiToken | None:
    """The live token with this value (not unknown, revoked or expired), or None."""
    return bearer.find_live(ApiToken, raw)


def revoke_token(token_id: int, actor_id: int | None) -> ApiToken | None:
    token = bearer.revoke(ApiToken, token_id)
    if token is not None:
        record("api.token.revoked", token.name, actor_id=actor_id)
    return token


def revoke_named(name: str) -> ApiToken | None:
    token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.name == name))
    return revoke_token(token_id, None) if token_id is not None else None


def all_tokens() -> list[ApiToken]:
    return bearer.listed(ApiToken)

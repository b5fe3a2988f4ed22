"""SCIM bearer tokens: created by an admin (shown once), stored only as a hash, revoked from the
admin page, and rate limited each on its own (SCIM_RATE_LIMIT). What every kind of bearer token
shares is identity/bearer.py."""
from __future__ import annotations

from advocacy.core.audit import record
from advocacy.core.clock import utcnow
from advocacy.core.db import db
from advocacy.identity import bearer
from advocacy.identity.bearer import LAST_USE_RESOLUTION, token_hash  # noqa: F401  (SCIM's tests read them here)
from advocacy.identity.scim.models import ScimToken

PREFIX = "scim_"


def create_token(name: str, created_by_id: int | None = None) -> tuple[ScimToken, str]:
    """A new token under `name` (unique): the token row and the raw value, which is never stored."""
    name = bearer.checked_name(ScimToken, name)
    raw = bearer.new_raw_token(PREFIX)
    token = ScimToken(name=name, token_hash=token_hash(raw), created_by_id=created_by_id, created_at=utcnow())
    db.session.add(token)
    db.session.flush()
    record("scim.token.created", name, actor_id=created_by_id)
    return token, raw


def find_token(raw: str | None) -> ScimToken | None:
    """The live token with this value, or None (unknown, revoked, malformed)."""
    return bearer.find_live(ScimToken, raw)


def note_use(token: ScimToken) -> None:
    bearer.note_use(ScimToken, token)


def within_rate(token: ScimToken) -> bool:
    """Counts this request against the token's own limit; False once it is exceeded."""
    return bearer.within_rate(token, "SCIM_RATE_LIMIT", "scim-token")


def revoke_token(token_id: int, actor_id: int | None) -> ScimToken | None:
    """The token, revoked now (None if there is no such token or it was revoked already)."""
    token = bearer.revoke(ScimToken, token_id)
    if token is not None:
        record("scim.token.revoked", token.name, actor_id=actor_id)
    return token


def all_tokens() -> list[ScimToken]:
    return bearer.listed(ScimToken)

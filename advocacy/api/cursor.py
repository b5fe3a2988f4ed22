"""Opaque cursors for keyset pagination: the sort key of the last row of a page, as URL-safe
base64 of a JSON list. A page ends where the next one starts (`WHERE key > cursor ORDER BY key
LIMIT n`), so rows added meanwhile never shift a page and no OFFSET grows with the depth."""
from __future__ import annotations

import base64
import binascii
import json
from datetime import date

from advocacy.api.problems import ApiProblem
from advocacy.core.pagination import MAX_ID

MAX_CURSOR = 400  # characters; any cursor made here is far shorter


def encode(values: list) -> str:
    plain = [v.isoformat() if isinstance(v, date) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def decode(cursor: str | None, kinds: tuple[type, ...]) -> list | None:
    """The key in `cursor`, one value per kind in `kinds` (int, str or date), or None for the first
    page. Anything else, tampered or from another endpoint, is a 400 naming `cursor`."""
    if cursor is None or cursor == "":
        return None
    try:
        if len(cursor) > MAX_CURSOR:
            raise ValueError
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != len(kinds):
            raise ValueError
        key = [_value(value, kind) for value, kind in zip(values, kinds)]
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise ApiProblem(400, "The cursor is not one this endpoint gave out: pass the next_cursor of the "
                              "previous page unchanged, or leave it out for the first page.",
                         parameter="cursor") from None
    return key


def _value(value, kind):
    if kind is int:
        if type(value) is not int or not 0 <= value <= MAX_ID:
            raise ValueError
        return value
    if kind is date:
        return date.fromisoformat(value)
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError
    return value

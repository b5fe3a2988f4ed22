"""The REST API's bearer tokens: a name, the scopes they grant, when they stop working (if ever).
Only the SHA-256 of a token is stored (identity/bearer.py)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advocacy.core.clock import UTCDateTime
from advocacy.core.db import Model
from advocacy.core.organisation import User
from advocacy.identity.bearer import TokenColumns


class ApiToken(TokenColumns, Model):
    # Space-separated, from SCOPES (api/tokens.py), e.g. "read:people read:learning".
    scopes: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User | None] = relationship()

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

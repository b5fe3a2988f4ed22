"""Single-use links for invitations and password resets; links to single sign-on accounts."""
from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advocacy.core.clock import UTCDateTime, utcnow
from advocacy.core.db import Model
from advocacy.core.organisation import User


def hash_token(raw: str) -> str:
    """Only a hash is stored, so a leaked database holds no usable link."""
    return hashlib.sha256(raw.encode()).hexdigest()


class AuthToken(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    __table_args__ = (CheckConstraint("purpose IN ('invite', 'reset')", name="known_purpose"),)


class IdentityLink(Model):
    """This person is `subject` at the identity provider `issuer` (an OpenID issuer URL or a SAML
    entity id). Once linked, the provider's subject finds the person even if their address changes."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    protocol: Mapped[str] = mapped_column(String(4))
    issuer: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()

    __table_args__ = (UniqueConstraint("issuer", "subject", name="one_person_per_subject"),
                      UniqueConstraint("user_id", "issuer", name="one_subject_per_provider"),
                      CheckConstraint("protocol IN ('oidc', 'saml')", name="known_protocol"))


class UsedSsoValue(Model):
    """A sign-in state or SAML assertion id already used: seen again, it is a replay. Only a hash
    is kept, and only until the value would have expired anyway."""

    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    value_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    __table_args__ = (CheckConstraint("kind IN ('state', 'assertion')", name="known_kind"),)


class SecondFactor(Model):
    """A person's authenticator app (TOTP, RFC 6238): on once a first code confirmed it. The last
    time step a code was accepted for is kept, so a code works once (no replay inside its window)."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_step: Mapped[int] = mapped_column(Integer, default=0)

    user: Mapped[User] = relationship()


class RecoveryCode(Model):
    """One of a person's single-use recovery codes; only a hash is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

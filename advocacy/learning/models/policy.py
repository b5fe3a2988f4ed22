"""The social media policy: versions, each with its translations."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advocacy.core.clock import UTCDateTime, utcnow
from advocacy.core.db import Model


class PolicyVersion(Model):
    """One version of the social media policy. The highest version number is the current one."""

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text)
    # "content" when loaded from content/, "browser" when an admin wrote it (rendered untrusted).
    source: Mapped[str] = mapped_column(String(10), default="content")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    texts: Mapped[list[PolicyText]] = relationship(back_populates="policy_version", cascade="all, delete-orphan")

    __table_args__ = (CheckConstraint("source IN ('content', 'browser')", name="known_source"),)

    def text_in(self, language: str) -> PolicyText | PolicyVersion:
        """The policy in `language` (texts must be loaded); the version itself holds English."""
        for translation in self.texts:
            if translation.language == language:
                return translation
        return self


class PolicyText(Model):
    """A translation of one policy version (content/<language>/policy.md with the same version)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_version_id: Mapped[int] = mapped_column(ForeignKey("policy_version.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(5))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text)

    policy_version: Mapped[PolicyVersion] = relationship(back_populates="texts")

    __table_args__ = (UniqueConstraint("policy_version_id", "language"),)

"""Posts with their captions, versions and review events; tracked links, shares and clicks."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    case,
    or_,
)
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advocacy.core.clock import UTCDateTime, utcnow
from advocacy.core.db import Model, db
from advocacy.core.organisation import Department, User
from advocacy.feed.rules import APPROVED, DRAFT, EXPIRED, LIVE, NETWORK_CHECK, SCHEDULED, STATUS_CHECK, post_phase
from advocacy.learning.models.goals import Goal
from advocacy.learning.tiers import TIER_CHECK

post_department = Table(
    "post_department", db.metadata,
    Column("post_id", ForeignKey("post.id", ondelete="CASCADE"), primary_key=True),
    Column("department_id", ForeignKey("department.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Post(Model):
    """The working copy of a post. What was approved is kept in PostVersion; the link and campaign
    that tracked links redirect to are copied into approved_link / approved_slug on approval, so an
    edit waiting for review never changes where a link already out in the world goes."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(2000))
    image_name: Mapped[str | None] = mapped_column(String(80))
    image_type: Mapped[str | None] = mapped_column(String(20))
    image_alt: Mapped[str] = mapped_column(String(300), default="")
    hashtags: Mapped[str] = mapped_column(String(700), default="")
    min_tier: Mapped[str] = mapped_column(String(10), default="basic")
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goal.id", ondelete="SET NULL"), index=True)
    publish_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(12), default=DRAFT, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_version: Mapped[int | None] = mapped_column(Integer)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_link: Mapped[str | None] = mapped_column(String(2000))
    approved_slug: Mapped[str | None] = mapped_column(String(80))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # The approved version whose going live was published (feed/announce.py): once per version.
    live_announced_version: Mapped[int | None] = mapped_column(Integer)

    captions: Mapped[list[Caption]] = relationship(
        back_populates="post", cascade="all, delete-orphan", order_by="(Caption.network, Caption.position)")
    departments: Mapped[list[Department]] = relationship(secondary=post_department, order_by=Department.name)
    goal: Mapped[Goal | None] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])

    __table_args__ = (
        CheckConstraint(STATUS_CHECK, name="known_status"),
        CheckConstraint(TIER_CHECK.replace("tier", "min_tier", 1), name="known_tier"),
        CheckConstraint("expires_at IS NULL OR expires_at > publish_at", name="expires_after_publish"),
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_post_status_publish_at", "status", "publish_at"),
    )

    @hybrid_method
    def phase_at(self, now: datetime) -> str:
        return post_phase(self.status, self.publish_at, self.expires_at, now)

    @phase_at.expression  # type: ignore[no-redef]
    def phase_at(cls, now):
        return case(
            (cls.status != APPROVED, cls.status),
            (cls.publish_at > now, SCHEDULED),
            (and_(cls.expires_at.is_not(None), cls.expires_at <= now), EXPIRED),
            else_=LIVE,
        )

    @hybrid_method
    def is_live_at(self, now: datetime) -> bool:
        return self.phase_at(now) == LIVE

    @is_live_at.expression  # type: ignore[no-redef]
    def is_live_at(cls, now):
        # The same rule as post_phase(...) == LIVE, written so an index on (status, publish_at) helps.
        return and_(cls.status == APPROVED, cls.publish_at <= now,
                    or_(cls.expires_at.is_(None), cls.expires_at > now))

    def captions_for(self, network: str) -> list[Caption]:
        return [c for c in self.captions if c.network == network and c.text.strip()]

    def __repr__(self) -> str:
        return f"<Post {self.id} {self.slug} {self.status}>"


class Caption(Model):
    """One caption variant of a post for one network; colleagues get different variants."""

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    network: Mapped[str] = mapped_column(String(10))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)

    post: Mapped[Post] = relationship(back_populates="captions")

    __table_args__ = (
        UniqueConstraint("post_id", "network", "position"),
        CheckConstraint(NETWORK_CHECK + " AND network <> 'other'", name="known_network"),
        CheckConstraint("position >= 0", name="position_not_negative"),
    )


class PostVersion(Model):
    """Every saved state of a post's content, whole (captions and targeting included)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    snapshot: Mapped[dict] = mapped_column(JSON)

    created_by: Mapped[User | None] = relationship()

    __table_args__ = (UniqueConstraint("post_id", "number"),)


class PostEvent(Model):
    """What happened to a post and who did it: created, edited, submitted, approved, returned,
    withdrawn, with the reviewer's comment."""

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(12))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    comment: Mapped[str] = mapped_column(Text, default="")

    actor: Mapped[User | None] = relationship()

    __table_args__ = (
        CheckConstraint("action IN ('created', 'edited', 'submitted', 'approved', 'returned', 'withdrawn')",
                        name="known_action"),
    )


class TrackedLink(Model):
    """The link a person shares: one per person, post and network, with an unguessable code."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    network: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    post: Mapped[Post] = relationship()

    __table_args__ = (
        UniqueConstraint("user_id", "post_id", "network"),
        CheckConstraint(NETWORK_CHECK, name="known_network"),
    )


class Share(Model):
    """One share: who, which version of which post, where, with which caption variant, when.
    `dedupe_window` numbers the few seconds it fell in: a double tap lands in the same window and the
    unique constraint keeps it to one share, even when both taps arrive at once."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    post_version: Mapped[int] = mapped_column(Integer)
    link_id: Mapped[int] = mapped_column(ForeignKey("tracked_link.id", ondelete="CASCADE"))
    network: Mapped[str] = mapped_column(String(10))
    variant: Mapped[int | None] = mapped_column(Integer)
    shared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    dedupe_window: Mapped[int] = mapped_column(Integer)

    post: Mapped[Post] = relationship()
    link: Mapped[TrackedLink] = relationship()

    __table_args__ = (
        ForeignKeyConstraint(["post_id", "post_version"], ["post_version.post_id", "post_version.number"],
                             ondelete="CASCADE", name="fk_share_post_version"),
        UniqueConstraint("link_id", "dedupe_window"),
        CheckConstraint(NETWORK_CHECK, name="known_network"),
    )


class Click(Model):
    """A counted click on a tracked link. `visitor` is a keyed hash of address and browser whose
    key changes every UTC day; the raw address is never stored. One click per visitor, link and
    day is what the database allows; the code also looks back into yesterday for a full 24 hours."""

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("tracked_link.id", ondelete="CASCADE"))
    visitor: Mapped[str] = mapped_column(String(64))
    day: Mapped[date] = mapped_column(Date)
    clicked_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    __table_args__ = (UniqueConstraint("link_id", "visitor", "day"),)

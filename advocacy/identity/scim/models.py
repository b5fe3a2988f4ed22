"""What SCIM provisioning keeps beside the people themselves: the bearer tokens, the identity
provider's names for a person (userName, externalId, the name's parts, the addresses), and the
groups with what each one maps to (a role or a department) and who is in it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advocacy.core.clock import UTCDateTime, utcnow
from advocacy.core.db import Model
from advocacy.core.organisation import Department, User
from advocacy.identity.bearer import TokenColumns


class ScimToken(TokenColumns, Model):
    """A bearer token an admin created for one identity provider. Only its SHA-256 is stored
    (identity/bearer.py)."""

    created_by: Mapped[User | None] = relationship()


class ScimUser(Model):
    """The provider's view of a person: one row per person it provisioned or touched."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    user_name: Mapped[str] = mapped_column(String(254))
    # userName is unique without regard to case (RFC 7643 4.1.1: caseExact false).
    user_name_key: Mapped[str] = mapped_column(String(254), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(254), index=True)
    given_name: Mapped[str | None] = mapped_column(String(200))
    family_name: Mapped[str | None] = mapped_column(String(200))
    # displayName as the provider sent it; the person's name in the app falls back to the name's
    # parts or the userName when there is none.
    display_name: Mapped[str | None] = mapped_column(String(200))
    emails: Mapped[list | None] = mapped_column(JSON)
    last_modified: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # DELETE through SCIM: the person is deactivated and the resource is gone for the provider;
    # their history stays (erasure is HR's separate step). A later POST with the same userName
    # brings the same person back.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")


class ScimGroup(Model):
    """A provider's group, mapped to a role or a department when it was created (SCIM_GROUPS)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    display_name_key: Mapped[str] = mapped_column(String(200), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(254), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    role: Mapped[str | None] = mapped_column(String(20))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_modified: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    department: Mapped[Department | None] = relationship()
    members: Mapped[list[ScimGroupMember]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                          order_by="ScimGroupMember.user_id")

    __table_args__ = (
        CheckConstraint("kind IN ('role', 'department')", name="known_kind"),
        # Which roles exist is user_role's check (known_role): one list to change when roles change.
        CheckConstraint("kind <> 'role' OR role IS NOT NULL", name="role_group_role"),
    )


class ScimGroupMember(Model):
    group_id: Mapped[int] = mapped_column(ForeignKey("scim_group.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)

    user: Mapped[User] = relationship(lazy="joined")


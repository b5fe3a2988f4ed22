"""People, departments, roles and the organisation's settings."""
from __future__ import annotations

import secrets
from datetime import date, datetime

from flask_babel import gettext as _
from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ColumnElement, Date, ForeignKey, Integer, String, and_
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advocacy.core.clock import UTCDateTime, utcnow
from advocacy.core.db import Model, db
from advocacy.core.people_rules import ROLE_CHECK, ROLES


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class Organisation(Model):
    """The single organisation this installation serves (row id 1) and its settings."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Amsterdam")
    basic_due_days: Mapped[int] = mapped_column(Integer, default=30)
    advanced_due_days: Mapped[int] = mapped_column(Integer, default=60)
    expert_due_days: Mapped[int] = mapped_column(Integer, default=90)
    leaderboards_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # Roles HR may give besides employee and manager, comma-separated (core/people_rules.py).
    hr_may_grant: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Admins and HR who sign in with a password must use a second factor (identity/mfa.py).
    second_factor_for_admin_hr: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("basic_due_days > 0 AND advanced_due_days > 0 AND expert_due_days > 0",
                        name="due_days_positive"),
    )


ORGANISATION_DEFAULTS = dict(id=1, name="Our organisation", timezone="Europe/Amsterdam", basic_due_days=30,
                             advanced_due_days=60, expert_due_days=90, leaderboards_enabled=True, hr_may_grant="",
                             second_factor_for_admin_hr=False)


def get_organisation() -> Organisation:
    """The organisation's settings. Before anyone saved them, an unsaved object with the defaults:
    reading settings never writes; whoever changes them adds it to the session."""
    return db.session.get(Organisation, 1) or Organisation(**ORGANISATION_DEFAULTS)


class Department(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # Departments whose people may take the advanced tier without HR assigning them.
    advanced_eligible: Mapped[bool] = mapped_column(Boolean, default=False)

    def __repr__(self) -> str:
        return f"<Department {self.name}>"


class UserRole(Model):
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)

    __table_args__ = (CheckConstraint(ROLE_CHECK, name="known_role"),)


class User(UserMixin, Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Rotated on logout and password change: the id Flask-Login keeps in cookies is this token,
    # so a copied session or remember-me cookie stops working the moment it changes.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id", ondelete="SET NULL"),
                                                      index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    language: Mapped[str | None] = mapped_column(String(5))
    start_date: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Privacy choices (reports feature): the weekly digest is on until the person unsubscribes;
    # appearing on a leaderboard is off until they opt in.
    digest_unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    leaderboard_opt_in: Mapped[bool] = mapped_column(Boolean, default=False)

    department: Mapped[Department | None] = relationship(lazy="joined")
    manager: Mapped[User | None] = relationship(remote_side=[id], back_populates="direct_reports")
    direct_reports: Mapped[list[User]] = relationship(back_populates="manager")
    role_rows: Mapped[list[UserRole]] = relationship(lazy="selectin", cascade="all, delete-orphan")

    __table_args__ = (CheckConstraint("manager_id IS NULL OR manager_id <> id", name="not_own_manager"),)

    def get_id(self) -> str:
        return self.session_token

    # The one rule for "an active person" (README, "Provisioning (SCIM)", leavers): not deactivated
    # (a leaver, by SCIM or the import) and not erased. Sessions, sign-in, reset links, reminders,
    # the digest and HR's counts of who is assigned all use it, in Python or as SQL (User.is_active).
    @hybrid_property
    def is_active(self) -> bool:
        return self.active and self.erased_at is None

    @is_active.inplace.expression
    @classmethod
    def _is_active_expression(cls) -> ColumnElement[bool]:
        return and_(cls.active.is_(True), cls.erased_at.is_(None))

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(r.role for r in self.role_rows)

    def has_role(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)

    def set_roles(self, roles) -> None:
        wanted = set(roles) | {"employee"}
        unknown = wanted - set(ROLES)
        if unknown:
            raise ValueError("unknown role: " + ", ".join(sorted(unknown)))
        self.role_rows = [r for r in self.role_rows if r.role in wanted]
        for role in sorted(wanted - self.roles):
            self.role_rows.append(UserRole(role=role))

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()

    @property
    def display_name(self) -> str:
        return self.name if self.erased_at is None else _("Former employee")

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"

"""The people directory: finding people by address, creating them, giving them roles."""
from __future__ import annotations

import re

from sqlalchemy import select

from advocacy.core.db import db
from advocacy.core.organisation import ROLES, Department, User

EMAIL_RE = re.compile(r"^[^@\s,;<>\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")


def valid_email(email: str) -> bool:
    return bool(EMAIL_RE.match(email or "")) and len(email) <= 254


def parse_roles(text: str) -> list[str]:
    """'hr, marketing' or 'hr;marketing' -> ['hr', 'marketing']; unknown roles raise ValueError."""
    roles = [r.strip().lower() for r in re.split(r"[,;|\s]+", text or "") if r.strip()]
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise ValueError("unknown role: " + ", ".join(unknown) + " (known: " + ", ".join(ROLES) + ")")
    return roles


def get_or_create_department(name: str) -> Department:
    department = db.session.scalar(select(Department).where(Department.name == name))
    if department is None:
        department = Department(name=name)
        db.session.add(department)
        db.session.flush()
    return department


def create_user(email: str, name: str, roles=(), department: Department | None = None,
                password_hash: str | None = None, **fields) -> User:
    email = email.strip().lower()
    if not valid_email(email):
        raise ValueError(f"not an e-mail address: {email!r}")
    user = User(email=email, name=name.strip(), department=department, password_hash=password_hash, **fields)
    user.set_roles(roles)
    db.session.add(user)
    db.session.flush()
    return user


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))

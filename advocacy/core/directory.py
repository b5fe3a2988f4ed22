"""The people directory: finding people by address, creating them, giving them roles."""
from __future__ import annotations

from sqlalchemy import select

from advocacy.core.db import db
from advocacy.core.organisation import Department, User
from advocacy.core.people_rules import normalise_email, valid_email


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


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))

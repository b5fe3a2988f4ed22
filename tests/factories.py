"""Small functions that build test data; fixtures and tests both use them."""
from __future__ import annotations

from advocacy.identity.passwords import hash_password
from advocacy.core.db import db
from advocacy.core.organisation import Department, User

DEFAULT_PASSWORD = "correct horse battery"


def create_user(email: str, name: str = "Test Person", roles=(), department: Department | None = None,
                password: str | None = DEFAULT_PASSWORD, **fields) -> User:
    from advocacy.core.directory import create_user as _create

    user = _create(email, name, roles, department,
                   password_hash=hash_password(password) if password else None, **fields)
    db.session.flush()
    return user


def create_department(name: str, advanced: bool = False) -> Department:
    department = Department(name=name, advanced_eligible=advanced)
    db.session.add(department)
    db.session.flush()
    return department

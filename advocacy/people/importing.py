"""Importing people from CSV: check the whole file against the database, then apply it at once.

Shared by `flask people import` and the browser upload. The caller's transaction holds the
people and their invitation links; the invitation mails leave after it commits (core/mail.py),
so a mail server hiccup never undoes an import.
"""
from __future__ import annotations

import os
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import aliased

from advocacy.core.audit import record
from advocacy.core.db import db
from advocacy.core.organisation import Department, User, UserRole
from advocacy.people.csv_check import (
    Known,
    ParsedFile,
    PersonRow,
    Plan,
    Problem,
    check_managers,
    plan_import,
    read_people_csv,
    resulting_roles,
)


@dataclass
class CheckedImport:
    parsed: ParsedFile
    plan: Plan = field(default_factory=Plan)

    @property
    def problems(self) -> list[Problem]:
        return self.parsed.problems

    @property
    def ok(self) -> bool:
        return not self.parsed.problems


def known_people(emails: set[str] | None = None) -> dict[str, Known]:
    """Everyone with an e-mail address (or these addresses only), as plain values (two queries,
    whatever the size; a few more for a long list of addresses)."""
    manager = aliased(User)
    query = (select(User.id, User.email, User.name, Department.name, manager.email, User.start_date)
             .outerjoin(Department, User.department_id == Department.id)
             .outerjoin(manager, User.manager_id == manager.id)
             .where(User.email.is_not(None)))
    if emails is None:
        rows = db.session.execute(query).all()
        role_rows = db.session.execute(select(UserRole.user_id, UserRole.role)).all()
    else:
        rows, role_rows = [], []
        for chunk in chunks(sorted(emails), 500):
            found = db.session.execute(query.where(User.email.in_(chunk))).all()
            rows += found
            role_rows += db.session.execute(select(UserRole.user_id, UserRole.role)
                                            .where(UserRole.user_id.in_([row[0] for row in found]))).all()
    roles: dict[int, set[str]] = {}
    for user_id, role in role_rows:
        roles.setdefault(user_id, set()).add(role)
    return {email: Known(email, name, department, manager_email, start, frozenset(roles.get(uid, {"employee"})))
            for uid, email, name, department, manager_email, start in rows if email is not None}


def check_import(data: bytes, *, may_grant_admin: bool) -> CheckedImport:
    """Every problem in the file and against the people already known; the plan when there are none."""
    parsed = read_people_csv(data, may_grant_admin=may_grant_admin)
    checked = CheckedImport(parsed)
    if parsed.columns and not any(p.line == 1 for p in parsed.problems):  # the header was readable
        known = known_people()
        parsed.problems.extend(check_managers(parsed.rows, known, parsed.emails))
        parsed.problems.sort(key=lambda p: p.line)
        if checked.ok:
            checked.plan = plan_import(parsed.rows, known, may_grant_admin=may_grant_admin)
    return checked


def apply_import(checked: CheckedImport, *, may_grant_admin: bool, source: str) -> list[User]:
    """Write the plan (the caller commits). Returns the new people, to invite after the commit."""
    plan = checked.plan
    rows = plan.new + [row for row, _ in plan.changed]
    departments = departments_by_name({row.department for row in rows if row.department})
    users = users_by_email({row.email for row in rows} | {row.manager_email for row in rows if row.manager_email})
    new_users = []
    for row in plan.new:
        user = User(email=row.email, name=row.name)
        user.set_roles(row.roles)
        db.session.add(user)
        users[row.email] = user
        new_users.append(user)
    for row in rows:
        update_person(users[row.email], row, departments, users, may_grant_admin)
    db.session.flush()
    record("people.import", f"{source}: {len(plan.new)} new, {len(plan.changed)} changed, "
                            f"{len(plan.unchanged)} unchanged")
    return new_users


def update_person(user: User, row: PersonRow, departments, users, may_grant_admin: bool,
                  managers_later: bool = False) -> None:
    """Write the row onto the person. managers_later: a manager not in `users` yet is linked by a
    later pass (the background import works in chunks)."""
    user.name = row.name
    if "department" in row.given:
        user.department = departments.get(row.department) if row.department else None
    if "manager_email" in row.given and not (managers_later and row.manager_email not in users):
        user.manager = users[row.manager_email] if row.manager_email else None
    if "start_date" in row.given:
        user.start_date = row.start_date
    if "roles" in row.given and user.id is not None:
        roles = resulting_roles(row, Known(row.email, "", None, None, None, user.roles), may_grant_admin)
        if roles != user.roles:
            user.set_roles(roles)
            user.rotate_session_token()  # fewer or more powers: start a fresh session


def departments_by_name(names: set[str]) -> dict[str, Department]:
    found = {d.name: d for d in db.session.scalars(select(Department).where(Department.name.in_(names)))}
    for name in sorted(names - set(found)):
        found[name] = Department(name=name)
        db.session.add(found[name])
    return found


def users_by_email(emails: set[str]) -> dict[str, User]:
    found: dict[str, User] = {}
    for chunk in chunks(sorted(emails), 500):  # keep IN lists within every database's limits
        found.update({u.email: u for u in db.session.scalars(select(User).where(User.email.in_(chunk)))
                      if u.email is not None})
    return found


def chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


# -- the uploaded file between preview and apply ---------------------------------------------------
# Kept server-side under UPLOAD_FOLDER/imports with a random name that includes the uploader's id,
# so the apply step reads exactly the file that was previewed and nobody else's upload.

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
KEEP_SECONDS = 24 * 3600


def import_folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store_upload(data: bytes, user_id: int) -> str:
    remove_stale_uploads()
    token = secrets.token_urlsafe(32)
    (import_folder() / f"{user_id}-{token}.csv").write_bytes(data)
    return token


def upload_path(token: str, user_id: int) -> Path | None:
    if not TOKEN_RE.match(token or ""):
        return None
    path = import_folder() / f"{user_id}-{token}.csv"
    return path if path.is_file() else None


def read_upload(token: str, user_id: int) -> bytes | None:
    """The waiting file this person uploaded under this token, or None when it is gone (expired,
    applied, or never theirs). The one way in for the apply step and its job."""
    path = upload_path(token, user_id)
    try:
        return path.read_bytes() if path is not None else None
    except FileNotFoundError:
        return None


def discard_upload_token(token: str, user_id: int) -> None:
    path = upload_path(token, user_id)
    if path is not None:
        discard_upload(path)


def remove_stale_uploads() -> None:
    cutoff = time.time() - KEEP_SECONDS
    for path in import_folder().glob("*.csv"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def discard_upload(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass

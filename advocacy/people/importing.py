"""Importing people from CSV: check the whole file against the database, then apply it at once.

Shared by `flask people import` and the browser upload. The caller's transaction holds the
people and their invitation links; the invitation mails leave after it commits (core/mail.py),
so a mail server hiccup never undoes an import.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import aliased

from advocacy.core import blobs
from advocacy.core.audit import record
from advocacy.core.blobs import Blob
from advocacy.core.clock import utcnow
from advocacy.core.db import db
from advocacy.core.organisation import Department, User, UserRole
from advocacy.identity.leavers import deactivate_person
from advocacy.identity.roles import change_roles, record_role_change
from advocacy.people.csv_check import (
    Known,
    ParsedFile,
    PersonRow,
    Plan,
    Problem,
    check_grants,
    check_managers,
    plan_import,
    read_people_csv,
    resulting_roles,
)
from advocacy.people.models import ImportUpload


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


def check_import(data: bytes, *, grantable: frozenset[str], importer_email: str | None = None) -> CheckedImport:
    """Every problem in the file and against the people already known; the plan when there are none.
    `grantable`: the roles the importer may give and take (identity/roles.py)."""
    parsed = read_people_csv(data)
    checked = CheckedImport(parsed)
    if parsed.columns and not any(p.line == 1 for p in parsed.problems):  # the header was readable
        known = known_people()
        parsed.problems.extend(check_managers(parsed.rows, known, parsed.emails))
        parsed.problems.extend(check_grants(parsed.rows, known, grantable, importer_email))
        parsed.problems.sort(key=lambda p: p.line)
        if checked.ok:
            checked.plan = plan_import(parsed.rows, known, grantable=grantable)
    return checked


def apply_import(checked: CheckedImport, *, grantable: frozenset[str], actor: User | None,
                 source: str) -> list[User]:
    """Write the plan (the caller commits). Returns the new people, to invite after the commit."""
    plan = checked.plan
    new_users = write_plan(plan, grantable=grantable, actor=actor, source=source)
    record("people.import", f"{source}: {len(plan.new)} new, {len(plan.changed)} changed, "
                            f"{len(plan.unchanged)} unchanged")
    return new_users


def write_plan(plan: Plan, *, grantable: frozenset[str], actor: User | None, source: str,
               managers_later: bool = False) -> list[User]:
    """Create the plan's new people and write its changes, with their departments and managers
    and an audit entry for every role given; flushes. Returns the new people. managers_later: a
    manager not among these rows or the people stored already is linked by a later pass (the
    background import writes a file in chunks)."""
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
        update_person(users[row.email], row, departments, users, grantable, actor, source, managers_later)
    db.session.flush()
    for user in new_users:
        if user.roles != {"employee"}:
            record_role_change(user, frozenset(), actor, source)
    return new_users


# -- leavers: "deactivate everyone not in this file" ---------------------------------------------------

def people_not_in(checked: CheckedImport, keep_id: int) -> list[User]:
    """Active people with an address that the file does not name (never `keep_id`, the person
    importing: nobody switches themselves off), by name."""
    in_file = set(checked.parsed.emails)
    return [user for user in db.session.scalars(
        select(User).where(User.is_active, User.email.is_not(None), User.id != keep_id).order_by(User.name, User.id))
        if user.email not in in_file]


def leavers_fingerprint(checked: CheckedImport, leavers: list[User]) -> str:
    """The plan's fingerprint, with who would be deactivated: applying refuses when either moved."""
    text = checked.plan.fingerprint() + repr(sorted(user.id for user in leavers))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def deactivate_leavers(leavers: list[User], source: str) -> int:
    return sum(deactivate_person(user, source) for user in leavers)


def update_person(user: User, row: PersonRow, departments, users, grantable: frozenset[str],
                  actor: User | None, source: str, managers_later: bool = False) -> None:
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
        roles = resulting_roles(row, Known(row.email, "", None, None, None, user.roles), grantable)
        if roles is not None:
            change_roles(user, roles, actor=actor, source="import " + source)


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
# Kept in the database (people/models.py, its bytes a blob) under a random token that only opens it
# together with the uploader's id, so the apply step (on whichever host, in a request or a job)
# reads exactly the file that was previewed and nobody else's upload.

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
KEEP_SECONDS = 24 * 3600
CSV_TYPE = "text/csv"


def store_upload(data: bytes, user_id: int) -> str:
    """Keep the file for the apply step; the caller's transaction holds it. Raises BlobTooLarge
    above MAX_CONTENT_LENGTH."""
    now = utcnow()
    remove_stale_uploads(now)
    token = secrets.token_urlsafe(32)
    db.session.add(ImportUpload(token=token, user_id=user_id, blob_hash=blobs.put(data, CSV_TYPE), created_at=now))
    db.session.flush()
    return token


def _waiting(token: str, user_id: int):
    cutoff = utcnow() - timedelta(seconds=KEEP_SECONDS)
    return (ImportUpload.token == token, ImportUpload.user_id == user_id, ImportUpload.created_at > cutoff)


def read_upload(token: str, user_id: int) -> bytes | None:
    """The file this person uploaded under this token, if it is still waiting; else None (also for
    someone else's token, a malformed one, or one that expired)."""
    if not TOKEN_RE.match(token or ""):
        return None
    return db.session.scalar(select(Blob.data).join(ImportUpload, ImportUpload.blob_hash == Blob.hash)
                             .where(*_waiting(token, user_id)))


def discard_upload(token: str, user_id: int) -> None:
    """The file was applied: forget it (only the uploader's own token does anything)."""
    if not TOKEN_RE.match(token or ""):
        return
    hashes = list(db.session.scalars(delete(ImportUpload).where(ImportUpload.token == token,
                                                                ImportUpload.user_id == user_id)
                                     .returning(ImportUpload.blob_hash)))
    blobs.discard(hashes)


def remove_stale_uploads(now: datetime | None = None) -> int:
    """Forget files waiting longer than KEEP_SECONDS (a day) at `now` (default: the clock);
    returns how many. The caller commits: a request, or the scheduler in unit_of_work()."""
    cutoff = (now or utcnow()) - timedelta(seconds=KEEP_SECONDS)
    hashes = list(db.session.scalars(delete(ImportUpload).where(ImportUpload.created_at <= cutoff)
                                     .returning(ImportUpload.blob_hash)))
    blobs.discard(hashes)
    return len(hashes)


def uses_upload(digest: str) -> bool:
    """Another waiting import has the same bytes (two people uploaded the same file)."""
    return db.session.scalar(select(ImportUpload.token).where(ImportUpload.blob_hash == digest).limit(1)) is not None


IMPORT_FOLDER = "imports"  # where older versions kept waiting files, under UPLOAD_FOLDER
FILE_NAME_RE = re.compile(r"^(\d+)-([A-Za-z0-9_-]{32,64})\.csv$")


def import_waiting_files(root: Path) -> dict[str, int]:
    """`flask storage import-files`: files still waiting on disk (younger than a day, of a person
    who still exists) join the database under the same token, so a preview made before the
    upgrade can still be applied. Run again, what is there already is skipped."""
    counts = {"waiting import files moved into the database": 0, "waiting import files already there": 0,
              "expired import files skipped": 0}
    cutoff = utcnow() - timedelta(seconds=KEEP_SECONDS)
    folder = root / IMPORT_FOLDER
    for path in sorted(folder.glob("*.csv")) if folder.is_dir() else []:
        match = FILE_NAME_RE.match(path.name)
        modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        if match is None or modified <= cutoff or db.session.get(User, int(match[1])) is None:
            counts["expired import files skipped"] += 1
            continue
        if db.session.get(ImportUpload, match[2]) is not None:
            counts["waiting import files already there"] += 1
            continue
        db.session.add(ImportUpload(token=match[2], user_id=int(match[1]), created_at=modified,
                                    blob_hash=blobs.put(path.read_bytes(), CSV_TYPE)))
        db.session.flush()
        counts["waiting import files moved into the database"] += 1
    return counts

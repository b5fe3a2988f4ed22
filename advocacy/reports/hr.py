"""The HR (and manager) dashboard's tables, each one SQL query over the status subquery."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select

from advocacy.core.db import db
from advocacy.core.organisation import User
from advocacy.core.settings import organisation_settings
from advocacy.learning.models.policy import PolicyVersion
from advocacy.learning.models.progress import PolicyAcknowledgement
from advocacy.learning.models.quizzes import Certification
from advocacy.learning.status import Scope, due_dates_of, flag, person_status
from advocacy.learning.tiers import TIERS

EXPIRY_WINDOW = timedelta(days=30)


@dataclass
class MatrixRow:
    department: str | None
    department_id: int | None
    people: int
    cells: dict = field(default_factory=dict)  # tier -> {assigned, certified, started, overdue, percent}
    total: bool = False      # the last row: every department together
    people_overdue: int = 0  # people with at least one overdue tier


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def completion_matrix(now: datetime, scope: Scope) -> list[MatrixRow]:
    """Per department and tier: assigned, started, certified, overdue, and certified in percent.
    The last row is the total."""
    status = person_status(now, scope)
    sums = [func.sum(getattr(status.c, f"{tier}_{what}")).label(f"{tier}_{what}")
            for tier in TIERS for what in ("assigned", "certified", "started", "overdue")]
    rows = db.session.execute(
        select(status.c.department_id, status.c.department, func.count().label("people"),
               func.sum(flag(any_overdue(status))).label("people_overdue"), *sums)
        .group_by(status.c.department_id, status.c.department).order_by(status.c.department)
    ).all()
    matrix = [matrix_row(row.department, row.department_id, row.people, row._mapping) for row in rows]
    if matrix:
        totals = {key: sum(int(r._mapping[key] or 0) for r in rows) for key in rows[0]._mapping.keys()
                  if key.split("_", 1)[0] in TIERS or key == "people_overdue"}
        matrix.append(matrix_row(None, None, sum(r.people for r in rows), totals, total=True))
    return matrix


def any_overdue(status):
    return or_(*(getattr(status.c, f"{tier}_overdue") == 1 for tier in TIERS))


def matrix_row(department, department_id, people, values, total=False) -> MatrixRow:
    row = MatrixRow(department, department_id, people)
    row.total = total
    row.people_overdue = int(values["people_overdue"] or 0)
    for tier in TIERS:
        counts = {what: int(values[f"{tier}_{what}"] or 0) for what in ("assigned", "certified", "started", "overdue")}
        row.cells[tier] = {**counts, "percent": percent(counts["certified"], counts["assigned"])}
    return row


def overdue_people(now: datetime, scope: Scope, *, limit: int | None = 200, offset: int = 0,
                   total: int | None = None):
    """People with at least one overdue tier, with their due dates; and how many there are
    (counted here unless the caller knows it from the matrix)."""
    status = person_status(now, scope)
    overdue = any_overdue(status)
    if total is None:
        total = db.session.scalar(select(func.count()).select_from(status).where(overdue))
    stmt = select(status).where(overdue).order_by(status.c.department, status.c.name, status.c.user_id)
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    days = organisation_settings().due_days
    people = []
    for row in db.session.execute(stmt):
        dues = due_dates_of(row, days)
        tiers = [(tier, dues[tier]) for tier in TIERS if getattr(row, f"{tier}_overdue")]
        earliest = min((d for _, d in tiers if d), default=None)
        people.append({"id": row.user_id, "name": row.name, "email": row.email, "department": row.department,
                       "overdue": tiers, "days_late": (now.date() - earliest).days if earliest else None})
    return people, total


def expiring_certifications(now: datetime, scope: Scope, limit: int | None = None):
    """Valid certifications that expire within 30 days, soonest first."""
    stmt = (select(Certification.id, Certification.tier, Certification.expires_at, User.id.label("user_id"),
                   User.name, User.email, User.department_id)
            .join(User, User.id == Certification.user_id)
            .where(Certification.is_valid_at(now), Certification.expires_at <= now + EXPIRY_WINDOW,
                   User.is_active)
            .order_by(Certification.expires_at, User.name))
    if scope.department_id is not None:
        stmt = stmt.where(User.department_id == scope.department_id)
    return db.session.execute(scope.apply(stmt, User.id).limit(limit)).all()


def policy_coverage(scope: Scope):
    """Per policy version: how many of the people in scope acknowledged it, and the percentage."""
    people = scope.apply(select(User.id).where(User.is_active), User.id)
    if scope.department_id is not None:
        people = people.where(User.department_id == scope.department_id)
    people = people.subquery("people")
    headcount = db.session.scalar(select(func.count()).select_from(people)) or 0
    rows = db.session.execute(
        select(PolicyVersion.version, PolicyVersion.title, PolicyVersion.created_at,
               func.count(people.c.id).label("acknowledged"))
        .outerjoin(PolicyAcknowledgement, PolicyAcknowledgement.policy_version_id == PolicyVersion.id)
        .outerjoin(people, people.c.id == PolicyAcknowledgement.user_id)
        .group_by(PolicyVersion.id, PolicyVersion.version, PolicyVersion.title, PolicyVersion.created_at)
        .order_by(PolicyVersion.version.desc())
    ).all()
    return [{"version": r.version, "title": r.title, "published": r.created_at, "acknowledged": r.acknowledged,
             "people": headcount, "percent": percent(r.acknowledged, headcount)} for r in rows]

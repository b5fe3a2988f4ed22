"""Everyone's training status in one SQL query: the base of the HR dashboard and the reminders.

`person_status(now, scope)` is a subquery with one row per active person: their department and
manager, and per tier whether it is assigned, started (a lesson read), certified (a valid
certification now) and overdue, all by the rules' own SQL forms (learning/rules/).
Dashboards group it (GROUP BY department) or filter it; nothing loops over people in Python.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, case, false, func, select

from advocacy.core.organisation import Department, User
from advocacy.core.orgchart import team_ids_query
from advocacy.core.settings import organisation_settings
from advocacy.learning.models.courses import Course, Lesson
from advocacy.learning.models.progress import DueDate, LessonProgress, TierGrant
from advocacy.learning.models.quizzes import Certification
from advocacy.learning.rules.deadlines import DueFacts, default_due_date, default_due_passed_sql, due_passed_sql
from advocacy.learning.rules.eligibility import assigned_sql
from advocacy.learning.tiers import TIERS


@dataclass(frozen=True)
class Scope:
    """Whose rows a page may show and which filters are on. `within` is the manager whose
    reports are the limit (a manager's own view); HR has none."""

    within: int | None = None
    department_id: int | None = None
    manager_id: int | None = None
    manager_email: str | None = None  # shown in the filter form

    def apply(self, stmt, user_id_column):
        if self.within is not None:
            stmt = stmt.where(user_id_column.in_(team_ids_query(self.within)))
        if self.manager_id is not None and self.manager_id != self.within:
            stmt = stmt.where(user_id_column.in_(team_ids_query(self.manager_id, "filtered_team")))
        return stmt


def flag(condition):
    return case((condition, 1), else_=0)


def certifications_by_user(now: datetime):
    valid = Certification.is_valid_at(now)
    columns = [func.max(flag(and_(Certification.tier == tier, valid))).label(f"{tier}_valid") for tier in TIERS]
    return (select(Certification.user_id, *columns,
                   func.min(case((Certification.tier == "basic", Certification.passed_at))).label("basic_passed_at"))
            .group_by(Certification.user_id).subquery("cert"))


def grants_by_user():
    columns = []
    for tier in ("advanced", "expert"):
        approved = and_(TierGrant.tier == tier, TierGrant.status == "approved")
        columns.append(func.max(flag(approved)).label(f"{tier}_granted"))
        columns.append(func.max(case((approved, TierGrant.decided_at))).label(f"{tier}_granted_at"))
    return select(TierGrant.user_id, *columns).group_by(TierGrant.user_id).subquery("grant")


def due_dates_by_user():
    columns = [func.max(case((DueDate.tier == tier, DueDate.due_on))).label(f"{tier}_due") for tier in TIERS]
    return select(DueDate.user_id, *columns).group_by(DueDate.user_id).subquery("due")


def progress_by_user():
    columns = [func.max(flag(Course.tier == tier)).label(f"{tier}_started") for tier in TIERS]
    return (select(LessonProgress.user_id, *columns)
            .join(Lesson, Lesson.id == LessonProgress.lesson_id).join(Course, Course.id == Lesson.course_id)
            .group_by(LessonProgress.user_id).subquery("progress"))


def person_status(now: datetime, scope: Scope = Scope()):
    today, days = now.date(), organisation_settings().due_days
    cert, grant, due, progress = certifications_by_user(now), grants_by_user(), due_dates_by_user(), progress_by_user()
    advanced_department = func.coalesce(Department.advanced_eligible, false())
    granted = {tier: func.coalesce(getattr(grant.c, f"{tier}_granted"), 0) == 1 for tier in ("advanced", "expert")}
    columns = []
    for tier in TIERS:
        assigned = flag(assigned_sql(tier, advanced_department, granted.get(tier)))
        certified = func.coalesce(getattr(cert.c, f"{tier}_valid"), 0) == 1
        chosen = getattr(due.c, f"{tier}_due")
        started = func.coalesce(getattr(progress.c, f"{tier}_started"), 0) == 1
        default_passed = default_due_passed_sql(
            tier, today, days, start_date=User.start_date, created_at=User.created_at,
            basic_passed_at=cert.c.basic_passed_at, advanced_department=advanced_department,
            advanced_granted_at=grant.c.advanced_granted_at, expert_granted_at=grant.c.expert_granted_at)
        due_passed = due_passed_sql(chosen, default_passed, today)
        columns += [
            assigned.label(f"{tier}_assigned"),
            flag(certified).label(f"{tier}_certified"),
            flag(and_(started, ~certified)).label(f"{tier}_started"),
            flag(and_(assigned == 1, ~certified, due_passed)).label(f"{tier}_overdue"),
            chosen.label(f"{tier}_due"),
        ]
    stmt = (
        select(User.id.label("user_id"), User.name, User.email, User.department_id, Department.name.label("department"),
               User.manager_id, User.start_date, User.created_at, advanced_department.label("advanced_department"),
               cert.c.basic_passed_at, grant.c.advanced_granted_at, grant.c.expert_granted_at, *columns)
        .outerjoin(Department, Department.id == User.department_id)
        .outerjoin(cert, cert.c.user_id == User.id).outerjoin(grant, grant.c.user_id == User.id)
        .outerjoin(due, due.c.user_id == User.id).outerjoin(progress, progress.c.user_id == User.id)
        .where(User.is_active)
    )
    if scope.department_id is not None:
        stmt = stmt.where(User.department_id == scope.department_id)
    return scope.apply(stmt, User.id).subquery("status")


def due_dates_of(row, days: Mapping[str, int]) -> dict[str, date | None]:
    """A status row's due date per tier, by the rule over plain values (default_due_date)."""
    facts = DueFacts(row.start_date or row.created_at.date(), row.basic_passed_at, bool(row.advanced_department),
                     row.advanced_granted_at, row.expert_granted_at)
    result: dict[str, date | None] = {}
    for tier in TIERS:
        if not getattr(row, f"{tier}_assigned"):
            result[tier] = None
        else:
            result[tier] = getattr(row, f"{tier}_due") or default_due_date(tier, facts, days)
    return result

"""/api/v1: read-only endpoints for HR analytics and integrations.

Every view is a GET behind a bearer token with a scope (api/auth.py), its query validated by
spectree against a pydantic model (api/schemas.py) and its answer checked against the response
model. Lists are keyset-paginated by an opaque cursor (api/cursor.py). The numbers come from the
features' own read models: the training status from learning/status.py (the rules' SQL forms),
certification validity from the Certification model's rule, post phases from the Post model's,
shares and clicks from feed/stats.py.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Blueprint, current_app
from spectree import Response
from sqlalchemy import select

from advocacy.api import cursor
from advocacy.api.auth import api_view
from advocacy.api.problems import ApiProblem, problem_response
from advocacy.api.schemas import (
    AttemptsPage,
    CertificationsPage,
    DailyTotalsPage,
    DepartmentQuery,
    DepartmentsPage,
    PageQuery,
    PeoplePage,
    PostsPage,
    Problem,
    RangeQuery,
    StatusPage,
)
from advocacy.api.spec import API_PREFIX, spectree
from advocacy.core.clock import UTC, utcnow
from advocacy.core.db import db
from advocacy.core.organisation import Department, User, UserRole
from advocacy.core.settings import organisation_settings
from advocacy.feed import stats
from advocacy.feed.models import Post, post_department
from advocacy.feed.rules import APPROVED, WITHDRAWN
from advocacy.learning.models.courses import Course
from advocacy.learning.models.quizzes import Attempt, Certification, QuizVersion
from advocacy.learning.status import Scope, due_dates_of, person_status
from advocacy.learning.tiers import TIERS

bp = Blueprint("api", __name__, url_prefix=API_PREFIX)
bp.register_error_handler(ApiProblem, problem_response)
ERRORS = {"HTTP_401": Problem, "HTTP_403": Problem, "HTTP_429": Problem}


def answer(page_model):
    return Response(HTTP_200=page_model, **ERRORS)


def start_of(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time(), tzinfo=UTC)


def end_of(day: date | None) -> datetime | None:
    """The first moment after `day` (ranges include their last day)."""
    return None if day is None else datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)


def page_of(model, rows: list, limit: int, key):
    """The first `limit` rows (one more was fetched to know whether another page follows), as the
    page model: pydantic writes its JSON (ISO 8601 dates and times, as the description says)."""
    more = len(rows) > limit
    rows = rows[:limit]
    return model(data=rows, next_cursor=cursor.encode(key(rows[-1])) if more and rows else None)


def in_range(column, query: RangeQuery):
    conditions = []
    if query.since is not None:
        conditions.append(column >= start_of(query.since))
    if query.until is not None:
        conditions.append(column < end_of(query.until))
    return conditions


def in_department(query: DepartmentQuery):
    return [] if query.department is None else [User.department_id == query.department]


# -- people ----------------------------------------------------------------------------------------

@bp.get("/people")
@api_view("read:people")
@spectree.validate(query=RangeQuery, resp=answer(PeoplePage), tags=["people"])
def people(query: RangeQuery):
    """People

    Everyone the organisation has, active or deactivated, by id. `since`/`until` filter on the
    start date. A former employee whose data was erased has no name or e-mail.
    """
    after = cursor.decode(query.cursor, (int,))
    stmt = (select(User, Department.name).outerjoin(Department, Department.id == User.department_id)
            .where(*in_department(query), *_date_range(User.start_date, query)).order_by(User.id)
            .limit(query.limit + 1))
    if after:
        stmt = stmt.where(User.id > after[0])
    found = db.session.execute(stmt).all()
    roles: dict[int, list[str]] = {}
    for user_id, role in db.session.execute(select(UserRole.user_id, UserRole.role)
                                            .where(UserRole.user_id.in_([u.id for u, _ in found]))
                                            .order_by(UserRole.role)):
        roles.setdefault(user_id, []).append(role)
    rows = []
    for person, department in found:
        erased = person.erased_at is not None
        rows.append({"id": person.id, "name": None if erased else person.name,
                     "email": None if erased else person.email, "former_employee": erased,
                     "department_id": person.department_id, "department": department,
                     "manager_id": person.manager_id, "status": "active" if person.is_active else "deactivated",
                     "roles": [] if erased else roles.get(person.id, []), "start_date": person.start_date})
    withheld = current_app.config["API_WITHHOLD"]  # what the organisation keeps from every integration
    for row in rows:
        row.update({field: [] if field == "roles" else None for field in withheld})
    return page_of(PeoplePage, rows, query.limit, lambda row: [row["id"]])


def _date_range(column, query: RangeQuery):
    """For a date column (not a timestamp): the days from since to until."""
    conditions = []
    if query.since is not None:
        conditions.append(column >= query.since)
    if query.until is not None:
        conditions.append(column <= query.until)
    return conditions


@bp.get("/departments")
@api_view("read:people")
@spectree.validate(query=PageQuery, resp=answer(DepartmentsPage), tags=["people"])
def departments(query: PageQuery):
    """Departments

    Every department, by id: what the `department` filter of the other endpoints takes.
    """
    after = cursor.decode(query.cursor, (int,))
    stmt = select(Department.id, Department.name).order_by(Department.id).limit(query.limit + 1)
    if after:
        stmt = stmt.where(Department.id > after[0])
    rows = [{"id": i, "name": name} for i, name in db.session.execute(stmt)]
    return page_of(DepartmentsPage, rows, query.limit, lambda row: [row["id"]])


# -- learning --------------------------------------------------------------------------------------

@bp.get("/learning/status")
@api_view("read:learning")
@spectree.validate(query=DepartmentQuery, resp=answer(StatusPage), tags=["learning"])
def learning_status(query: DepartmentQuery):
    """Training status per person and tier

    For every active person: per tier, whether it is assigned to them, started, certified (a valid
    certification now) and overdue, and its due date; the same figures as HR's dashboard.
    """
    after = cursor.decode(query.cursor, (int,))
    status = person_status(utcnow(), Scope(department_id=query.department))
    stmt = select(status).order_by(status.c.user_id).limit(query.limit + 1)
    if after:
        stmt = stmt.where(status.c.user_id > after[0])
    days = organisation_settings().due_days
    rows = []
    for row in db.session.execute(stmt):
        due = due_dates_of(row, days)
        rows.append({"person_id": row.user_id, "department_id": row.department_id, "tiers": [
            {"tier": tier, "assigned": bool(getattr(row, f"{tier}_assigned")),
             "started": bool(getattr(row, f"{tier}_started")), "certified": bool(getattr(row, f"{tier}_certified")),
             "overdue": bool(getattr(row, f"{tier}_overdue")), "due_on": due[tier]} for tier in TIERS]})
    return page_of(StatusPage, rows, query.limit, lambda row: [row["person_id"]])


@bp.get("/certifications")
@api_view("read:learning")
@spectree.validate(query=RangeQuery, resp=answer(CertificationsPage), tags=["learning"])
def certifications(query: RangeQuery):
    """Certifications

    Every certification, revoked ones too, by id; `since`/`until` filter on when it was last earned.
    """
    after = cursor.decode(query.cursor, (int,))
    now = utcnow()
    stmt = (select(Certification, Certification.is_valid_at(now).label("valid"))
            .join(User, User.id == Certification.user_id)
            .where(*in_department(query), *in_range(Certification.passed_at, query))
            .order_by(Certification.id).limit(query.limit + 1))
    if after:
        stmt = stmt.where(Certification.id > after[0])
    rows = [{"id": c.id, "person_id": c.user_id, "tier": c.tier, "earned_at": c.passed_at,
             "first_earned_at": c.first_passed_at, "valid_until": c.expires_at, "revoked_at": c.revoked_at,
             "valid": bool(valid)} for c, valid in db.session.execute(stmt)]
    return page_of(CertificationsPage, rows, query.limit, lambda row: [row["id"]])


@bp.get("/attempts")
@api_view("read:learning")
@spectree.validate(query=RangeQuery, resp=answer(AttemptsPage), tags=["learning"])
def attempts(query: RangeQuery):
    """Quiz attempts

    Every quiz attempt by id, without its questions or answers: the score, whether it passed, when
    it started and finished, and the quiz version. `since`/`until` filter on the start.
    """
    after = cursor.decode(query.cursor, (int,))
    stmt = (select(Attempt.id, Attempt.user_id, Course.slug, Course.tier, QuizVersion.number, Attempt.started_at,
                   Attempt.submitted_at, Attempt.score, Attempt.passed, Attempt.timed_out)
            .join(Course, Course.id == Attempt.course_id).join(QuizVersion, QuizVersion.id == Attempt.quiz_version_id)
            .join(User, User.id == Attempt.user_id)
            .where(*in_department(query), *in_range(Attempt.started_at, query))
            .order_by(Attempt.id).limit(query.limit + 1))
    if after:
        stmt = stmt.where(Attempt.id > after[0])
    rows = [{"id": a.id, "person_id": a.user_id, "course": a.slug, "tier": a.tier, "quiz_version": a.number,
             "started_at": a.started_at, "finished_at": a.submitted_at, "score": a.score, "passed": a.passed,
             "timed_out": bool(a.timed_out)} for a in db.session.execute(stmt)]
    return page_of(AttemptsPage, rows, query.limit, lambda row: [row["id"]])


# -- feed ------------------------------------------------------------------------------------------

@bp.get("/posts")
@api_view("read:feed")
@spectree.validate(query=RangeQuery, resp=answer(PostsPage), tags=["feed"])
def posts(query: RangeQuery):
    """Posts

    The posts that were approved for employees to share (scheduled, live, expired or withdrawn;
    never drafts), by id, with their shares and clicks of all time. `since`/`until` filter on the
    publication time; `department` on the posts meant for that department.
    """
    after = cursor.decode(query.cursor, (int,))
    now = utcnow()
    stmt = (select(Post.id, Post.slug, Post.title, Post.phase_at(now).label("phase"), Post.min_tier, Post.publish_at,
                   Post.expires_at, Post.withdrawn_at)
            .where(Post.status.in_((APPROVED, WITHDRAWN)), Post.approved_version.is_not(None),
                   *in_range(Post.publish_at, query))
            .order_by(Post.id).limit(query.limit + 1))
    if query.department is not None:
        stmt = stmt.where(Post.id.in_(select(post_department.c.post_id)
                                      .where(post_department.c.department_id == query.department)))
    if after:
        stmt = stmt.where(Post.id > after[0])
    found = db.session.execute(stmt).all()
    ids = [p.id for p in found]
    totals = stats.post_totals(ids)
    departments: dict[int, list[int]] = {}
    if ids:
        for post_id, department_id in db.session.execute(
                select(post_department.c.post_id, post_department.c.department_id)
                .where(post_department.c.post_id.in_(ids)).order_by(post_department.c.department_id)):
            departments.setdefault(post_id, []).append(department_id)
    rows = [{"id": p.id, "slug": p.slug, "title": p.title, "phase": p.phase, "min_tier": p.min_tier,
             "publish_at": p.publish_at, "expires_at": p.expires_at, "withdrawn_at": p.withdrawn_at,
             "department_ids": departments.get(p.id, []), **totals[p.id]} for p in found]
    return page_of(PostsPage, rows, query.limit, lambda row: [row["id"]])


@bp.get("/shares/daily")
@api_view("read:feed")
@spectree.validate(query=RangeQuery, resp=answer(DailyTotalsPage), tags=["feed"])
def daily_totals(query: RangeQuery):
    """Shares and clicks per day, post, network and department

    Counted as marketing's analytics count them: a share on the day it was shared, a click on the
    day it was clicked, both by the sharer's department now. Ordered by day, post, network,
    department.
    """
    after = cursor.decode(query.cursor, (date, int, str, int))
    rows = stats.daily_totals(start_of(query.since), end_of(query.until), query.department, after, query.limit + 1)
    return page_of(DailyTotalsPage, rows, query.limit,
                   lambda row: [row["day"], row["post_id"], row["network"], row["department_id"] or 0])

"""HR's calendar of a department, and a manager's of their team: everyone's due dates and
certification expiries with their names, from the same status query as the dashboard (one query
for the people, one for the certifications, one for the dates HR set)."""
from __future__ import annotations

from datetime import datetime

from flask import Response, abort, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from advocacy.core.clock import utcnow
from advocacy.core.db import db
from advocacy.core.organisation import Department, User
from advocacy.core.settings import organisation_settings
from advocacy.identity.guards import role_required
from advocacy.learning.models.progress import DueDate
from advocacy.learning.models.quizzes import Certification
from advocacy.learning.pages.calendar import ics_response
from advocacy.learning.rules.validity import CertificationRow, states_from
from advocacy.learning.services.calendar import PersonDates, absolute, due_changed_at, entries_for, feed_file
from advocacy.learning.status import Scope, due_dates_of, person_status
from advocacy.learning.tiers import TIERS
from advocacy.reports.routes import bp


def people_dates(now: datetime, scope: Scope) -> list[PersonDates]:
    status = person_status(now, scope)
    rows = db.session.execute(select(status).order_by(status.c.name, status.c.user_id)).all()
    ids = [row.user_id for row in rows]
    certs: dict[int, list[CertificationRow]] = {}
    set_at: dict[tuple[int, str], datetime] = {}
    if ids:
        for user_id, tier, passed, expires, revoked in db.session.execute(
                select(Certification.user_id, Certification.tier, Certification.passed_at, Certification.expires_at,
                       Certification.revoked_at).where(Certification.user_id.in_(ids))):
            certs.setdefault(user_id, []).append(CertificationRow(tier, passed, expires, revoked))
        for user_id, tier, at in db.session.execute(
                select(DueDate.user_id, DueDate.tier, DueDate.set_at).where(DueDate.user_id.in_(ids))):
            set_at[(user_id, tier)] = at
    days, people = organisation_settings().due_days, []
    for row in rows:
        approved = {"advanced": row.advanced_granted_at, "expert": row.expert_granted_at}
        states = states_from(certs.get(row.user_id, []), now)
        people.append(PersonDates(
            row.user_id, row.name, row.department, due_dates_of(row, days),
            {tier: due_changed_at(tier, row.created_at, row.basic_passed_at, approved, set_at.get((row.user_id, tier)))
             for tier in TIERS},
            states, {tier for tier in TIERS if getattr(row, f"{tier}_certified")}))
    return people


def transcript_link(person: PersonDates, tier: str) -> str:
    return absolute(url_for("reports.transcript", person_id=person.person_id))


def group_feed(name: str, view: str, scope: Scope) -> Response:
    now = utcnow()
    entries = [entry for person in people_dates(now, scope)
               for entry in entries_for(person, view, transcript_link, named=True)]
    return ics_response(feed_file(name, entries, now), f"{view}.ics", download=True)


@bp.get("/hr/departments/<int:department_id>/calendar.ics")
@role_required("hr", "admin")
def department_calendar(department_id: int) -> Response:
    department = db.session.get(Department, department_id)
    if department is None:
        abort(404)
    return group_feed(_("Training dates: %(department)s", department=department.name), f"department{department.id}",
                      Scope(department_id=department.id))


@bp.get("/team/calendar.ics")
@role_required("manager")
def team_calendar() -> Response:
    user: User = current_user
    return group_feed(_("Training dates: team of %(name)s", name=user.name), f"team{user.id}", Scope(within=user.id))

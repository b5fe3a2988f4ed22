"""HR's dashboard and a manager's team view (the same tables, limited to their reports), a
person's transcript, due dates, and CSV exports of every table."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from advocacy.core.charts import bar_chart
from advocacy.core.clock import utcnow
from advocacy.core.db import db
from advocacy.core.organisation import Department, User
from advocacy.core.orgchart import team_ids
from advocacy.core.pagination import page_number, query_id
from advocacy.core.people_rules import normalise_email
from advocacy.identity.guards import person_in_reach_or_404, role_required
from advocacy.learning.services.due_dates import set_due_date
from advocacy.learning.status import Scope
from advocacy.reports import exports, hr
from advocacy.reports import transcript as transcripts
from advocacy.reports.forms import DueDateForm

bp = Blueprint("reports", __name__)

OVERDUE_ON_DASHBOARD = 50


def scope_from_request(within: int | None) -> Scope:
    """Filters from the query string. The manager filter takes an e-mail address (or an id, in
    links); a manager may narrow to someone below them, never look at another team."""
    department_id = query_id("department")
    manager = (request.args.get("manager") or "").strip()[:254]
    if not manager:
        return Scope(within=within, department_id=department_id)
    by_id = manager.isdigit() and len(manager) <= 9  # an id a database integer holds
    found = db.session.execute(select(User.id, User.email).where(
        User.id == int(manager) if by_id else User.email == normalise_email(manager))).first()
    if within is not None and (found is None or (found.id != within and found.id not in team_ids(within))):
        abort(404)
    if found is None:
        flash(_("Nobody has the e-mail address %(email)s; showing everyone.", email=manager), "warning")
        return Scope(within=within, department_id=department_id)
    return Scope(within=within, department_id=department_id, manager_id=found.id, manager_email=found.email)


def dashboard(scope: Scope, area: str):
    now = utcnow()
    matrix = hr.completion_matrix(now, scope)
    overdue, overdue_total = hr.overdue_people(now, scope, limit=OVERDUE_ON_DASHBOARD,
                                               total=matrix[-1].people_overdue if matrix else 0)
    chart = bar_chart([(row.department or _("No department"), row.cells["basic"]["percent"] or 0)
                       for row in matrix if not row.total], maximum=100, unit="%")
    return render_template(
        "reports/dashboard.html", area=area, scope=scope, matrix=matrix, chart=chart,
        overdue=overdue, overdue_total=overdue_total, shown=OVERDUE_ON_DASHBOARD,
        expiring=hr.expiring_certifications(now, scope, limit=OVERDUE_ON_DASHBOARD + 1),
        policy=hr.policy_coverage(scope), now=now,
        departments=db.session.scalars(db.select(Department).order_by(Department.name)).all())


@bp.get("/hr")
@role_required("hr")
def hr_dashboard():
    return dashboard(scope_from_request(None), "hr")


@bp.get("/team")
@role_required("manager")
def team():
    return dashboard(scope_from_request(current_user.id), "team")


@bp.get("/hr/overdue")
@role_required("hr")
def hr_overdue():
    return overdue_page(scope_from_request(None), "hr")


@bp.get("/team/overdue")
@role_required("manager")
def team_overdue():
    return overdue_page(scope_from_request(current_user.id), "team")


def overdue_page(scope: Scope, area: str):
    page = page_number()
    per_page = 100
    people, total = hr.overdue_people(utcnow(), scope, limit=per_page, offset=(page - 1) * per_page)
    return render_template("reports/overdue.html", area=area, scope=scope, people=people, total=total,
                           page=page, pages=max(1, -(-total // per_page)))


@bp.get("/hr/export/<table>.csv")
@role_required("hr")
def hr_export(table):
    return exports.dashboard_table(table, scope_from_request(None))


@bp.get("/team/export/<table>.csv")
@role_required("manager")
def team_export(table):
    return exports.dashboard_table(table, scope_from_request(current_user.id))


def person_for_report_or_404(person_id: int):
    """HR sees everyone; a manager themselves and the people below them."""
    person = person_in_reach_or_404(person_id)
    if person.erased_at is not None and not current_user.has_role("hr"):
        abort(404)
    return person


@bp.get("/people/<int:person_id>/transcript")
@role_required("hr", "manager")
def transcript(person_id):
    person = person_for_report_or_404(person_id)
    form = DueDateForm() if current_user.has_role("hr") else None
    return render_template("reports/transcript.html", person=person, form=form,
                           t=transcripts.transcript_of(person, utcnow()))


@bp.get("/people/<int:person_id>/transcript.csv")
@role_required("hr", "manager")
def transcript_csv(person_id):
    person = person_for_report_or_404(person_id)
    return exports.transcript_table(person, transcripts.transcript_of(person, utcnow()))


@bp.post("/people/<int:person_id>/due")
@role_required("hr")
def set_due(person_id):
    person = person_for_report_or_404(person_id)
    form = DueDateForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("reports.transcript", person_id=person.id))
    set_due_date(person, form.tier.data, form.due_on.data, set_by_id=current_user.id)
    flash(_("Due date saved."), "success")
    return redirect(url_for("reports.transcript", person_id=person.id))


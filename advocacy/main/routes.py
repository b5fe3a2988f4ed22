"""The front door: each role's landing page, organisation settings (health is core/health.py)."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from advocacy.core.audit import record
from advocacy.core.db import db
from advocacy.core.organisation import Department, get_organisation
from advocacy.core.people_rules import parse_hr_extra
from advocacy.identity.guards import role_required
from advocacy.main.forms import OrganisationForm

bp = Blueprint("main", __name__)

# The landing page of the most specific role a person holds; everyone else learns first.
ROLE_HOMES = (
    ("admin", "main.admin_home"),
    ("hr", "reports.hr_dashboard"),
    ("marketing", "feed.manage"),
    ("reviewer", "feed.review_queue"),
    ("manager", "reports.team"),
    ("author", "studio.index"),
)


def home_endpoint_for(user) -> str:
    for role, endpoint in ROLE_HOMES:
        if user.has_role(role):
            return endpoint
    return "courses.home"


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(url_for(home_endpoint_for(current_user)))


@bp.route("/admin", methods=["GET", "POST"])
@role_required("admin")
def admin_home():
    org = get_organisation()
    departments = db.session.scalars(db.select(Department).order_by(Department.name)).all()
    form = OrganisationForm(obj=org)
    form.advanced_departments.choices = [(d.id, d.name) for d in departments]
    if not form.is_submitted():
        form.advanced_departments.data = [d.id for d in departments if d.advanced_eligible]
        form.hr_grants.data = sorted(parse_hr_extra(org.hr_may_grant))
    if form.validate_on_submit():
        form.populate_obj(org)
        db.session.add(org)
        org.hr_may_grant = ",".join(sorted(parse_hr_extra(",".join(form.hr_grants.data or []))))
        chosen = set(form.advanced_departments.data or [])
        for department in departments:
            department.advanced_eligible = department.id in chosen
        record("organisation.settings", f"settings changed: {org.name}; HR may also give: {org.hr_may_grant or '—'}; "
               f"second factor for admin and HR: {'required' if org.second_factor_for_admin_hr else 'not required'}")
        flash(_("Settings saved."), "success")
        return redirect(url_for("main.admin_home"))
    return render_template("main/admin.html", form=form, org=org)

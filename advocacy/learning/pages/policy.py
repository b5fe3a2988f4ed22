"""The social media policy: read and acknowledge it, write a new version, see who acknowledged."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import and_, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from advocacy.core.clock import utcnow
from advocacy.core.db import db
from advocacy.core.markdown import render
from advocacy.core.organisation import Department, User
from advocacy.core.pagination import RowPage, page_number
from advocacy.identity.guards import role_required
from advocacy.learning.models.policy import PolicyVersion
from advocacy.learning.models.progress import PolicyAcknowledgement
from advocacy.learning.pages.forms import AcknowledgeForm, PolicyForm
from advocacy.learning.pages.lessons import bp, reading_language
from advocacy.learning.policy import acknowledgement_of
from advocacy.learning.services.policy import acknowledge_policy, publish_policy

PEOPLE_PER_PAGE = 50


def current_policy_with_texts() -> PolicyVersion | None:
    return db.session.scalar(select(PolicyVersion).options(selectinload(PolicyVersion.texts))
                             .order_by(PolicyVersion.version.desc()).limit(1))


def render_policy(policy: PolicyVersion, language: str):
    """Policy from content/ is trusted Markdown; a version written in the browser is not."""
    text = policy.text_in(language)
    return text, render(text.body, trusted=policy.source == "content")


@bp.get("/policy")
@login_required
def policy():
    current = current_policy_with_texts()
    if current is None:
        return render_template("courses/policy.html", policy=None)
    text, body = render_policy(current, reading_language())
    return render_template("courses/policy.html", policy=current, text=text, body=body,
                           acknowledgement=acknowledgement_of(current_user.id, current.id), form=AcknowledgeForm(),
                           fallback=text is current and reading_language() != "en")


@bp.post("/policy/acknowledge")
@login_required
def acknowledge():
    form = AcknowledgeForm()
    current = current_policy_with_texts()
    if current is None or not form.validate():
        abort(400)
    if form.version.data != current.version:
        flash(_("The policy changed while you were reading it. Please read the new version."), "warning")
        return redirect(url_for("courses.policy"))
    acknowledge_policy(current_user.id, current, utcnow())
    flash(_("Thank you for reading the policy."), "success")
    return redirect(url_for("courses.home"))


@bp.route("/admin/policy/new", methods=["GET", "POST"])
@role_required("admin")
def new_policy():
    current = current_policy_with_texts()
    form = PolicyForm(obj=current) if request.method == "GET" else PolicyForm()
    preview = None
    if form.validate_on_submit():
        if "preview" in request.form:
            preview = render(form.body.data, trusted=False)
        else:
            try:
                policy = publish_policy(current_user.id, form.title.data.strip(), (form.summary.data or "").strip(),
                                        form.body.data, utcnow())
            except IntegrityError:  # another admin published the same number a moment ago
                flash(_("Someone published a new version at the same moment. Read it, then try again."), "error")
                return redirect(url_for("courses.policy"))
            flash(_("Version %(n)d of the policy is published. Everyone is asked to acknowledge it.", n=policy.version),
                  "success")
            return redirect(url_for("courses.policy"))
    return render_template("courses/policy_new.html", form=form, current=current, preview=preview)


@bp.get("/hr/policy")
@role_required("hr")
def policy_report():
    current = current_policy_with_texts()
    pending_only = request.args.get("show") == "pending"
    page = RowPage(active_people_with_acknowledgement(current, pending_only), page_number(),
                   PEOPLE_PER_PAGE)
    return render_template("courses/policy_report.html", policy=current, page=page, pending_only=pending_only,
                           counts=acknowledgement_counts(current), versions=version_counts())


def active_people_with_acknowledgement(current: PolicyVersion | None, pending_only: bool):
    """(person, department name, acknowledged the current version at, latest version acknowledged)."""
    latest = (select(PolicyAcknowledgement.user_id, func.max(PolicyVersion.version).label("version"))
              .join(PolicyVersion).group_by(PolicyAcknowledgement.user_id).subquery())
    current_id = current.id if current else -1
    query = (select(User, Department.name, PolicyAcknowledgement.acknowledged_at, latest.c.version)
             .outerjoin(Department, Department.id == User.department_id)
             .outerjoin(PolicyAcknowledgement, and_(PolicyAcknowledgement.user_id == User.id,
                                                    PolicyAcknowledgement.policy_version_id == current_id))
             .outerjoin(latest, latest.c.user_id == User.id)
             .where(User.is_active)
             .order_by(User.name, User.id))
    if pending_only:
        query = query.where(PolicyAcknowledgement.id.is_(None))
    return query


def acknowledgement_counts(current: PolicyVersion | None) -> dict:
    people = db.session.scalar(select(func.count(User.id)).where(User.is_active)) or 0
    done = 0
    if current is not None:
        done = db.session.scalar(select(func.count(PolicyAcknowledgement.id)).join(User).where(
            PolicyAcknowledgement.policy_version_id == current.id, User.is_active)) or 0
    return {"people": people, "acknowledged": done, "pending": people - done}


def version_counts():
    return db.session.execute(
        select(PolicyVersion.version, PolicyVersion.created_at, PolicyVersion.source,
               func.count(PolicyAcknowledgement.id))
        .outerjoin(PolicyAcknowledgement).group_by(PolicyVersion.id).order_by(PolicyVersion.version.desc())).all()

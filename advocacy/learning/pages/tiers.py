"""Opening tiers: HR assigns the advanced tier; marketing decides on requests for the expert tier."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from advocacy.core.clock import utcnow
from advocacy.core.db import db
from advocacy.core.directory import find_user_by_email
from advocacy.core.organisation import User
from advocacy.identity.guards import role_required
from advocacy.learning.models.progress import TierGrant
from advocacy.learning.models.quizzes import Certification
from advocacy.learning.pages.forms import AssignAdvancedForm, DecisionForm
from advocacy.learning.pages.lessons import bp
from advocacy.learning.services.tiers import assign_advanced, decide_expert_request, remove_advanced


def grants_with_people(tier: str, status: str | None = None):
    query = (select(TierGrant).join(User, User.id == TierGrant.user_id)
             .where(TierGrant.tier == tier, User.erased_at.is_(None))
             .options(joinedload(TierGrant.user)).order_by(TierGrant.requested_at, TierGrant.id))
    if status:
        query = query.where(TierGrant.status == status)
    return db.session.scalars(query).all()


@bp.route("/hr/advanced", methods=["GET", "POST"])
@role_required("hr")
def advanced_people():
    form = AssignAdvancedForm()
    if form.validate_on_submit():
        person = find_user_by_email(form.email.data)
        if person is None or person.erased_at is not None:
            form.email.errors.append(_("Nobody with this e-mail address works here."))
        elif person.id == current_user.id:
            form.email.errors.append(_("Nobody opens a course for themselves. Ask a colleague in HR."))
        else:
            if assign_advanced(person.id, current_user.id, utcnow()):
                flash(_("%(name)s may now take the advanced course.", name=person.name), "success")
            else:
                flash(_("%(name)s could already take the advanced course.", name=person.name), "info")
            return redirect(url_for("courses.advanced_people"))
    return render_template("courses/advanced_people.html", form=form,
                           grants=grants_with_people("advanced", "approved"))


@bp.post("/hr/advanced/<int:user_id>/remove")
@role_required("hr")
def remove_advanced_person(user_id):
    person = db.session.get(User, user_id)
    if person is not None and person.id == current_user.id:
        flash(_("Nobody changes their own courses. Ask a colleague in HR."), "error")
        return redirect(url_for("courses.advanced_people")), 403
    if person is None or not remove_advanced(person.id, current_user.id):
        abort(404)
    flash(_("%(name)s no longer has the advanced course assigned.", name=person.display_name), "success")
    return redirect(url_for("courses.advanced_people"))


@bp.get("/expert-requests")
@role_required("marketing")
def expert_requests():
    waiting = grants_with_people("expert", "requested")
    valid = valid_tiers_by_person([g.user_id for g in waiting])
    return render_template("courses/expert_requests.html", waiting=waiting, valid=valid,
                           decided=recent_decisions(), form=DecisionForm())


def recent_decisions(limit: int = 20):
    return db.session.scalars(
        select(TierGrant).join(User, User.id == TierGrant.user_id)
        .where(TierGrant.tier == "expert", TierGrant.status != "requested", User.erased_at.is_(None))
        .options(joinedload(TierGrant.user)).order_by(TierGrant.decided_at.desc(), TierGrant.id.desc())
        .limit(limit)).all()


def valid_tiers_by_person(user_ids: list[int]) -> dict[int, set[str]]:
    """Which tiers each person holds a valid certification for (one query for the whole queue)."""
    held: dict[int, set[str]] = {}
    rows = db.session.execute(select(Certification.user_id, Certification.tier).where(
        Certification.user_id.in_(user_ids), Certification.is_valid_at(utcnow())))
    for user_id, tier in rows:
        held.setdefault(user_id, set()).add(tier)
    return held


@bp.post("/expert-requests/<int:grant_id>")
@role_required("marketing")
def decide_expert(grant_id):
    grant = db.session.get(TierGrant, grant_id)
    if grant is None or grant.tier != "expert":
        abort(404)
    form = DecisionForm()
    if not form.validate():
        abort(400)
    if grant.status != "requested":
        flash(_("Someone already decided on this request."), "info")
        return redirect(url_for("courses.expert_requests"))
    if grant.user_id == current_user.id:
        flash(_("Nobody decides on their own request. A colleague in marketing will."), "error")
        return redirect(url_for("courses.expert_requests")), 403
    approve = form.decision.data == "approve"
    decide_expert_request(grant, approve, current_user.id, (form.note.data or "").strip(), utcnow())
    name = grant.user.display_name
    flash(_("%(name)s may now take the expert course.", name=name) if approve
          else _("You declined the request of %(name)s.", name=name), "success")
    return redirect(url_for("courses.expert_requests"))

"""The admin's roles page: every person's roles, and granting and revoking them one person at a
time through identity/roles.py (the same rule and audit entry as the import and the command line)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from advocacy.core.db import db
from advocacy.core.organisation import User
from advocacy.core.pagination import page_number
from advocacy.core.people_rules import ROLES
from advocacy.identity.guards import role_required
from advocacy.identity.roles import RoleChangeRefused, change_roles, roles_actor_may_grant
from advocacy.people import privacy
from advocacy.people.forms import RolesForm

bp = Blueprint("roles", __name__)

ROLE_LABELS = {
    "employee": _l("Employee (everyone)"), "manager": _l("Manager: sees their team"),
    "hr": _l("HR: people, imports and reports"), "marketing": _l("Marketing: writes posts, decides on expert requests"),
    "reviewer": _l("Reviewer: approves posts"), "admin": _l("Admin: settings and roles"),
    "author": _l("Author: writes courses and quiz banks"), "webcare": _l("Webcare: answers what colleagues hand over"),
}
REFUSALS = {
    "own roles": _l("Nobody changes their own roles. Ask another admin."),
    "not grantable": _l("You may not give or take away one of these roles."),
}


@bp.get("/admin/roles")
@role_required("admin")
def people_roles():
    query = (request.args.get("q") or "").strip()[:100]
    page = privacy.people_page(query, None, page_number())
    return render_template("people/roles.html", page=page, q=query)


@bp.route("/admin/roles/<int:person_id>", methods=["GET", "POST"])
@role_required("admin")
def person_roles(person_id):
    person = db.session.get(User, person_id)
    if person is None or person.erased_at is not None:
        abort(404)
    grantable = roles_actor_may_grant(current_user)
    form = RolesForm()
    form.roles.choices = [(role, ROLE_LABELS[role]) for role in ROLES if role != "employee"]
    if not form.is_submitted():
        form.roles.data = sorted(person.roles - {"employee"})
    own = person.id == current_user.id
    if form.validate_on_submit():
        try:
            changed = change_roles(person, form.roles.data or [], actor=current_user._get_current_object(),
                                   source="admin page")
        except RoleChangeRefused as refused:
            db.session.rollback()
            flash(str(REFUSALS[refused.reason]), "error")
            return render_template("people/person_roles.html", person=person, form=form, own=own,
                                   grantable=grantable), 403
        flash(_("Roles of %(name)s saved. They sign in again to use them.", name=person.name) if changed
              else _("Nothing changed."), "success" if changed else "info")
        return redirect(url_for("roles.person_roles", person_id=person.id))
    status = 400 if form.is_submitted() else 200
    return render_template("people/person_roles.html", person=person, form=form, own=own,
                           grantable=grantable), status

"""The admin's page for API tokens (/admin/api): the list (name, scopes, created, last used,
valid until), a new one (shown once), revoking one."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from advocacy.api.tokens import MAX_DAYS, SCOPES, all_tokens, create_token, revoke_token
from advocacy.core.clock import utcnow
from advocacy.core.pagination import MAX_ID
from advocacy.identity.guards import role_required

bp = Blueprint("api_admin", __name__, url_prefix="/admin/api")


def render(new_token: str | None = None, status: int = 200):
    return render_template("api/tokens.html", tokens=all_tokens(), new_token=new_token, scopes=SCOPES,
                           max_days=MAX_DAYS, now=utcnow(), api_url=request.url_root.rstrip("/") + "/api/v1"), status


@bp.get("")
@role_required("admin")
def tokens():
    return render()


@bp.post("")
@role_required("admin")
def create():
    name = (request.form.get("name") or "").strip()
    scopes = request.form.getlist("scope")
    days_text = (request.form.get("days") or "").strip()
    if not name or len(name) > 80:
        flash(_("Give the token a name of 1 to 80 characters, e.g. the system that uses it."), "error")
        return render(status=400)
    if not scopes or not set(scopes) <= set(SCOPES):
        flash(_("Choose at least one scope: what the token may read."), "error")
        return render(status=400)
    days = None
    if days_text:
        if not days_text.isdigit() or not 1 <= int(days_text) <= MAX_DAYS:
            flash(_("Valid for: a number of days from 1 to %(max)s, or empty for no end.", max=MAX_DAYS), "error")
            return render(status=400)
        days = int(days_text)
    try:
        _token, raw = create_token(name, scopes, days, current_user.id)
    except ValueError:
        flash(_("A token with that name exists already: choose another name."), "error")
        return render(status=400)
    return render(new_token=raw)


@bp.post("/<int:token_id>/revoke")
@role_required("admin")
def revoke(token_id: int):
    if token_id > MAX_ID or revoke_token(token_id, current_user.id) is None:
        abort(404)
    flash(_("The token is revoked: the system using it is refused from now on."), "success")
    return redirect(url_for("api_admin.tokens"))

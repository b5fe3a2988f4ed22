"""The admin's page for SCIM tokens: see them, create one (shown once), revoke one."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from advocacy.identity.guards import role_required
from advocacy.identity.scim.tokens import all_tokens, create_token, revoke_token

bp = Blueprint("scim_admin", __name__, url_prefix="/admin/scim")


@bp.get("")
@role_required("admin")
def tokens():
    return render_template("scim/tokens.html", tokens=all_tokens(), new_token=None, scim_url=scim_url())


@bp.post("")
@role_required("admin")
def create():
    name = (request.form.get("name") or "").strip()
    if not name or len(name) > 80:
        flash(_("Give the token a name of 1 to 80 characters, e.g. the identity provider's."), "error")
        return render_template("scim/tokens.html", tokens=all_tokens(), new_token=None, scim_url=scim_url()), 400
    try:
        _token, raw = create_token(name, current_user.id)
    except ValueError:
        flash(_("A token with that name exists already: choose another name."), "error")
        return render_template("scim/tokens.html", tokens=all_tokens(), new_token=None, scim_url=scim_url()), 400
    return render_template("scim/tokens.html", tokens=all_tokens(), new_token=raw, scim_url=scim_url())


@bp.post("/<int:token_id>/revoke")
@role_required("admin")
def revoke(token_id: int):
    if token_id > 2**31 - 1 or revoke_token(token_id, current_user.id) is None:
        abort(404)
    flash(_("The token is revoked: the identity provider using it is refused from now on."), "success")
    return redirect(url_for("scim_admin.tokens"))


def scim_url() -> str:
    return request.url_root.rstrip("/") + "/scim/v2"

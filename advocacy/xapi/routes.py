"""/admin/xapi: the LRS settings in effect (the password hidden), the outbox's counts, the last
failures with the LRS's answer, and "retry failed"."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from advocacy.identity.guards import role_required
from advocacy.xapi.outbox import counts, last_failures, retry_failed, settings

bp = Blueprint("xapi", __name__, url_prefix="/admin/xapi")


@bp.get("")
@role_required("admin")
def admin():
    return render_template("xapi/admin.html", s=settings(), counts=counts(), failures=last_failures(),
                           config=current_app.config)


@bp.post("/retry")
@role_required("admin")
def retry():
    count = retry_failed()
    if count:
        flash(_("%(count)d failed statement(s) will be sent again.", count=count), "success")
    else:
        flash(_("No failed statements to send again."), "info")
    return redirect(url_for("xapi.admin"), 303)

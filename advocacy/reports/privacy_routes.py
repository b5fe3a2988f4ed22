"""The admin's audit log, the opt-in leaderboard, and unsubscribing from the digest without login."""
from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from advocacy.core.audit import AuditEntry
from advocacy.core.clock import utcnow
from advocacy.core.csvexport import csv_response
from advocacy.core.db import db
from advocacy.core.extensions import csrf
from advocacy.core.organisation import get_organisation
from advocacy.core.pagination import page_number
from advocacy.identity.guards import role_required
from advocacy.reports.digest import unsubscribe, user_from_token
from advocacy.reports.leaderboard import leaderboard_rows
from advocacy.reports.routes import bp


def audit_query():
    return (select(AuditEntry).options(selectinload(AuditEntry.actor), selectinload(AuditEntry.subject))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()))


@bp.get("/admin/audit")
@role_required("admin")
def audit_log():
    page = db.paginate(audit_query(), page=page_number(), per_page=50, error_out=False)
    return render_template("reports/audit.html", page=page)


@bp.get("/admin/audit.csv")
@role_required("admin")
def audit_csv():
    entries = db.session.scalars(audit_query()).all()
    # The audit export stays in UTC, as server and proxy logs are, so the two line up.
    rows = [[e.at.strftime("%Y-%m-%d %H:%M"), e.actor.display_name if e.actor else "", e.action,
             e.subject.display_name if e.subject else "", e.detail] for e in entries]
    return csv_response(f"audit-{utcnow():%Y-%m-%d}.csv", ["when (UTC)", "who", "action", "about", "detail"], rows)


@bp.get("/leaderboard")
@login_required
def leaderboard():
    if not get_organisation().leaderboards_enabled:
        abort(404)
    return render_template("reports/leaderboard.html", rows=leaderboard_rows(utcnow()))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the proof; mail clients' one-click POST (RFC 8058) has no form token
def unsubscribe_digest(token):
    person = user_from_token(token)
    if person is None:
        return render_template("reports/unsubscribe.html", person=None), 404
    if request.method == "POST":  # GET only asks: link scanners follow links, and must not unsubscribe anyone
        unsubscribe(person)
        return render_template("reports/unsubscribe.html", person=person, done=True,
                               message=_("You will no longer receive the weekly digest."))
    return render_template("reports/unsubscribe.html", person=person, done=False)

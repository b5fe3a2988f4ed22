"""People: CSV import (upload, preview, apply), the HR people list and erasure, and each
person's own privacy page (download my data, leaderboard and digest choices)."""
from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from advocacy.core.clock import utcnow
from advocacy.core.db import db
from advocacy.core.organisation import Department, User, get_organisation
from advocacy.core.pagination import page_number, query_id
from advocacy.core.privacy import erase_person, export_as_json
from advocacy.identity.guards import role_required
from advocacy.identity.roles import roles_actor_may_grant
from advocacy.people import applying, privacy, reinvite
from advocacy.people import importing as imports
from advocacy.people.forms import ImportApplyForm, ImportUploadForm, PrivacyForm

bp = Blueprint("people", __name__)

TEMPLATE_CSV = ("email,name,department,manager_email,start_date,roles\r\n"
                "ann.jansen@example.com,Ann Jansen,Sales,,2026-01-05,manager\r\n"
                "bo.de.vries@example.com,Bo de Vries,Sales,ann.jansen@example.com,2026-03-01,\r\n")


@bp.route("/people/import", methods=["GET", "POST"])
@role_required("hr")
def import_upload():
    form = ImportUploadForm()
    if not form.validate_on_submit():
        return render_template("people/import.html", form=form)
    data = form.file.data.read()
    grantable = roles_actor_may_grant(current_user)
    checked = imports.check_import(data, grantable=grantable, importer_email=current_user.email)
    if not checked.ok:
        return render_template("people/import.html", form=form, checked=checked), 422
    token = imports.store_upload(data, current_user.id)
    leavers = imports.people_not_in(checked, current_user.id) if form.deactivate_missing.data else []
    apply_form = ImportApplyForm(token=token, fingerprint=imports.leavers_fingerprint(checked, leavers),
                                 deactivate_missing="y" if form.deactivate_missing.data else "")
    return render_template("people/import_preview.html", checked=checked, form=apply_form, leavers=leavers)


@bp.post("/people/import/apply")
@role_required("hr")
def import_apply():
    form = ImportApplyForm()
    data = imports.read_upload(form.token.data, current_user.id) if form.validate_on_submit() else None
    if data is None:
        flash(_("That upload is no longer available. Upload the file again."), "error")
        return redirect(url_for("people.import_upload"))
    grantable = roles_actor_may_grant(current_user)
    checked = imports.check_import(data, grantable=grantable, importer_email=current_user.email)
    if not checked.ok:
        return render_template("people/import.html", form=ImportUploadForm(), checked=checked), 422
    leavers = imports.people_not_in(checked, current_user.id) if form.deactivate_missing.data else []
    fingerprint = imports.leavers_fingerprint(checked, leavers)
    if fingerprint != form.fingerprint.data:
        flash(_("People changed since your preview. Check the new preview, then apply."), "warning")
        form.fingerprint.data = fingerprint
        return render_template("people/import_preview.html", checked=checked, form=form, leavers=leavers), 409
    if leavers:
        deactivated = imports.deactivate_leavers(leavers, "import: not in the file")
        flash(_("Deactivated: %(n)d people who were not in the file.", n=deactivated), "success")
    run = applying.start_run(form.token.data, current_user.id, len(checked.parsed.rows))
    return redirect(url_for("people.import_run", run_id=run.id), code=303)


@bp.get("/people/import/runs")
@role_required("hr")
def import_runs():
    return render_template("people/import_runs.html", runs=applying.recent_runs(current_user.id))


def own_run_or_404(run_id: int):
    """One of this HR person's own import runs; anyone else's, or none, is not found."""
    run = applying.run_of(run_id, current_user.id)
    if run is None:
        abort(404)
    return run


@bp.get("/people/import/runs/<int:run_id>")
@role_required("hr")
def import_run(run_id):
    run = own_run_or_404(run_id)
    return render_template("people/import_run.html", run=run)


@bp.get("/people/import/runs/<int:run_id>/status")
@role_required("hr")
def import_run_status(run_id):
    run = own_run_or_404(run_id)
    return jsonify(run.as_json())


@bp.post("/people/import/runs/<int:run_id>/resume")
@role_required("hr")
def import_run_resume(run_id):
    run = own_run_or_404(run_id)
    if applying.resume(run):
        flash(_("The import goes on where it stopped."), "success")
    else:
        flash(_("This import is not stopped: there is nothing to resume."), "info")
    return redirect(url_for("people.import_run", run_id=run.id), code=303)


@bp.route("/people/reinvite", methods=["GET", "POST"])
@role_required("hr")
def reinvite_waiting():
    if request.method == "POST":  # CSRFProtect has checked the token
        count = reinvite.start_reinvite(current_user.id)
        flash(_("Invitations go out again to %(n)d people who have not accepted theirs.", n=count), "success")
        return redirect(url_for("people.directory"), code=303)
    return render_template("people/reinvite.html", waiting=reinvite.count_waiting(utcnow()),
                           recent_minutes=int(reinvite.RECENT.total_seconds() // 60))


@bp.get("/people/import/template.csv")
@role_required("hr")
def import_template():
    return Response("\ufeff" + TEMPLATE_CSV, mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=people-template.csv"})


@bp.get("/people")
@role_required("hr")
def directory():
    query = (request.args.get("q") or "").strip()[:100]
    department_id = query_id("department")
    page = privacy.people_page(query, department_id, page_number())
    departments = db.session.scalars(db.select(Department).order_by(Department.name)).all()
    return render_template("people/directory.html", page=page, q=query, department_id=department_id,
                           departments=departments)


@bp.route("/people/<int:person_id>/erase", methods=["GET", "POST"])
@role_required("hr")
def erase(person_id):
    person = db.session.get(User, person_id)
    if person is None or person.erased_at is not None:
        abort(404)
    problem = privacy.erase_refusal(person, current_user)
    if request.method == "POST" and problem is None:  # CSRFProtect has checked the token
        erase_person(person)
        flash(_("The person's personal data is erased. Their counts stay in the reports."), "success")
        return redirect(url_for("people.directory"))
    status = 409 if problem and request.method == "POST" else 200
    return render_template("people/erase.html", person=person, problem=problem), status


@bp.route("/account/privacy", methods=["GET", "POST"])
@login_required
def my_privacy():
    form = PrivacyForm(leaderboard_opt_in=current_user.leaderboard_opt_in,
                       digest=current_user.digest_unsubscribed_at is None)
    leaderboards = get_organisation().leaderboards_enabled
    if form.validate_on_submit():
        privacy.save_choices(current_user, leaderboard=form.leaderboard_opt_in.data and leaderboards,
                             digest=form.digest.data)
        flash(_("Your choices are saved."), "success")
        return redirect(url_for("people.my_privacy"))
    return render_template("people/privacy.html", form=form, leaderboards=leaderboards)


@bp.get("/account/data")
@login_required
def my_data():
    body = export_as_json(current_user)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": "attachment; filename=my-advocacy-data.json"})

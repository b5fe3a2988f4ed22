"""Quiz pages: start, take, result; my certificates; the public verification page; HR revocation."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from advocacy.core.clock import utcnow
from advocacy.core.db import db
from advocacy.core.display import when
from advocacy.core.pagination import page_number
from advocacy.core.transaction import writes_on_get
from advocacy.identity.guards import role_required
from advocacy.learning.models.courses import Course
from advocacy.learning.models.quizzes import Attempt, Certification
from advocacy.learning.pages import quiz_display as views
from advocacy.learning.pages.forms import RevokeForm
from advocacy.learning.services import quizzes as services
from advocacy.learning.services.certificates import (
    certification_by_code,
    certifications_of,
    revoke_certification,
    verification_url,
)

bp = Blueprint("quizzes", __name__)


def _language() -> str:
    return str(get_locale())


def _course_or_404(slug: str) -> Course:
    course = db.session.scalar(select(Course).where(Course.slug == slug, Course.retired_at.is_(None)))
    if course is None:
        abort(404)
    return course


def _own_attempt_or_404(attempt_id: int) -> Attempt:
    """Attempts are private: anyone else's, managers and HR included, is a 404."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)
    return attempt


def _closed_message(closed: services.QuizClosed) -> str:
    if closed.reason == "cooldown":
        return _("Your next attempt opens on %(when)s.", when=when(closed.opens_at))
    if closed.reason == "no_quiz":
        return _("This course has no quiz yet.")
    if closed.reason == "tier_closed":
        return _("This quiz is not open to you yet.")
    if closed.reason == "lessons_unread":
        return _("The quiz opens once you have read every lesson of this course.")
    return closed.reason


@bp.get("/courses/<slug>/quiz")
@login_required
@writes_on_get("an attempt whose time ran out is closed as failed when first seen after its deadline")
def start(slug):
    course = _course_or_404(slug)
    now = utcnow()
    services.close_late_attempt_of(current_user.id, course.id, now)
    state = services.quiz_state(current_user, course, _language(), now)
    return render_template("quizzes/start.html", state=state, text=course.text_in(_language()), now=now)


@bp.post("/courses/<slug>/quiz")
@login_required
def begin(slug):
    course = _course_or_404(slug)
    try:
        attempt = services.start_attempt(current_user, course, _language(), utcnow())
    except services.QuizClosed as closed:
        flash(_closed_message(closed), "warning")
        return redirect(url_for("quizzes.start", slug=slug), 303)
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id), 303)


def _time_ran_out() -> None:
    flash(_("Time ran out: your answers arrived after the time limit, so this attempt counts as failed."), "error")


@bp.get("/attempts/<int:attempt_id>")
@login_required
@writes_on_get("an attempt whose time ran out is closed as failed when first seen after its deadline")
def attempt(attempt_id):
    attempt = _own_attempt_or_404(attempt_id)
    now = utcnow()
    if attempt.is_open and services.close_if_late(attempt, now):
        _time_ran_out()
    questions = services.questions_of(attempt)
    course = attempt.course
    if attempt.is_open:
        return render_template("quizzes/attempt.html", attempt=attempt, course=course,
                               text=course.text_in(_language()), version=attempt.quiz_version,
                               questions=views.form_questions(attempt.items, questions))
    state = services.quiz_state(current_user, course, _language(), now)
    return render_template("quizzes/result.html", attempt=attempt, course=course, state=state,
                           text=course.text_in(_language()), version=attempt.quiz_version,
                           review=views.review(attempt.items, attempt.results, questions, full=attempt.passed),
                           verification_url=verification_url(state.certification) if state.certification else None)


@bp.post("/attempts/<int:attempt_id>")
@login_required
def submit(attempt_id):
    attempt = _own_attempt_or_404(attempt_id)
    was_open = attempt.is_open
    attempt = services.submit_attempt(attempt, request.form.to_dict(flat=False), utcnow())
    if was_open and attempt.timed_out:
        _time_ran_out()
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id), 303)


@bp.get("/certificates")
@login_required
def certificates():
    rows = certifications_of(current_user.id)
    return render_template("quizzes/certificates.html", certifications=rows, now=utcnow(),
                           links={c.id: verification_url(c) for c in rows})


@bp.get("/verify/<code>")
def verify(code):
    certification = certification_by_code(code)
    if certification is None:
        abort(404)
    html = render_template("quizzes/verify.html", certification=certification,
                           status=certification.status_at(utcnow()))
    return html, 200, {"X-Robots-Tag": "noindex"}


# --- HR ----------------------------------------------------------------------------------------


@bp.get("/certifications")
@role_required("hr")
def hr_certifications():
    page = db.paginate(select(Certification).options(joinedload(Certification.user))
                       .order_by(Certification.expires_at, Certification.id),
                       page=page_number(), per_page=50, error_out=False)
    return render_template("quizzes/hr_certifications.html", page=page, now=utcnow())


def _certification_or_404(certification_id: int) -> Certification:
    certification = db.session.get(Certification, certification_id)
    if certification is None:
        abort(404)
    return certification


@bp.get("/certifications/<int:certification_id>")
@role_required("hr")
def hr_certification(certification_id):
    certification = _certification_or_404(certification_id)
    return render_template("quizzes/hr_certification.html", certification=certification, form=RevokeForm(),
                           now=utcnow())


@bp.post("/certifications/<int:certification_id>/revoke")
@role_required("hr")
def revoke(certification_id):
    certification = _certification_or_404(certification_id)
    form = RevokeForm()
    if not form.validate_on_submit():
        return render_template("quizzes/hr_certification.html", certification=certification, form=form,
                               now=utcnow()), 422
    if revoke_certification(certification, form.reason.data.strip(), current_user.id, utcnow()):
        flash(_("The certification is revoked."), "success")
    else:
        flash(_("This certification was already revoked."), "info")
    return redirect(url_for("quizzes.hr_certification", certification_id=certification.id), 303)

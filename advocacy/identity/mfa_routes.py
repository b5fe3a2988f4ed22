"""The second factor's pages: the code asked after a correct password, the person's own page to turn
it on (QR code, then a first code), make new recovery codes or turn it off, and the admin's reset
for someone who lost their phone (identity/mfa.py has the rules)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from advocacy.core.clock import utcnow
from advocacy.core.db import db
from advocacy.core.health import rate_limit_store_ok
from advocacy.core.organisation import User
from advocacy.core.web import service_unavailable
from advocacy.identity import mfa, services
from advocacy.identity.forms import PlainForm, SecondFactorCodeForm, SecondFactorConfirmForm
from advocacy.identity.guards import role_required
from advocacy.identity.models import hash_token
from advocacy.identity.passwords import password_matches
from advocacy.identity.sessions import begin_session, browser_tag, device_nonce

bp = Blueprint("mfa", __name__)

PENDING = "mfa_pending"  # password right, code not yet: {u: id, t: token hash, b: browser, at, r, n}
ENROL_FIRST = "mfa_enrol"  # signed in, but the organisation wants a factor before anything else
SECRET = "mfa_secret"  # the secret being enrolled, until a first code confirms it
# What a person who must enrol first may still reach.
ENROL_ALLOWED = {"mfa.setup", "auth.logout", "auth.set_language", "static", "health.healthz", "health.readyz"}


def _home(next_url: str | None = None) -> str:
    return services.safe_next_url(next_url) or url_for("main.index")


def after_password(user: User, remember: bool, next_url: str | None):
    """The password was right. With a factor: ask for the code (no session yet). Without one where
    the organisation requires it: a session that can only reach the enrolment page."""
    if mfa.factor_of(user) is not None:
        language = session.get("language")
        session.clear()
        if language:
            session["language"] = language
        session[PENDING] = {"u": user.id, "t": hash_token(user.session_token)[:16], "b": browser_tag(),
                            "at": utcnow().timestamp(), "r": bool(remember), "n": next_url or ""}
        return redirect(url_for("mfa.code"))
    if mfa.required_for(user):
        begin_session(user)  # not remembered: a new browser session would skip the enrolment
        session[ENROL_FIRST] = True
        flash(_("Your organisation asks admins and HR for a second factor. Set it up now."), "info")
        return redirect(url_for("mfa.setup"))
    begin_session(user, remember=remember)
    return redirect(_home(next_url))


def _pending_user() -> tuple[User | None, dict]:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or pending.get("b") != browser_tag() or mfa.pending_expired(pending.get("at", 0)):
        return None, {}
    user = db.session.get(User, pending.get("u"))
    if user is None or not user.is_active or hash_token(user.session_token)[:16] != pending.get("t"):
        return None, {}
    return user, pending


@bp.route("/login/code", methods=["GET", "POST"])
def code():
    user, pending = _pending_user()
    factor = mfa.factor_of(user) if user is not None else None
    if user is None or factor is None:
        session.pop(PENDING, None)
        flash(_("Your sign-in took too long or was ended. Log in again."), "info")
        return redirect(url_for("auth.login"))
    form = SecondFactorCodeForm()
    if form.validate_on_submit():
        if not rate_limit_store_ok():
            return service_unavailable(sign_in=True)
        device = device_nonce(user.id)
        if not services.take_address_attempt() or services.account_paused(user.email or "", device):
            return render_template("errors/429.html", login=True), 429
        if mfa.code_or_recovery_code(user, factor, form.code.data):
            begin_session(user, remember=bool(pending.get("r")))
            left = mfa.recovery_codes_left(user)
            if left < 3:
                flash(_("You have %(n)d recovery codes left. Make new ones on your second factor page.", n=left),
                      "info")
            return redirect(_home(pending.get("n")))
        services.record_failed_login(user.email or "", device)
        form.code.errors.append(_("That code is not right. Use the newest code from your app, or a recovery code."))
    return render_template("auth/second_factor_code.html", form=form)


@bp.before_app_request
def enrolment_first():
    if session.get(ENROL_FIRST) and request.endpoint not in ENROL_ALLOWED:
        if not current_user.is_authenticated:
            session.pop(ENROL_FIRST, None)
            return None
        return redirect(url_for("mfa.setup"))
    return None


# -- the person's own page ------------------------------------------------------------------------

@bp.route("/account/second-factor", methods=["GET", "POST"])
@login_required
def setup():
    user = current_user._get_current_object()
    factor = mfa.factor_of(user)
    if factor is not None:
        if request.method == "POST":
            return redirect(url_for("mfa.setup"))
        return render_template("auth/second_factor.html", factor=factor, form=SecondFactorConfirmForm(),
                               codes_left=mfa.recovery_codes_left(user), required=mfa.required_for(user))
    secret = session.get(SECRET)
    if not isinstance(secret, str) or len(secret) != 32:
        secret = session[SECRET] = mfa.new_secret()  # the session only: stored once confirmed
    form = SecondFactorCodeForm()
    if form.validate_on_submit():
        step = mfa.matching_step(secret, form.code.data)
        if step is not None:
            codes = mfa.turn_on(user, secret, step)
            session.pop(SECRET, None)
            session.pop(ENROL_FIRST, None)
            flash(_("Your second factor is on. From now on you sign in with a code from your app."), "success")
            return render_template("auth/recovery_codes.html", codes=codes)
        form.code.errors.append(_("That code is not right. Check the time on your phone and use the newest code."))
    return render_template("auth/second_factor.html", factor=None, form=form, secret=secret,
                           qr=mfa.qr_svg(user, secret), required=mfa.required_for(user)), 400 if form.errors else 200


def _proof_accepted(user: User, factor, form: SecondFactorConfirmForm):
    """None when the code or password is right; otherwise the response to give."""
    if not form.validate_on_submit():
        abort(400)
    device = device_nonce(user.id)
    if not services.take_address_attempt() or services.account_paused(user.email or "", device):
        return render_template("errors/429.html", login=True), 429
    proof = form.proof.data or ""
    if mfa.use_code(factor, proof) or (user.password_hash and password_matches(user.password_hash, proof)):
        return None
    services.record_failed_login(user.email or "", device)
    flash(_("That is neither a current code from your app nor your password."), "error")
    return redirect(url_for("mfa.setup"))


@bp.post("/account/second-factor/recovery-codes")
@login_required
def new_recovery_codes():
    user = current_user._get_current_object()
    factor = mfa.factor_of(user)
    if factor is None:
        return redirect(url_for("mfa.setup"))
    refused = _proof_accepted(user, factor, SecondFactorConfirmForm())
    if refused is not None:
        return refused
    return render_template("auth/recovery_codes.html", codes=mfa.regenerate_recovery_codes(user))


@bp.post("/account/second-factor/off")
@login_required
def turn_off():
    user = current_user._get_current_object()
    factor = mfa.factor_of(user)
    if factor is None:
        return redirect(url_for("mfa.setup"))
    if mfa.required_for(user):
        flash(_("Your organisation requires a second factor for your role: it stays on."), "error")
        return redirect(url_for("mfa.setup")), 403
    refused = _proof_accepted(user, factor, SecondFactorConfirmForm())
    if refused is not None:
        return refused
    mfa.turn_off(user, actor=user, reason="off")
    flash(_("Your second factor is off. You sign in with your password only."), "success")
    return redirect(url_for("mfa.setup"))


# -- the admin's reset ----------------------------------------------------------------------------

@bp.route("/admin/second-factor/<int:person_id>", methods=["GET", "POST"])
@role_required("admin")
def admin_reset(person_id):
    person = db.session.scalar(select(User).where(User.id == person_id, User.erased_at.is_(None)))
    if person is None:
        abort(404)
    own = person.id == current_user.id
    form = PlainForm()
    if form.validate_on_submit():
        if own:
            abort(403)  # an admin who lost their own phone asks another admin (README, break-glass)
        if mfa.turn_off(person, actor=current_user._get_current_object(), reason="reset"):
            flash(_("The second factor of %(name)s is reset. They set up a new one at their next sign-in.",
                    name=person.name), "success")
        return redirect(url_for("mfa.admin_reset", person_id=person.id))
    return render_template("auth/admin_second_factor.html", person=person, own=own, form=form,
                           factor=mfa.factor_of(person)), 400 if form.is_submitted() else 200

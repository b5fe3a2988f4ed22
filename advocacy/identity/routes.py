"""Log in and out, invitations, password resets and changes, language choice."""
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from advocacy.core import audit
from advocacy.core.extensions import limiter
from advocacy.core.health import rate_limit_store_ok
from advocacy.core.settings import organisation_settings
from advocacy.core.web import service_unavailable
from advocacy.identity import services
from advocacy.identity.forms import ChangePasswordForm, LanguageForm, LoginForm, NewPasswordForm, ResetRequestForm
from advocacy.identity.invitations import ask_for_reset_link
from advocacy.identity.mfa_routes import after_password
from advocacy.identity.passwords import HashingBusy, hashing_turn, password_matches, password_problem
from advocacy.identity.sessions import has_device_cookie, sign_in

bp = Blueprint("auth", __name__)


def home_url() -> str:
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(services.safe_next_url(request.args.get("next")) or home_url())
    if not rate_limit_store_ok():
        # Fail closed: without the shared counters a guesser would get a fresh allowance from
        # every worker on every host (README, "Operating").
        return service_unavailable(sign_in=True)
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        if not services.password_login_allowed(form.email.data):
            flash(_("Password sign-in is turned off here. Use the single sign-on button."), "error")
            return _login_page(form), 200
        # A hashing turn first (HashingBusy: busy_page): when every turn is taken the answer is
        # "try again" at once, before any lookup or count, so a storm of guesses costs the least.
        with hashing_turn(known_device=has_device_cookie()) as turn:
            # With a valid device cookie for this address, failures count against the cookie, not
            # the address: a stranger who pauses the address does not pause its owner (sessions.py).
            device = services.device_for(form.email.data)
            if turn.reserved and device is None:
                raise HashingBusy()  # the turn kept for owners' devices, but not this address's
            if not services.take_address_attempt() or services.account_paused(form.email.data, device):
                return render_template("errors/429.html", login=True), 429
            user = services.authenticate(form.email.data, form.password.data)
        if user is None or not services.password_login_allowed_for(user):
            services.record_failed_login(form.email.data, device)
            flash(_("That e-mail address and password do not match. Check both and try again."), "error")
            return _login_page(form), 200
        if not current_app.config["PASSWORD_LOGIN"]:
            audit.record("auth.break_glass_login", "password sign-in while PASSWORD_LOGIN=off",
                         subject_id=user.id, actor_id=user.id)
        return after_password(user, bool(form.remember.data), form.next.data)
    return _login_page(form)


@bp.app_errorhandler(HashingBusy)
def busy_page(_error=None):
    """Every hashing turn of this worker is taken (identity/passwords.py): a quick, clear answer
    instead of a queue that would hold every thread of the server."""
    response = make_response(render_template("errors/busy.html"), 503)
    response.headers["Retry-After"] = "2"
    return response


def _login_page(form: LoginForm):
    for_all = current_app.config["PASSWORD_LOGIN"]
    return render_template("auth/login.html", form=form, sso_options=services.sso_options(),
                           organisation_name=organisation_settings().name, password_login_for_all=for_all,
                           show_password_form=for_all or bool(request.values.get("break_glass")))


@bp.post("/logout")
@login_required
def logout():
    services.end_session(current_user)
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invitation(token):
    return _set_password_from_link(token, "invite")


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    return _set_password_from_link(token, "reset")


def _set_password_from_link(raw_token: str, purpose: str):
    link = services.find_valid_token(raw_token, purpose)
    if link is None:
        return render_template("auth/link_invalid.html", purpose=purpose), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        problem = password_problem(form.password.data, link.user.email)
        if problem:
            form.password.errors.append(problem)
        elif services.use_token(link):
            services.set_password(link.user, form.password.data)
            sign_in(link.user)
            flash(_("Your password is set. Welcome!"), "success")
            return redirect(home_url())
        else:  # another request used the link a moment ago
            return render_template("auth/link_invalid.html", purpose=purpose), 404
    return render_template("auth/set_password.html", form=form, purpose=purpose, person=link.user)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        ask_for_reset_link(form.email.data)  # a job, for a known address and an unknown one alike
        # The same answer whether or not the address exists: no one learns who has an account.
        flash(_("If that address belongs to an account, a link to set a new password is on its way. "
                "It works once, for one hour."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        problem = password_problem(form.password.data, current_user.email)
        if not password_matches(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("That is not your current password."))
        elif problem:
            form.password.errors.append(problem)
        else:
            services.set_password(current_user, form.password.data)
            # The token changed: sessions elsewhere end, this one continues under the new token.
            sign_in(current_user._get_current_object())
            flash(_("Your password is changed. Other devices are logged out."), "success")
            return redirect(home_url())
    return render_template("auth/change_password.html", form=form)


@bp.post("/language")
def set_language():
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    if current_user.is_authenticated:
        current_user.language = form.language.data
    session["language"] = form.language.data
    return redirect(services.safe_next_url(form.next.data) or home_url())

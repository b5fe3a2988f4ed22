"""Log in and out, invitations, password resets and changes, language choice."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from advocacy.core.db import db
from advocacy.core.extensions import limiter
from advocacy.core.mail import absolute_url, send_mail
from advocacy.identity import services
from advocacy.identity.forms import ChangePasswordForm, LanguageForm, LoginForm, NewPasswordForm, ResetRequestForm
from advocacy.identity.passwords import password_matches, password_problem

bp = Blueprint("auth", __name__)


def home_url() -> str:
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(services.safe_next_url(request.args.get("next")) or home_url())
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        if services.login_blocked(form.email.data):
            return render_template("errors/429.html", login=True), 429
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            services.record_failed_login(form.email.data)
            db.session.commit()
            flash(_("That e-mail address and password do not match. Check both and try again."), "error")
            return render_template("auth/login.html", form=form), 200
        login_user(user, remember=form.remember.data)
        db.session.commit()
        return redirect(services.safe_next_url(form.next.data) or home_url())
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    services.end_session(current_user)
    db.session.commit()
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
            db.session.commit()
            login_user(link.user)
            flash(_("Your password is set. Welcome!"), "success")
            return redirect(home_url())
        else:
            db.session.rollback()
            return render_template("auth/link_invalid.html", purpose=purpose), 404
    return render_template("auth/set_password.html", form=form, purpose=purpose, person=link.user)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = services.find_user_by_email(form.email.data)
        if user is not None and user.is_active:
            send_reset_link(user)
        db.session.commit()
        # The same answer whether or not the address exists: no one learns who has an account.
        flash(_("If that address belongs to an account, a link to set a new password is on its way. "
                "It works once, for one hour."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


def send_reset_link(user) -> None:
    raw = services.issue_token(user, "reset")
    link = absolute_url(url_for("auth.reset_password", token=raw))
    send_mail(user.email, _("Set a new password for Advocacy"),
              render_template("auth/mail_reset.txt", user=user, link=link))


def send_invitation(user) -> None:
    raw = services.issue_token(user, "invite")
    link = absolute_url(url_for("auth.accept_invitation", token=raw))
    send_mail(user.email, _("You are invited to Advocacy"),
              render_template("auth/mail_invite.txt", user=user, link=link,
                              hours=current_app.config["INVITATION_HOURS"]))


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
            db.session.commit()
            # The token changed: sessions elsewhere end, this one continues under the new token.
            login_user(current_user._get_current_object())
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
        db.session.commit()
    session["language"] = form.language.data
    return redirect(services.safe_next_url(form.next.data) or home_url())

"""Mail with a single-use link: an invitation to a new person, a link to set a new password.
The mail leaves after the commit that stored the link (core/mail.py)."""
from __future__ import annotations

from flask import current_app, render_template, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from advocacy.core.directory import find_user_by_email
from advocacy.core.i18n import LANGUAGES
from advocacy.core.jobs import enqueue, job
from advocacy.core.mail import absolute_url, send_mail
from advocacy.core.people_rules import normalise_email
from advocacy.identity.services import issue_token, password_login_allowed


def ask_for_reset_link(email: str) -> None:
    """Someone asked for a reset link for `email`. Known or unknown, the request does the same
    thing, putting one job on the queue, so its time tells nobody whether the address has an
    account; the job looks the address up and sends the link if there is one."""
    language = str(get_locale() or "en")
    enqueue("identity.reset_request", normalise_email(email)[:254], language if language in LANGUAGES else "en")


@job("identity.reset_request", retries=3, retry_delay=30)
def reset_request_job(email: str, language: str) -> None:
    user = find_user_by_email(email)
    if user is None or not user.is_active or not user.email or not password_login_allowed(user.email):
        return
    with force_locale(user.language or language):
        send_reset_link(user)


def send_reset_link(user) -> None:
    raw = issue_token(user, "reset")
    link = absolute_url(url_for("auth.reset_password", token=raw))
    send_mail(user.email, _("Set a new password for Advocacy"),
              render_template("auth/mail_reset.txt", user=user, link=link))


def send_invitation(user, new: bool = False) -> None:
    """new: the person was created in this transaction (no earlier link to stop)."""
    raw = issue_token(user, "invite", first=new)
    link = absolute_url(url_for("auth.accept_invitation", token=raw))
    send_mail(user.email, _("You are invited to Advocacy"),
              render_template("auth/mail_invite.txt", user=user, link=link,
                              hours=current_app.config["INVITATION_HOURS"]))


def invite_people(users) -> int:
    """An invitation for each of these new people, all in the caller's transaction."""
    for user in users:
        send_invitation(user, new=True)
    return len(users)

"""Mail with a single-use link: an invitation to a new person, a link to set a new password.
The mail leaves after the commit that stored the link (core/mail.py)."""
from __future__ import annotations

from flask import current_app, render_template, url_for
from flask_babel import gettext as _

from advocacy.core.mail import absolute_url, send_mail
from advocacy.identity.services import issue_token


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

"""/r/<code>: the public tracked link. Kept apart and lean: it is what the world clicks."""
from __future__ import annotations

from flask import current_app, g, request
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import escape
from werkzeug.utils import redirect

from advocacy.core.clock import utcnow
from advocacy.core.extensions import login_manager
from advocacy.core.transaction import writes_on_get
from advocacy.feed import tracking
from advocacy.feed.routes import bp

PLAIN_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title></head><body><main><h1>{title}</h1><p>{text}</p></main></body></html>
"""


def plain(title: str, text: str, status: int):
    """A page without the app around it: the visitor is anyone on the internet, not a user."""
    page = PLAIN_PAGE.format(lang=escape(str(get_locale())), title=escape(title), text=escape(text))
    return current_app.response_class(page, status=status, mimetype="text/html",
                                      headers={"Cache-Control": "no-store"})


def not_found():
    return plain(_("Link not found"), _("This link does not exist. Check that it was copied whole."), 404)


def gone():
    return plain(_("No longer available"),
                 _("This post is no longer available: the organisation that shared it has taken it down."), 410)


@bp.route("/r/<code>", methods=["GET"])  # Flask answers HEAD through this view too
@writes_on_get("a click is counted as the link is followed: that is what a tracked link is for")
def follow(code: str):
    """Count the click (not for bots, HEAD or a repeat within 24 hours) and redirect to the
    post's stored link with UTM parameters. Unknown code: 404; withdrawn post: 410 Gone."""
    # Nobody is logged in here: never load a user or a session, even when a cookie comes along.
    g._login_user = login_manager.anonymous_user()
    if not tracking.looks_like_code(code):
        return not_found()
    target = tracking.find_target(code)
    if target is None:
        return not_found()
    if tracking.is_gone(target):
        return gone()
    user_agent = request.headers.get("User-Agent", "")
    if request.method == "GET" and not tracking.is_bot(user_agent):
        tracking.count_click(target.link_id, current_app.config["SECRET_KEY"], request.remote_addr or "",
                             user_agent, utcnow())
    response = redirect(tracking.redirect_url(target.approved_link, target.network, target.approved_slug), 302)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response

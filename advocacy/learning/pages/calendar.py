"""Calendar files: a person's secret subscription address (no session needed), the same feed as a
download on Learn, and the page that makes, renews and explains the address."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template
from flask_babel import force_locale
from flask_login import current_user, login_required

from advocacy.core.clock import utcnow
from advocacy.core.i18n import LANGUAGES, REFERENCE_LANGUAGE
from advocacy.learning.services.calendar import (
    address_made_at,
    own_feed,
    person_for_token,
    renew_address,
    subscription_url,
)

bp = Blueprint("calendar", __name__)


def ics_response(body: bytes, filename: str, *, download: bool) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'{"attachment" if download else "inline"}; filename="{filename}"'
    # The address is the secret: no shared cache may keep the answer.
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/calendar/<token>.ics")
def subscription(token):
    """What calendar apps fetch, without cookies: only this person's dates, in their language.
    Unknown, renewed or a leaver's: 404 (nothing says which)."""
    person = person_for_token(token)
    if person is None:
        abort(404)
    with force_locale(person.language if person.language in LANGUAGES else REFERENCE_LANGUAGE):
        body = own_feed(person, utcnow())
    return ics_response(body, "training.ics", download=False)


@bp.get("/learn/calendar.ics")
@login_required
def download():
    return ics_response(own_feed(current_user, utcnow()), "training.ics", download=True)


@bp.get("/learn/calendar")
@login_required
def page():
    return render_template("courses/calendar.html", made_at=address_made_at(current_user.id), address=None)


@bp.post("/learn/calendar")
@login_required
def renew():
    """A new address, shown on this answer only (only its hash is kept); the old one stops working."""
    raw = renew_address(current_user)
    return render_template("courses/calendar.html", made_at=address_made_at(current_user.id),
                           address=subscription_url(raw))

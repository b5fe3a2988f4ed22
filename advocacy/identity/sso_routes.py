"""Single sign-on pages: off to the identity provider, and back."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user

from advocacy.core import audit
from advocacy.core.extensions import csrf
from advocacy.core.transaction import writes_on_get
from advocacy.identity import oidc, saml
from advocacy.identity.services import safe_next_url
from advocacy.identity.sessions import begin_session
from advocacy.identity.sso import SignInRefused, sign_in_from_idp

bp = Blueprint("sso", __name__, url_prefix="/auth")
_NEXT = "sso_next"


def public_url(endpoint: str) -> str:
    """The address the provider knows this app by (PUBLIC_URL), not the one this request came in on."""
    return current_app.config["PUBLIC_URL"] + url_for(endpoint)


def refused(refusal: SignInRefused, protocol: str):
    """The error page naming the problem; nothing the request did is kept, but the log says so."""
    audit.record_refusal("sso.refused", f"{protocol}: {refusal.reason}: {refusal.detail}"[:2000])
    status = 403 if refusal.reason in ("no-account", "inactive", "linked-elsewhere", "unverified-email") else 400
    return render_template("auth/sso_refused.html", refusal=refusal), status


def signed_in(user):
    target = session.pop(_NEXT, None)
    begin_session(user)
    return redirect(safe_next_url(target) or url_for("main.index"))


def remember_next() -> None:
    target = safe_next_url(request.args.get("next"))
    if target:
        session[_NEXT] = target
    else:
        session.pop(_NEXT, None)


@bp.get("/oidc/login")
def oidc_login():
    if current_user.is_authenticated:
        return redirect(safe_next_url(request.args.get("next")) or url_for("main.index"))
    remember_next()
    try:
        return oidc.start_sign_in(public_url("sso.oidc_callback"))
    except SignInRefused as refusal:
        return refused(refusal, "oidc")


@bp.get("/oidc/callback")
@writes_on_get("the provider sends people back with a GET; the sign-in links and updates the person")
def oidc_callback():
    try:
        user = sign_in_from_idp(oidc.finish_sign_in())
    except SignInRefused as refusal:
        return refused(refusal, "oidc")
    return signed_in(user)


@bp.get("/saml/metadata")
def saml_metadata():
    """This app as a SAML service provider, for the identity provider's administrator."""
    if not current_app.config.get("SAML_SP_ENTITY_ID"):
        abort(404)
    response = make_response(saml.metadata_xml())
    response.headers["Content-Type"] = "application/samlmetadata+xml"
    response.headers["Content-Disposition"] = 'inline; filename="advocacy-saml-metadata.xml"'
    return response


@bp.get("/saml/login")
def saml_login():
    if current_user.is_authenticated:
        return redirect(safe_next_url(request.args.get("next")) or url_for("main.index"))
    try:
        url, request_id = saml.start_sign_in()
    except SignInRefused as refusal:
        return refused(refusal, "saml")
    response = redirect(url)
    response.set_cookie(**saml.request_cookie(request_id, safe_next_url(request.args.get("next"))))
    return response


@bp.post("/saml/acs")
@csrf.exempt  # the provider's page posts here; the assertion's signature is the proof, not a CSRF token
def saml_acs():
    try:
        claims, target = saml.finish_sign_in(request.form, request.cookies.get(saml.REQUEST_COOKIE))
        user = sign_in_from_idp(claims)
    except SignInRefused as refusal:
        response = make_response(refused(refusal, "saml"))
    else:
        begin_session(user)
        response = redirect(safe_next_url(target) or url_for("main.index"))
    response.delete_cookie(saml.REQUEST_COOKIE, path=url_for("sso.saml_acs"))
    return response

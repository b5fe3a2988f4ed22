"""SAML 2.0 sign-in with OneLogin's python3-saml: SP-initiated, HTTP-Redirect out, HTTP-POST back.

The identity provider is known by its metadata (SAML_IDP_METADATA_URL or _FILE): entity id, sign-in
address and signing certificates, fetched at the first sign-in and kept for an hour. An answer signs
someone in only when its assertion is signed by one of those certificates, is meant for this app
(audience = SAML_SP_ENTITY_ID; destination and recipient = the ACS address under PUBLIC_URL), is
within its validity, answers the request this browser started, and its assertion id was never seen
before (UsedSsoValue, kind 'assertion').

The request id travels in a signed cookie of its own rather than in the session: the answer arrives
as a cross-site POST from the provider's page, on which browsers do not send the SameSite=Lax
session cookie. On HTTPS the cookie is SameSite=None; Secure, and is read once.
"""
from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import requests
from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from onelogin.saml2.auth import OneLogin_Saml2_Auth
from onelogin.saml2.constants import OneLogin_Saml2_Constants as Saml
from onelogin.saml2.errors import OneLogin_Saml2_Error
from onelogin.saml2.errors import OneLogin_Saml2_ValidationError as Invalid
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser
from onelogin.saml2.response import OneLogin_Saml2_Response
from onelogin.saml2.settings import OneLogin_Saml2_Settings

from advocacy.core.clock import utcnow
from advocacy.identity.sso import IdpClaims, SignInRefused, directory_claims, first_value, use_once

_EXTENSION = "advocacy.saml"
# The identity provider's metadata is fetched again after this long (certificate rollover), or
# after a few minutes when an answer's signature does not match the certificates it names.
METADATA_KEPT_SECONDS = 3600
METADATA_RECHECK_SECONDS = 300
# How long a started sign-in may take at the provider (its own page, a second factor).
REQUEST_VALID_FOR = timedelta(minutes=30)
REQUEST_COOKIE = "advocacy_saml_request"
# An assertion id is remembered this long when the assertion names no end of validity.
ASSERTION_REMEMBERED = timedelta(days=1)
# Where SAML answers commonly carry the e-mail address when it is not an attribute called "email".
EMAIL_ATTRIBUTES = ("email", "mail", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress")
NAME_ATTRIBUTES = ("name", "displayName", "http://schemas.microsoft.com/identity/claims/displayname")

_REASONS = {
    Invalid.ASSERTION_EXPIRED: "expired", Invalid.RESPONSE_EXPIRED: "expired", Invalid.SESSION_EXPIRED: "expired",
    Invalid.ASSERTION_TOO_EARLY: "expired",
    Invalid.WRONG_AUDIENCE: "wrong-audience", Invalid.WRONG_DESTINATION: "wrong-audience",
    Invalid.EMPTY_DESTINATION: "wrong-audience", Invalid.WRONG_SUBJECTCONFIRMATION: "wrong-audience",
    Invalid.WRONG_ISSUER: "unknown-issuer", Invalid.ISSUER_MULTIPLE_IN_RESPONSE: "unknown-issuer",
    Invalid.ISSUER_NOT_FOUND_IN_ASSERTION: "unknown-issuer",
    Invalid.NO_SIGNED_ASSERTION: "unsigned", Invalid.NO_SIGNATURE_FOUND: "unsigned",
    Invalid.NO_SIGNED_MESSAGE: "unsigned",
    Invalid.INVALID_SIGNATURE: "bad-signature", Invalid.WRONG_SIGNED_ELEMENT: "bad-signature",
    Invalid.ID_NOT_FOUND_IN_SIGNED_ELEMENT: "bad-signature", Invalid.INVALID_SIGNED_ELEMENT: "bad-signature",
    Invalid.DUPLICATED_ID_IN_SIGNED_ELEMENTS: "bad-signature",
    Invalid.DUPLICATED_REFERENCE_IN_SIGNED_ELEMENTS: "bad-signature",
    Invalid.UNEXPECTED_SIGNED_ELEMENTS: "bad-signature", Invalid.WRONG_NUMBER_OF_SIGNATURES: "bad-signature",
    Invalid.WRONG_NUMBER_OF_SIGNATURES_IN_RESPONSE: "bad-signature",
    Invalid.WRONG_NUMBER_OF_SIGNATURES_IN_ASSERTION: "bad-signature",
    Invalid.DEPRECATED_SIGNATURE_METHOD: "bad-signature", Invalid.DEPRECATED_DIGEST_METHOD: "bad-signature",
    Invalid.WRONG_INRESPONSETO: "replayed",
    Invalid.STATUS_CODE_IS_NOT_SUCCESS: "provider-error",
}


def is_configured(app=None) -> bool:
    cfg = (app or current_app).config
    return bool((cfg.get("SAML_IDP_METADATA_URL") or cfg.get("SAML_IDP_METADATA_FILE"))
                and cfg.get("SAML_SP_ENTITY_ID"))


def acs_url() -> str:
    return current_app.config["PUBLIC_URL"] + url_for("sso.saml_acs")


def _sp_settings() -> dict:
    return {
        "strict": True,
        "debug": False,
        "sp": {
            "entityId": current_app.config["SAML_SP_ENTITY_ID"],
            "assertionConsumerService": {"url": acs_url(), "binding": Saml.BINDING_HTTP_POST},
            # The provider sends the NameID it is set up for (Entra ID: the UPN or mail; Okta: the e-mail).
            "NameIDFormat": Saml.NAMEID_UNSPECIFIED,
            "x509cert": "",
            "privateKey": "",
        },
        "security": {
            "authnRequestsSigned": False,
            "wantAssertionsSigned": True,
            "wantMessagesSigned": False,  # Entra ID signs only the assertion by default
            "wantAssertionsEncrypted": False,
            "wantNameId": True,
            "wantAttributeStatement": False,
            "requestedAuthnContext": False,  # whatever the provider's policy asks (MFA, passkeys) is fine
            "rejectDeprecatedAlgorithm": True,  # no SHA-1
            "signatureAlgorithm": Saml.RSA_SHA256,
            "digestAlgorithm": Saml.SHA256,
            "allowRepeatAttributeName": True,
        },
    }


def metadata_xml() -> bytes:
    """This app's SP metadata: entity id, ACS (HTTP-POST), signed assertions wanted."""
    settings = OneLogin_Saml2_Settings(_sp_settings(), sp_validation_only=True)
    xml = settings.get_sp_metadata()
    return xml if isinstance(xml, bytes) else xml.encode()


# -- the identity provider ------------------------------------------------------------------------

def _idp(recheck: bool = False) -> dict:
    """The provider's entity id, sign-in URL and certificates, from its metadata. `recheck` reads it
    again if it is older than a few minutes (a forged answer cannot make every POST fetch it)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    kept = app.extensions.get(_EXTENSION)
    if kept and time.monotonic() - kept[0] < (METADATA_RECHECK_SECONDS if recheck else METADATA_KEPT_SECONDS):
        return kept[1]
    cfg = app.config
    try:
        if cfg["SAML_IDP_METADATA_FILE"]:
            xml = Path(cfg["SAML_IDP_METADATA_FILE"]).read_bytes()
        else:
            answer = requests.get(cfg["SAML_IDP_METADATA_URL"], timeout=10)
            answer.raise_for_status()
            xml = answer.content
        parsed = OneLogin_Saml2_IdPMetadataParser.parse(xml)
    except (OSError, requests.RequestException) as error:
        raise SignInRefused("unreachable", f"metadata: {type(error).__name__}") from error
    except Exception as error:  # lxml and the parser raise many kinds for a document that is not metadata
        raise SignInRefused("unreachable", f"metadata unreadable: {type(error).__name__}") from error
    idp = parsed.get("idp") or {}
    if not idp.get("entityId") or not idp.get("singleSignOnService", {}).get("url") or not (
            idp.get("x509cert") or idp.get("x509certMulti")):
        raise SignInRefused("unreachable", "metadata names no entity, sign-in address or certificate")
    app.extensions[_EXTENSION] = (time.monotonic(), idp)
    return idp


def _settings(idp: dict) -> OneLogin_Saml2_Settings:
    return OneLogin_Saml2_Settings({**_sp_settings(), "idp": idp})


def _request_data(url: str, form: dict | None = None) -> dict:
    """The request as python3-saml wants it, on the public address (PUBLIC_URL): the destination and
    recipient an answer names are checked against it, not against a proxy's inner address."""
    parts = urlsplit(url)
    return {"https": "on" if parts.scheme == "https" else "off", "http_host": parts.netloc,
            "script_name": parts.path, "get_data": {}, "post_data": form or {}}


# -- the pending request, in a cookie of its own --------------------------------------------------

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="advocacy.saml.request")


def request_cookie(request_id: str, next_url: str | None) -> dict:
    """Arguments for `response.set_cookie` remembering the sign-in this browser started."""
    https = current_app.config["PUBLIC_URL"].startswith("https://")
    return {"key": REQUEST_COOKIE, "value": _serializer().dumps({"id": request_id, "next": next_url or ""}),
            "max_age": int(REQUEST_VALID_FOR.total_seconds()), "path": url_for("sso.saml_acs"), "httponly": True,
            "secure": https, "samesite": "None" if https else "Lax"}


def _pending(cookie: str | None) -> dict:
    if not cookie:
        raise SignInRefused("replayed", "no sign-in was started in this browser")
    try:
        pending = _serializer().loads(cookie, max_age=int(REQUEST_VALID_FOR.total_seconds()))
    except BadSignature as error:  # expired is a kind of bad signature
        raise SignInRefused("replayed", f"request cookie: {type(error).__name__}") from error
    if not isinstance(pending, dict) or not pending.get("id"):
        raise SignInRefused("replayed", "request cookie without an id")
    return pending


# -- out and back ---------------------------------------------------------------------------------

def start_sign_in() -> tuple[str, str]:
    """The provider's sign-in URL with our AuthnRequest, and that request's id."""
    if not is_configured():
        raise SignInRefused("not-configured")
    settings = _settings(_idp())
    auth = OneLogin_Saml2_Auth(_request_data(acs_url()), old_settings=settings)
    url = auth.login(return_to=current_app.config["PUBLIC_URL"] + "/")
    return url, auth.get_last_request_id()


def finish_sign_in(form, cookie: str | None) -> tuple[IdpClaims, str | None]:
    """The checked claims of the person the provider's POST names, and the page they asked for;
    SignInRefused otherwise."""
    if not is_configured():
        raise SignInRefused("not-configured")
    encoded = form.get("SAMLResponse", "")
    if not encoded or len(encoded) > 1_000_000:
        raise SignInRefused("invalid", "no SAMLResponse")
    pending = _pending(cookie)
    response = _checked(encoded, pending["id"], _request_data(acs_url(), dict(form)))
    assertion_id = response.get_assertion_id()
    issuer = _idp()["entityId"]
    if not use_once("assertion", f"{issuer} {assertion_id}", _remember_for(response)):
        raise SignInRefused("replayed", f"assertion {assertion_id[:100]} used before")
    return _claims(response, issuer), pending.get("next") or None


def _checked(encoded: str, request_id: str, request_data: dict) -> OneLogin_Saml2_Response:
    for recheck in (False, True):
        try:
            response = OneLogin_Saml2_Response(_settings(_idp(recheck)), encoded)
        except Exception as error:  # not base64, not XML, not a Response: the toolkit says so many ways
            raise SignInRefused("invalid", f"unreadable: {type(error).__name__}") from error
        if response.get_in_response_to() != request_id:
            raise SignInRefused("replayed", "answers no request this browser started")
        try:
            response.is_valid(request_data, request_id, raise_exceptions=True)
            return response
        except Invalid as error:
            reason = _REASONS.get(error.code, "invalid")
            if reason == "bad-signature" and not recheck:
                continue  # the provider may have rolled its certificate: read its metadata again, once
            raise SignInRefused(reason, f"{error.code}: {error}"[:300]) from error
        except OneLogin_Saml2_Error as error:
            raise SignInRefused("invalid", f"{error.code}: {error}"[:300]) from error
    raise AssertionError("unreachable")  # pragma: no cover


def _remember_for(response: OneLogin_Saml2_Response) -> timedelta:
    """Until the assertion stops being valid anyway (with the toolkit's allowed clock drift)."""
    ends = response.get_assertion_not_on_or_after()
    if not ends:
        return ASSERTION_REMEMBERED
    left = datetime.fromtimestamp(ends, UTC) - utcnow()
    return max(left, timedelta(0)) + timedelta(seconds=Saml.ALLOWED_CLOCK_DRIFT)


def _claims(response: OneLogin_Saml2_Response, issuer: str) -> IdpClaims:
    attributes = response.get_attributes()
    subject = response.get_nameid()
    email = next((first_value(attributes.get(name)) for name in EMAIL_ATTRIBUTES if attributes.get(name)), None)
    if email is None and "@" in (subject or ""):
        email = subject  # an emailAddress NameID, or a UPN that is the address
    department, manager_email = directory_claims(attributes)
    # The provider is the organisation's own directory and signed this: its addresses are its own.
    return IdpClaims(protocol="saml", issuer=issuer, subject=str(subject), email=email, email_verified=True,
                     name=next((first_value(attributes.get(n)) for n in NAME_ATTRIBUTES if attributes.get(n)), None),
                     department=department, manager_email=manager_email)

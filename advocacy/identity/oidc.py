"""OpenID Connect sign-in with Authlib: the authorization code flow with PKCE (S256), state and
nonce. The provider is found by discovery from OIDC_ISSUER; its ID token is checked for signature
(the provider's published keys), issuer, audience, expiry and nonce before anyone is signed in.

The state lives in the person's session (Authlib's way) and, once used, in UsedSsoValue, so a
callback replayed with an old cookie is refused before the provider is asked anything.
"""
from __future__ import annotations

from datetime import timedelta

import requests
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, request, session
from joserfc.errors import BadSignatureError, ClaimError, DecodeError, ExpiredTokenError, InvalidKeyIdError, JoseError

from advocacy.identity.sso import IdpClaims, SignInRefused, directory_claims, first_value, use_once

_EXTENSION = "advocacy.oidc"
CLIENT_NAME = "oidc"
STATE_VALID_FOR = timedelta(hours=1)
# The clock difference allowed between the provider and this server when checking exp and iat.
LEEWAY_SECONDS = 60


def is_configured(app: Flask | None = None) -> bool:
    return bool((app or current_app).config.get("OIDC_ISSUER"))


def init_app(app: Flask) -> None:
    """One Authlib registry per app (tests run several apps, each with its own provider). Nothing is
    fetched here: discovery happens at the first sign-in."""
    if not is_configured(app):
        return
    cfg = app.config
    oauth = OAuth(app)
    oauth.register(
        CLIENT_NAME,
        client_id=cfg["OIDC_CLIENT_ID"],
        client_secret=cfg["OIDC_CLIENT_SECRET"],
        server_metadata_url=cfg["OIDC_ISSUER"].rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": cfg["OIDC_SCOPES"], "code_challenge_method": "S256", "timeout": 10},
    )
    app.extensions[_EXTENSION] = oauth


def _client():
    oauth = current_app.extensions.get(_EXTENSION)
    if oauth is None:
        raise SignInRefused("not-configured")
    return oauth.create_client(CLIENT_NAME)


def _checked_metadata(client) -> dict:
    """The discovery document, which must name the configured issuer exactly (OpenID Discovery 4.3)."""
    try:
        metadata = client.load_server_metadata()
    except (requests.RequestException, ValueError) as error:
        raise SignInRefused("unreachable", type(error).__name__) from error
    if metadata.get("issuer") != current_app.config["OIDC_ISSUER"]:
        raise SignInRefused("unknown-issuer", f"discovery names {metadata.get('issuer')!r}")
    return metadata


def start_sign_in(redirect_uri: str):
    """The redirect to the provider's sign-in page."""
    client = _client()
    _checked_metadata(client)
    return client.authorize_redirect(redirect_uri)


def finish_sign_in() -> IdpClaims:
    """The checked claims of the person the provider sent back; SignInRefused otherwise."""
    client = _client()
    if request.args.get("error"):
        raise SignInRefused("provider-error", request.args["error"][:100])
    state = request.args.get("state", "")
    if not state or client.framework.get_state_data(session, state) is None:
        raise SignInRefused("replayed", "state unknown to this session")
    sent_by = request.args.get("iss")  # RFC 9207: the provider names itself on the way back
    if sent_by is not None and sent_by != current_app.config["OIDC_ISSUER"]:
        raise SignInRefused("unknown-issuer", f"callback from {sent_by!r}")
    _checked_metadata(client)
    if not use_once("state", state, STATE_VALID_FOR):
        raise SignInRefused("replayed", "state used before")
    token = _exchange(client)
    claims = token.get("userinfo")
    if not claims or not claims.get("sub"):
        raise SignInRefused("invalid", "no ID token")
    return _claims(dict(claims))


def _exchange(client) -> dict:
    try:
        return client.authorize_access_token(leeway=LEEWAY_SECONDS)
    except MismatchingStateError as error:
        raise SignInRefused("replayed", "state mismatch") from error
    except OAuthError as error:  # the token endpoint refused (a code used twice: invalid_grant)
        raise SignInRefused("provider-error", str(error.error)[:100]) from error
    except ExpiredTokenError as error:
        raise SignInRefused("expired", "exp") from error
    except ClaimError as error:
        raise _claim_refusal(error.claim) from error
    except (BadSignatureError, InvalidKeyIdError) as error:
        raise SignInRefused("bad-signature", type(error).__name__) from error
    except (DecodeError, JoseError) as error:
        raise SignInRefused("invalid", type(error).__name__) from error
    except requests.RequestException as error:
        raise SignInRefused("unreachable", type(error).__name__) from error


def _claim_refusal(claim: str) -> SignInRefused:
    reason = {"iss": "unknown-issuer", "aud": "wrong-audience", "azp": "wrong-audience", "exp": "expired",
              "nonce": "replayed"}.get(claim, "invalid")
    return SignInRefused(reason, f"claim {claim}")


def _claims(claims: dict) -> IdpClaims:
    verified = claims.get("email_verified")
    if verified is None:
        verified = current_app.config["OIDC_TRUST_EMAIL"]
    department, manager_email = directory_claims(claims)
    return IdpClaims(protocol="oidc", issuer=str(claims["iss"]), subject=str(claims["sub"]),
                     email=first_value(claims.get("email")), email_verified=verified is True or verified == "true",
                     name=first_value(claims.get("name")), department=department, manager_email=manager_email)

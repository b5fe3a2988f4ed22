"""An app configured for single sign-on against the real peers (peers/README.md), started once for
the folder: the OpenID provider and the SAML identity provider. The `db`, `client` and people
fixtures of tests/conftest.py then use this app."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from advocacy import create_app
from advocacy.core.db import db as _db
from peers.fixtures import start_peer, start_session_peer  # noqa: F401

from ..conftest import Client, database_url, make_config

PUBLIC_URL = "http://advocacy.test"
OIDC_REDIRECT_URI = PUBLIC_URL + "/auth/oidc/callback"
SAML_ACS_URL = PUBLIC_URL + "/auth/saml/acs"
SAML_SP_ENTITY_ID = PUBLIC_URL + "/auth/saml/metadata"


@pytest.fixture(scope="session")
def provider(start_session_peer):  # noqa: F811
    return start_session_peer.oidc(OIDC_REDIRECT_URI)


@pytest.fixture
def normal_provider(provider):
    """The provider, back to normal after a test that made it misbehave."""
    yield provider
    provider.set_mode("normal")


@pytest.fixture(scope="session")
def idp(start_session_peer):  # noqa: F811
    return start_session_peer.saml_idp(SAML_ACS_URL, SAML_SP_ENTITY_ID)


@pytest.fixture
def normal_idp(idp):
    """The SAML identity provider, back to normal after a test that made it misbehave."""
    yield idp
    idp.set_mode("normal")


@pytest.fixture(scope="session")
def sso_config(provider, idp) -> dict:
    return {"PUBLIC_URL": PUBLIC_URL, "OIDC_ISSUER": provider.issuer, "OIDC_CLIENT_ID": provider.client_id,
            "OIDC_CLIENT_SECRET": provider.client_secret, "SSO_JIT": True,
            "SAML_IDP_METADATA_URL": idp.metadata_url, "SAML_SP_ENTITY_ID": SAML_SP_ENTITY_ID}


@pytest.fixture(scope="session")
def app(tmp_path_factory, sso_config):
    app = create_app(make_config(database_url(tmp_path_factory), **sso_config))
    app.test_client_class = Client
    with app.app_context():
        _db.drop_all()
        _db.create_all()
    return app


def local_path(url: str) -> str:
    """The path and query of an absolute URL on PUBLIC_URL, as the test client wants it."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == PUBLIC_URL, url
    return parts.path + ("?" + parts.query if parts.query else "")


def oidc_callback_url(client, provider, account: str = "alice", next_url: str | None = None) -> str:
    """Start at the app's button, sign in at the provider, and return where it sends the browser."""
    start = client.get("/auth/oidc/login" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302, start.get_data(as_text=True)
    assert start.headers["Location"].startswith(provider.issuer)
    return provider.sign_in(start.headers["Location"], account)


def oidc_sign_in(client, provider, account: str = "alice", next_url: str | None = None):
    return client.get(local_path(oidc_callback_url(client, provider, account, next_url)))


def saml_answer(client, idp, account: str = "alice", next_url: str | None = None):
    """Start at the app's SAML button, sign in at the identity provider, and return its answer."""
    start = client.get("/auth/saml/login" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302, start.get_data(as_text=True)
    assert start.headers["Location"].startswith(idp.sso_url)
    return idp.sign_in(start.headers["Location"], account)


def saml_sign_in(client, idp, account: str = "alice", next_url: str | None = None):
    answer = saml_answer(client, idp, account, next_url)
    return client.post(local_path(answer.acs_url), data=answer.form)

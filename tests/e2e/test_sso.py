"""Single sign-on in a real browser: a new colleague signs in through the organisation's OpenID
provider and through its SAML identity provider (the real peers, peers/README.md), and lands on
Learn with the department the provider sent.

These tests run a server of their own: the peers must know the app's callback and ACS addresses at
start, so the port is chosen first, the peers started on it, then the server."""
from __future__ import annotations

import re
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.liveserver import Server, base_env, free_port, prepare_database
from peers.fixtures import start_session_peer  # noqa: F401

from .conftest import DESKTOP, PHONE, RESULTS, OffsiteGuard

pytestmark = [pytest.mark.e2e, pytest.mark.peers]


@dataclass
class SsoApp:
    url: str
    database: Path
    provider: object
    idp: object

    def department_of(self, email: str) -> str | None:
        with sqlite3.connect(self.database) as connection:
            row = connection.execute('SELECT d.name FROM "user" u LEFT JOIN department d ON d.id = u.department_id '
                                     "WHERE u.email = ?", (email,)).fetchone()
        assert row is not None, f"nobody with the address {email}"
        return row[0]


@pytest.fixture(scope="module")
def sso_app(tmp_path_factory, start_session_peer) -> SsoApp:  # noqa: F811
    url = f"http://127.0.0.1:{free_port()}"
    provider = start_session_peer.oidc(url + "/auth/oidc/callback")
    idp = start_session_peer.saml_idp(url + "/auth/saml/acs", url + "/auth/saml/metadata")
    workdir = tmp_path_factory.mktemp("e2e-sso")
    database = workdir / "sso.sqlite3"
    env = base_env("sqlite:///" + str(database), PUBLIC_URL=url, SSO_JIT="on",
                   OIDC_ISSUER=provider.issuer, OIDC_CLIENT_ID=provider.client_id,
                   OIDC_CLIENT_SECRET=provider.client_secret,
                   SAML_IDP_METADATA_URL=idp.metadata_url, SAML_SP_ENTITY_ID=url + "/auth/saml/metadata")
    prepare_database(env, password=secrets.token_urlsafe(12))
    RESULTS.mkdir(exist_ok=True)
    server = Server(env, port=int(url.rsplit(":", 1)[1]), workers=1, threads=4,
                    log_path=RESULTS / "e2e-sso-server.log").start()
    try:
        yield SsoApp(url, database, provider, idp)
    finally:
        server.stop()


class PeerTolerantGuard(OffsiteGuard):
    """Refuses every request off 127.0.0.1, and fails the test for all but those the test IdP's own
    stylesheet makes (saml-idp's CSS imports a web font): the app's pages must never leave."""

    def __init__(self, peer_url: str):
        super().__init__()
        self.peer_url, self.from_peer = peer_url, []

    def __call__(self, route):
        referer = route.request.headers.get("referer", "")
        before = len(self.offsite)
        super().__call__(route)
        if len(self.offsite) > before and referer.startswith(self.peer_url + "/"):
            self.from_peer.append(self.offsite.pop())


@pytest.fixture
def sso_page(browser, sso_app):
    """A page in a fresh context on the SSO server; every request must stay on 127.0.0.1."""
    contexts, guard = [], PeerTolerantGuard(sso_app.idp.url)

    def _open(viewport: dict):
        phone = viewport is PHONE
        context = browser.new_context(base_url=sso_app.url, viewport=viewport, is_mobile=phone, has_touch=phone,
                                      locale="en-GB")
        context.route("**/*", guard)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()
    assert not guard.offsite, f"requests left 127.0.0.1: {guard.offsite}"


def start_at_the_login_page(page, label: str) -> None:
    page.goto("/login")
    page.get_by_role("link", name=re.compile(rf"^Sign in with .+ \({label}\)$")).click()


def assert_on_learn(page, sso_app) -> None:
    page.wait_for_url(sso_app.url + "/home")
    assert page.get_by_role("link", name="Learn").first.is_visible()
    assert page.get_by_role("button", name="Log out").is_visible()


def test_a_new_colleague_signs_in_with_openid_connect_and_lands_on_learn(sso_page, sso_app):
    page = sso_page(PHONE)
    start_at_the_login_page(page, "OpenID Connect")
    page.wait_for_url(sso_app.provider.issuer + "/interaction/**")
    page.get_by_label("Account").select_option("alice")
    page.get_by_role("button", name="Sign in").click()
    assert_on_learn(page, sso_app)
    assert sso_app.department_of("alice@example.com") == "Sales"


def test_a_new_colleague_signs_in_with_saml_and_lands_on_learn(sso_page, sso_app):
    page = sso_page(DESKTOP)
    start_at_the_login_page(page, "SAML")
    page.wait_for_url(sso_app.idp.url + "/**")
    # The test IdP's page is a profile form: the person it asserts, attribute by attribute.
    page.locator("#userName").fill("carol@example.com")
    page.locator("#email").fill("carol@example.com")
    page.locator("#name").fill("Carol Claes")
    page.locator("#department").fill("Marketing")
    page.locator("#manager_email").fill("")
    page.locator("#btn-sign-in").click()
    assert_on_learn(page, sso_app)
    assert sso_app.department_of("carol@example.com") == "Marketing"

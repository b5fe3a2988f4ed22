"""OpenID Connect sign-in against the real provider: the whole code flow with PKCE, state and
nonce, and every kind of forged or stale answer refused with a page that names the problem."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from advocacy.core.audit import AuditEntry
from advocacy.core.organisation import User
from advocacy.identity.models import IdentityLink

from ..factories import create_user
from .conftest import PUBLIC_URL, local_path, oidc_callback_url, oidc_sign_in

pytestmark = pytest.mark.peers


def counts(db) -> tuple[int, int]:
    return (db.session.scalar(select(func.count()).select_from(User)),
            db.session.scalar(select(func.count()).select_from(IdentityLink)))


def refusals(db) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "sso.refused")))


def test_the_authorization_request_uses_pkce_state_and_nonce(client, provider):
    start = client.get("/auth/oidc/login")
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["state"][0] and query["nonce"][0]
    assert query["redirect_uri"] == [PUBLIC_URL + "/auth/oidc/callback"]


def test_a_new_colleague_signs_in_and_lands_on_learn_with_department_and_manager(db, client, provider):
    bob = create_user("bob@example.com", "Bob Boss")
    db.session.commit()
    response = oidc_sign_in(client, provider, "alice")
    assert response.status_code == 302
    landing = client.get(response.headers["Location"], follow_redirects=True)
    assert landing.status_code == 200 and landing.request.path == "/home"
    assert "Learn" in landing.get_data(as_text=True)
    alice = db.session.scalar(select(User).where(User.email == "alice@example.com"))
    assert alice.department.name == "Sales" and alice.manager_id == bob.id
    link = db.session.scalar(select(IdentityLink).where(IdentityLink.user_id == alice.id))
    assert (link.issuer, link.subject, link.protocol) == (provider.issuer, "alice", "oidc")
    actions = set(db.session.scalars(select(AuditEntry.action).where(AuditEntry.subject_id == alice.id)))
    assert {"sso.account_created", "sso.linked", "sso.sign_in"} <= actions


def test_the_next_page_is_kept_through_the_provider(db, client, provider):
    response = oidc_sign_in(client, provider, "dana", next_url="/account/password")
    assert response.headers["Location"] == "/account/password"


def test_an_existing_person_is_matched_by_address_then_by_subject(db, client, app, provider):
    person = create_user("alice@example.com", "Alice Existing")
    db.session.commit()
    assert oidc_sign_in(client, provider, "alice").status_code == 302
    client.post("/logout")
    person = db.session.get(User, person.id)
    person.email = "alice.renamed@example.com"  # the address changed here; the link still finds her
    db.session.commit()
    assert oidc_sign_in(client, provider, "alice").status_code == 302
    assert counts(db) == (1, 1)
    assert client.get("/home").status_code == 200


def test_sign_in_renews_the_session_and_the_csrf_token(db, client, provider):
    with client.session_transaction() as session:
        session["csrf_token"] = "planted-by-someone-else"
        session["planted"] = "yes"
    oidc_sign_in(client, provider, "dana")
    with client.session_transaction() as session:
        assert session.get("csrf_token") != "planted-by-someone-else" and "planted" not in session
        assert session.get("_user_id")


def test_without_jit_an_unknown_address_is_refused(db, client, app, provider, monkeypatch):
    monkeypatch.setitem(app.config, "SSO_JIT", False)
    response = oidc_sign_in(client, provider, "dana")
    assert response.status_code == 403
    assert "no account for this address" in response.get_data(as_text=True)
    assert counts(db) == (0, 0) and refusals(db) == ["oidc: no-account: dana@example.com"]


def test_an_unverified_address_finds_nobody(db, client, provider):
    create_user("carol@example.com", "Carol")
    db.session.commit()
    response = oidc_sign_in(client, provider, "carol")
    assert response.status_code == 403 and "not verified your e-mail address" in response.get_data(as_text=True)
    assert counts(db) == (1, 0) and client.get("/home").status_code == 302


def test_a_deactivated_person_is_refused(db, client, provider):
    person = create_user("alice@example.com", "Alice")
    person.active = False
    db.session.commit()
    response = oidc_sign_in(client, provider, "alice")
    assert response.status_code == 403 and "switched off" in response.get_data(as_text=True)
    assert counts(db) == (1, 0)


@pytest.mark.parametrize("mode, reason, words", [
    ("wrong-aud", "wrong-audience", "meant for another application"),
    ("expired", "expired", "has expired"),
    ("bad-signature", "bad-signature", "not signed by the sign-in service"),
    ("wrong-iss", "unknown-issuer", "does not trust"),
    ("wrong-nonce", "replayed", "already used"),
])
def test_a_forged_or_stale_id_token_is_refused(db, client, normal_provider, mode, reason, words):
    normal_provider.set_mode(mode)
    response = oidc_sign_in(client, normal_provider, "alice")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert words in page and reason in page and "Nobody was signed in" in page
    assert counts(db) == (0, 0) and client.get("/home").status_code == 302
    assert len(refusals(db)) == 1 and refusals(db)[0].startswith(f"oidc: {reason}:")


def test_the_refusal_page_is_in_the_readers_language(db, client, normal_provider):
    client.post("/language", data={"language": "nl", "next": "/login"})
    normal_provider.set_mode("expired")
    page = oidc_sign_in(client, normal_provider, "alice").get_data(as_text=True)
    assert "Inloggen geweigerd" in page and "Het inlogantwoord is verlopen" in page


def test_a_replayed_callback_is_refused(db, client, app, provider):
    callback = oidc_callback_url(client, provider, "alice")
    cookie = client.get_cookie("session").value  # the session holding the state, before its use
    assert client.get(local_path(callback)).status_code == 302
    client.post("/logout")
    # the same answer again in the same browser: the state is gone from the session
    again = client.get(local_path(callback))
    assert again.status_code == 400 and "already used" in again.get_data(as_text=True)
    # ... and with the old cookie put back: the state is known to have been used
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    stolen = thief.get(local_path(callback))
    assert stolen.status_code == 400 and "already used" in stolen.get_data(as_text=True)
    assert thief.get("/home").status_code == 302
    assert [d.split(":")[1].strip() for d in refusals(db)] == ["replayed", "replayed"]


def test_a_callback_naming_another_issuer_is_refused(db, client, provider):
    callback = oidc_callback_url(client, provider, "alice").replace("iss=", "iss=https%3A%2F%2Fevil.example&x=")
    response = client.get(local_path(callback))
    assert response.status_code == 400 and "does not trust" in response.get_data(as_text=True)
    assert counts(db) == (0, 0)


def test_cancelling_at_the_provider_signs_nobody_in(db, client, provider):
    start = client.get("/auth/oidc/login")
    back = provider.sign_in(start.headers["Location"], cancel=True)
    response = client.get(local_path(back))
    assert response.status_code == 400 and "did not sign you in" in response.get_data(as_text=True)


def test_the_login_page_offers_the_organisation_sign_in(db, client):
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in with Our organisation" in page and 'name="password"' in page

"""SAML 2.0 sign-in against the real identity provider (npm saml-idp, peers/README.md): the
SP-initiated flow with the answer posted back, and every kind of forged, stale or misdirected answer
refused with a page that names the problem, nothing changed and the refusal in the audit log."""
from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from freezegun import freeze_time
from lxml import etree
from sqlalchemy import func, select

from advocacy.core.audit import AuditEntry
from advocacy.core.organisation import User
from advocacy.identity import saml
from advocacy.identity.models import IdentityLink
from bench.liveserver import free_port

from ..factories import create_user
from .conftest import PUBLIC_URL, SAML_ACS_URL, SAML_SP_ENTITY_ID, local_path, saml_answer, saml_sign_in

pytestmark = pytest.mark.peers

MD = "urn:oasis:names:tc:SAML:2.0:metadata"
ASSERTION = "urn:oasis:names:tc:SAML:2.0:assertion"


def counts(db) -> tuple[int, int]:
    return (db.session.scalar(select(func.count()).select_from(User)),
            db.session.scalar(select(func.count()).select_from(IdentityLink)))


def refusals(db) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "sso.refused")))


def post_answer(client, answer, form=None):
    return client.post(local_path(answer.acs_url), data=form or answer.form)


def assert_refused(db, response, reason: str) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 400, page
    assert f'data-reason="{reason}"' in page and "Sign-in refused" in page
    assert counts(db) == (0, 0)
    assert any(detail.startswith(f"saml: {reason}:") for detail in refusals(db)), refusals(db)


def test_the_metadata_names_this_app_its_acs_and_wants_signed_assertions(client):
    response = client.get("/auth/saml/metadata")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/samlmetadata+xml"
    root = etree.fromstring(response.data)
    assert root.get("entityID") == SAML_SP_ENTITY_ID
    descriptor = root.find(f"{{{MD}}}SPSSODescriptor")
    assert descriptor.get("WantAssertionsSigned") == "true"
    acs = descriptor.find(f"{{{MD}}}AssertionConsumerService")
    assert acs.get("Location") == SAML_ACS_URL
    assert acs.get("Binding") == "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"


def test_the_login_page_offers_both_kinds_of_single_sign_on(client):
    page = client.get("/login").get_data(as_text=True)
    assert "/auth/saml/login" in page and "/auth/oidc/login" in page


def test_the_authn_request_goes_to_the_provider_and_names_this_app(client, idp):
    start = client.get("/auth/saml/login")
    assert start.status_code == 302
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert query["SAMLRequest"][0]
    assert saml.REQUEST_COOKIE in start.headers["Set-Cookie"] and "HttpOnly" in start.headers["Set-Cookie"]


def test_a_new_colleague_signs_in_and_lands_on_learn_with_department_and_manager(db, client, idp):
    bob = create_user("bob@example.com", "Bob Boss")
    db.session.commit()
    response = saml_sign_in(client, idp, "alice")
    assert response.status_code == 302, response.get_data(as_text=True)
    landing = client.get(response.headers["Location"], follow_redirects=True)
    assert landing.status_code == 200 and landing.request.path == "/home"
    assert "Learn" in landing.get_data(as_text=True)
    alice = db.session.scalar(select(User).where(User.email == "alice@example.com"))
    assert alice.name == "Alice Andersen"
    assert alice.department.name == "Sales" and alice.manager_id == bob.id
    link = db.session.scalar(select(IdentityLink).where(IdentityLink.user_id == alice.id))
    assert (link.issuer, link.subject, link.protocol) == (idp.entity_id, "alice@example.com", "saml")
    actions = set(db.session.scalars(select(AuditEntry.action).where(AuditEntry.subject_id == alice.id)))
    assert {"sso.account_created", "sso.linked", "sso.sign_in"} <= actions


def test_the_next_page_is_kept_through_the_provider(db, client, idp):
    response = saml_sign_in(client, idp, "dana", next_url="/account/password")
    assert response.headers["Location"] == "/account/password"


def test_an_existing_person_is_matched_by_address_and_keeps_their_account(db, client, idp):
    person = create_user("carol@example.com", "Carol Existing")
    db.session.commit()
    assert saml_sign_in(client, idp, "carol").status_code == 302
    assert counts(db) == (1, 1)
    assert db.session.get(User, person.id).department.name == "Marketing"


def test_without_jit_an_unknown_address_is_refused(db, client, idp, app):
    app.config["SSO_JIT"] = False
    try:
        response = saml_sign_in(client, idp, "dana")
    finally:
        app.config["SSO_JIT"] = True
    assert response.status_code == 403 and 'data-reason="no-account"' in response.get_data(as_text=True)
    assert counts(db) == (0, 0)


def test_sign_in_renews_the_session_and_the_csrf_token(db, client, idp):
    with client.session_transaction() as session:
        session["csrf_token"] = "planted-by-someone-else"
    saml_sign_in(client, idp, "dana")
    with client.session_transaction() as session:
        assert session.get("csrf_token") != "planted-by-someone-else" and session.get("_user_id")


def test_the_acs_takes_no_csrf_token_but_a_post_without_an_answer_is_refused(db, client, idp):
    assert_refused(db, client.post("/auth/saml/acs", data={"RelayState": "x"}), "invalid")


@pytest.mark.parametrize("mode, reason", [
    ("unsigned", "unsigned"),
    ("unsigned-assertion", "unsigned"),
    ("bad-signature", "bad-signature"),
    ("expired", "expired"),
    ("wrong-aud", "wrong-audience"),
])
def test_a_forged_or_stale_answer_is_refused(db, client, normal_idp, mode, reason):
    normal_idp.set_mode(mode)
    assert_refused(db, post_answer(client, saml_answer(client, normal_idp, "alice")), reason)
    assert client.get("/home").status_code == 302  # still signed out


def tampered(answer, change) -> dict:
    root = etree.fromstring(answer.xml)
    change(root)
    return {**answer.form, "SAMLResponse": base64.b64encode(etree.tostring(root)).decode()}


def test_a_tampered_attribute_breaks_the_signature(db, client, idp):
    answer = saml_answer(client, idp, "alice")

    def promote(root):
        value = root.find(f".//{{{ASSERTION}}}Attribute[@Name='department']/{{{ASSERTION}}}AttributeValue")
        value.text = "Board"
    assert_refused(db, post_answer(client, answer, tampered(answer, promote)), "bad-signature")


def test_a_tampered_name_id_breaks_the_signature(db, client, idp):
    answer = saml_answer(client, idp, "dana")

    def impersonate(root):
        root.find(f".//{{{ASSERTION}}}NameID").text = "admin@example.com"
        for value in root.iterfind(f".//{{{ASSERTION}}}Attribute[@Name='email']/{{{ASSERTION}}}AttributeValue"):
            value.text = "admin@example.com"
    assert_refused(db, post_answer(client, answer, tampered(answer, impersonate)), "bad-signature")


def test_a_replayed_assertion_is_refused_even_with_the_request_cookie(db, client, idp):
    answer = saml_answer(client, idp, "dana")
    cookie = client.get_cookie(saml.REQUEST_COOKIE, path="/auth/saml/acs").value
    assert post_answer(client, answer).status_code == 302
    client.post("/logout")
    assert counts(db) == (1, 1)
    client.set_cookie(saml.REQUEST_COOKIE, cookie, path="/auth/saml/acs")
    response = post_answer(client, answer)
    assert response.status_code == 400 and 'data-reason="replayed"' in response.get_data(as_text=True)
    assert any("used before" in detail for detail in refusals(db))
    assert client.get("/home").status_code == 302


def test_an_answer_to_a_request_this_browser_did_not_start_is_refused(db, client, app, idp):
    answer = saml_answer(client, idp, "alice")
    other = app.test_client()
    assert_refused(db, other.post(local_path(answer.acs_url), data=answer.form), "replayed")
    # and an unsolicited (IdP-initiated) answer, even with a cookie from a sign-in this browser started
    client.get("/auth/saml/login")
    assert_refused(db, post_answer(client, idp.sign_in(None, "alice")), "replayed")


def test_an_answer_delivered_to_another_address_of_the_app_is_refused(db, client, app, idp):
    answer = saml_answer(client, idp, "alice")
    app.config["PUBLIC_URL"] = "http://elsewhere.test"  # the destination and recipient name advocacy.test
    try:
        response = post_answer(client, answer)
    finally:
        app.config["PUBLIC_URL"] = PUBLIC_URL
    assert_refused(db, response, "wrong-audience")


def test_a_sign_in_left_at_the_provider_for_over_half_an_hour_must_start_again(db, client, idp):
    answer = saml_answer(client, idp, "alice")
    with freeze_time(datetime.now(UTC) + saml.REQUEST_VALID_FOR + timedelta(minutes=1), tick=True):
        assert_refused(db, post_answer(client, answer), "replayed")


def test_an_unreachable_identity_provider_is_named_and_nothing_starts(db, client, app, idp):
    saved = app.config["SAML_IDP_METADATA_URL"]
    app.config["SAML_IDP_METADATA_URL"] = f"http://127.0.0.1:{free_port()}/metadata"
    app.extensions.pop("advocacy.saml", None)
    try:
        response = client.get("/auth/saml/login")
    finally:
        app.config["SAML_IDP_METADATA_URL"] = saved
        app.extensions.pop("advocacy.saml", None)
    assert response.status_code == 400 and 'data-reason="unreachable"' in response.get_data(as_text=True)
    assert saml.REQUEST_COOKIE not in response.headers.get("Set-Cookie", "")
    assert any(detail.startswith("saml: unreachable:") for detail in refusals(db))

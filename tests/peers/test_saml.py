"""The SAML IdP: metadata, an SP-initiated sign-in done with plain HTTP that yields a signed Response
(checked with signxml against the metadata's certificate), and each way it can misbehave."""
from __future__ import annotations

import base64
import urllib.parse
import uuid
import zlib
from datetime import datetime, timezone

import pytest

from peers.launch import SAML_MODES

pytestmark = pytest.mark.peers
requests = pytest.importorskip("requests", reason="requests is not installed: make peers")
signxml = pytest.importorskip("signxml", reason="signxml is not installed: make peers")
from lxml import etree  # noqa: E402  (lxml comes with signxml)

ACS_URL = "http://advocacy.test/saml/acs"
SP_ENTITY_ID = "http://advocacy.test/saml/metadata"
NS = {"samlp": "urn:oasis:names:tc:SAML:2.0:protocol", "saml": "urn:oasis:names:tc:SAML:2.0:assertion",
      "md": "urn:oasis:names:tc:SAML:2.0:metadata", "ds": "http://www.w3.org/2000/09/xmldsig#"}


@pytest.fixture(scope="module")
def idp(start_session_peer):
    return start_session_peer.saml_idp(ACS_URL, SP_ENTITY_ID)


@pytest.fixture
def normal_idp(idp):
    yield idp
    idp.set_mode("normal")


def redirect_binding_url(idp, request_id: str, relay_state: str) -> str:
    """What the SP's login redirect looks like: a deflated, base64 AuthnRequest in the query."""
    instant = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    request = (f'<samlp:AuthnRequest xmlns:samlp="{NS["samlp"]}" xmlns:saml="{NS["saml"]}" ID="{request_id}" '
               f'Version="2.0" IssueInstant="{instant}" Destination="{idp.sso_url}" '
               f'AssertionConsumerServiceURL="{ACS_URL}" '
               f'ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST">'
               f"<saml:Issuer>{SP_ENTITY_ID}</saml:Issuer></samlp:AuthnRequest>")
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated = deflater.compress(request.encode()) + deflater.flush()
    query = urllib.parse.urlencode({"SAMLRequest": base64.b64encode(deflated).decode(), "RelayState": relay_state})
    return f"{idp.sso_url}?{query}"


def sp_initiated(idp, account: str = "alice"):
    request_id = f"_{uuid.uuid4().hex}"
    answer = idp.sign_in(redirect_binding_url(idp, request_id, "/learn"), account)
    return request_id, answer, etree.fromstring(answer.xml)


def verify(xml: bytes | etree._Element, cert_pem: str):
    return signxml.XMLVerifier().verify(xml, x509_cert=cert_pem, expect_references=1)


def assertion_of(response: etree._Element) -> etree._Element:
    [assertion] = response.findall("saml:Assertion", NS)
    return assertion


def attributes(assertion: etree._Element) -> dict[str, list[str]]:
    return {attribute.get("Name"): [value.text for value in attribute.findall("saml:AttributeValue", NS)]
            for attribute in assertion.iterfind(".//saml:Attribute", NS)}


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_metadata_advertises_the_entity_the_sso_endpoint_and_the_signing_certificate(idp):
    metadata = etree.fromstring(requests.get(idp.metadata_url, timeout=5).content)
    assert metadata.get("entityID") == idp.entity_id
    locations = {sso.get("Location") for sso in metadata.iterfind(".//md:SingleSignOnService", NS)}
    assert locations == {idp.sso_url}
    [certificate] = [cert.text.strip() for cert in metadata.iterfind(".//ds:X509Certificate", NS)]
    assert certificate == idp.signing.cert_base64


def test_an_sp_initiated_sign_in_gives_a_signed_response_for_the_sp(normal_idp):
    request_id, answer, response = sp_initiated(normal_idp, "alice")
    assert answer.acs_url == ACS_URL and answer.relay_state == "/learn"
    verify(answer.xml, normal_idp.cert_pem)  # the Response's own signature
    assertion = assertion_of(response)
    verify(etree.tostring(assertion), normal_idp.cert_pem)  # and the Assertion's
    assert response.get("Destination") == ACS_URL and response.get("InResponseTo") == request_id
    assert response.find("samlp:Status/samlp:StatusCode", NS).get("Value").endswith(":Success")
    assert assertion.findtext("saml:Issuer", namespaces=NS) == normal_idp.entity_id
    assert assertion.findtext(".//saml:Audience", namespaces=NS) == SP_ENTITY_ID
    assert assertion.findtext("saml:Subject/saml:NameID", namespaces=NS) == "alice@example.com"
    confirmation = assertion.find(".//saml:SubjectConfirmationData", NS)
    assert confirmation.get("Recipient") == ACS_URL and confirmation.get("InResponseTo") == request_id
    assert instant(assertion.find("saml:Conditions", NS).get("NotOnOrAfter")) > datetime.now(timezone.utc)
    assert attributes(assertion) == {"email": ["alice@example.com"], "name": ["Alice Andersen"],
                                     "department": ["Sales"], "manager_email": ["bob@example.com"]}


def test_an_account_without_a_department_sends_no_department(normal_idp):
    _, _, response = sp_initiated(normal_idp, "dana")
    assert set(attributes(assertion_of(response))) == {"email", "name"}


def test_an_idp_initiated_sign_in_answers_no_request(normal_idp):
    response = etree.fromstring(normal_idp.sign_in(account="bob").xml)
    assert response.get("InResponseTo") is None
    assert attributes(assertion_of(response))["email"] == ["bob@example.com"]


def test_the_wrong_audience_mode(normal_idp):
    normal_idp.set_mode("wrong-aud")
    _, answer, response = sp_initiated(normal_idp)
    verify(answer.xml, normal_idp.cert_pem)  # still properly signed: only the audience check catches it
    assert assertion_of(response).findtext(".//saml:Audience", namespaces=NS) != SP_ENTITY_ID


def test_the_unsigned_mode_signs_nothing(normal_idp):
    normal_idp.set_mode("unsigned")
    _, answer, response = sp_initiated(normal_idp)
    assert response.findall(".//ds:Signature", NS) == []
    with pytest.raises(signxml.exceptions.InvalidInput):
        verify(answer.xml, normal_idp.cert_pem)


def test_the_unsigned_assertion_mode_signs_only_the_response(normal_idp):
    normal_idp.set_mode("unsigned-assertion")
    _, answer, response = sp_initiated(normal_idp)
    verify(answer.xml, normal_idp.cert_pem)
    assert assertion_of(response).find("ds:Signature", NS) is None


def test_the_expired_mode_dates_the_assertion_in_the_past(normal_idp):
    normal_idp.set_mode("expired")
    _, answer, response = sp_initiated(normal_idp)
    verify(answer.xml, normal_idp.cert_pem)
    conditions = assertion_of(response).find("saml:Conditions", NS)
    assert instant(conditions.get("NotOnOrAfter")) < datetime.now(timezone.utc)


def test_the_bad_signature_mode_signs_with_a_key_the_metadata_does_not_name(normal_idp):
    normal_idp.set_mode("bad-signature")
    _, answer, response = sp_initiated(normal_idp)
    with pytest.raises(signxml.exceptions.InvalidSignature):
        verify(answer.xml, normal_idp.cert_pem)
    # The trap it sets: the certificate inside the Response does verify it; an SP must never trust that.
    embedded = response.findtext("ds:Signature/ds:KeyInfo/ds:X509Data/ds:X509Certificate", namespaces=NS)
    assert embedded.strip() != normal_idp.signing.cert_base64
    signxml.XMLVerifier().verify(answer.xml, x509_cert=embedded.strip(), expect_references=1)


def test_every_mode_is_covered_here():
    covered = {"normal", "wrong-aud", "unsigned", "unsigned-assertion", "expired", "bad-signature"}
    assert set(SAML_MODES) == covered


def test_a_mode_can_be_chosen_at_start(start_peer):
    idp = start_peer.saml_idp(ACS_URL, SP_ENTITY_ID, mode="unsigned",
                              accounts={"erin": {"email": "erin@example.com", "name": "Erin", "department": "HR"}})
    _, _, response = sp_initiated(idp, "erin")
    assert response.findall(".//ds:Signature", NS) == []
    assert attributes(assertion_of(response))["department"] == ["HR"]
    assert requests.post(f"{idp.url}/_peer/mode", data={"mode": "normal"}, timeout=5).status_code == 403

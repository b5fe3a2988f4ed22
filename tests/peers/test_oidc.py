"""The OpenID provider: discovery, JWKS, the code flow with PKCE done with plain HTTP, and each way
it can misbehave. The ID token is checked with PyJWT as a relying party would."""
from __future__ import annotations

import base64
import hashlib
import secrets
import urllib.parse

import pytest

from peers.launch import OIDC_MODES

pytestmark = pytest.mark.peers
jwt = pytest.importorskip("jwt", reason="PyJWT is not installed: make peers")
requests = pytest.importorskip("requests", reason="requests is not installed: make peers")

REDIRECT_URI = "http://advocacy.test/auth/oidc/callback"


@pytest.fixture(scope="module")
def provider(start_session_peer):
    return start_session_peer.oidc(REDIRECT_URI)


@pytest.fixture
def normal_provider(provider):
    """The module's provider, back to normal after a test that made it misbehave."""
    yield provider
    provider.set_mode("normal")


@pytest.fixture(scope="module")
def discovery(provider):
    return requests.get(provider.discovery_url, timeout=5).json()


class Login:
    """One relying-party sign-in: fresh state, nonce and PKCE verifier, and the authorization URL."""

    def __init__(self, discovery: dict, client_id: str, scope: str = "openid email profile", pkce: bool = True):
        self.state, self.nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        self.verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(self.verifier.encode()).digest()).rstrip(b"=").decode()
        params = {"client_id": client_id, "response_type": "code", "scope": scope, "redirect_uri": REDIRECT_URI,
                  "state": self.state, "nonce": self.nonce}
        if pkce:
            params.update(code_challenge=challenge, code_challenge_method="S256")
        self.url = f"{discovery['authorization_endpoint']}?{urllib.parse.urlencode(params)}"


def callback_params(url: str) -> dict[str, str]:
    assert url.startswith(REDIRECT_URI), url
    return {key: values[0] for key, values in urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).items()}


def exchange(provider, discovery, code: str, verifier: str) -> requests.Response:
    return requests.post(discovery["token_endpoint"], timeout=5,
                         data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,
                               "code_verifier": verifier},
                         auth=(provider.client_id, provider.client_secret))


def verified_claims(provider, discovery, id_token: str) -> dict:
    key = jwt.PyJWKClient(discovery["jwks_uri"]).get_signing_key_from_jwt(id_token)
    return jwt.decode(id_token, key.key, algorithms=["RS256"], audience=provider.client_id, issuer=provider.issuer,
                      options={"require": ["exp", "iat", "aud", "iss", "sub"]})


def sign_in_and_get_tokens(provider, discovery, account: str = "alice") -> tuple[Login, dict]:
    login = Login(discovery, provider.client_id)
    back = callback_params(provider.sign_in(login.url, account))
    assert back["state"] == login.state and back["iss"] == provider.issuer
    answer = exchange(provider, discovery, back["code"], login.verifier)
    assert answer.status_code == 200, answer.text
    return login, answer.json()


def test_discovery_names_the_issuer_and_requires_s256(provider, discovery):
    assert discovery["issuer"] == provider.issuer
    assert discovery["code_challenge_methods_supported"] == ["S256"]
    assert {"department", "manager_email", "email_verified"} <= set(discovery["claims_supported"])
    keys = requests.get(discovery["jwks_uri"], timeout=5).json()["keys"]
    assert [(key["kty"], key["alg"], key["use"]) for key in keys] == [("RSA", "RS256", "sig")]
    assert all("d" not in key for key in keys)  # public halves only


def test_the_code_flow_with_pkce_gives_a_signed_id_token_with_the_claims(normal_provider, discovery):
    login, tokens = sign_in_and_get_tokens(normal_provider, discovery, "alice")
    claims = verified_claims(normal_provider, discovery, tokens["id_token"])
    assert claims["nonce"] == login.nonce
    assert {key: claims[key] for key in ("sub", "email", "email_verified", "name", "department", "manager_email")} == {
        "sub": "alice", "email": "alice@example.com", "email_verified": True, "name": "Alice Andersen",
        "department": "Sales", "manager_email": "bob@example.com"}
    userinfo = requests.get(discovery["userinfo_endpoint"], timeout=5,
                            headers={"Authorization": f"Bearer {tokens['access_token']}"}).json()
    assert userinfo["email"] == "alice@example.com" and userinfo["department"] == "Sales"


def test_an_unverified_address_and_missing_claims_come_through_as_they_are(normal_provider, discovery):
    _, carol = sign_in_and_get_tokens(normal_provider, discovery, "carol")
    assert verified_claims(normal_provider, discovery, carol["id_token"])["email_verified"] is False
    _, dana = sign_in_and_get_tokens(normal_provider, discovery, "dana")
    assert "department" not in verified_claims(normal_provider, discovery, dana["id_token"])


def test_a_request_without_pkce_is_refused(provider, discovery):
    login = Login(discovery, provider.client_id, pkce=False)
    back = callback_params(provider.sign_in(login.url))
    assert back["error"] == "invalid_request" and "PKCE" in back["error_description"]


def test_a_wrong_verifier_and_a_second_use_of_the_code_are_refused(provider, discovery):
    login = Login(discovery, provider.client_id)
    code = callback_params(provider.sign_in(login.url))["code"]
    wrong = exchange(provider, discovery, code, secrets.token_urlsafe(48))
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    login = Login(discovery, provider.client_id)
    code = callback_params(provider.sign_in(login.url))["code"]
    assert exchange(provider, discovery, code, login.verifier).status_code == 200
    replayed = exchange(provider, discovery, code, login.verifier)
    assert replayed.status_code == 400 and replayed.json()["error"] == "invalid_grant"


def test_a_wrong_client_secret_is_refused(provider, discovery):
    login = Login(discovery, provider.client_id)
    code = callback_params(provider.sign_in(login.url))["code"]
    answer = requests.post(discovery["token_endpoint"], timeout=5, auth=(provider.client_id, "wrong"),
                           data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,
                                 "code_verifier": login.verifier})
    assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"


def test_cancelling_sends_access_denied_back(provider, discovery):
    login = Login(discovery, provider.client_id)
    back = callback_params(provider.sign_in(login.url, cancel=True))
    assert back["error"] == "access_denied" and back["state"] == login.state


def test_an_unregistered_redirect_uri_never_leaves_the_provider(provider, discovery):
    login = Login(discovery, provider.client_id)
    foreign = login.url.replace(urllib.parse.quote(REDIRECT_URI, safe=""),
                                urllib.parse.quote("http://evil.example.com/cb", safe=""))
    answer = requests.get(foreign, timeout=5, allow_redirects=False)
    assert answer.status_code == 400 and "redirect_uri" in answer.text


MISBEHAVIOUR = {
    "wrong-aud": jwt.InvalidAudienceError,
    "wrong-iss": jwt.InvalidIssuerError,
    "expired": jwt.ExpiredSignatureError,
    "bad-signature": jwt.InvalidSignatureError,
}


@pytest.mark.parametrize("mode, refusal", MISBEHAVIOUR.items())
def test_each_misbehaving_mode_gives_a_token_a_relying_party_refuses(normal_provider, discovery, mode, refusal):
    normal_provider.set_mode(mode)
    _, tokens = sign_in_and_get_tokens(normal_provider, discovery)
    with pytest.raises(refusal):
        verified_claims(normal_provider, discovery, tokens["id_token"])


def test_the_bad_signature_mode_keeps_the_advertised_key_id(normal_provider, discovery):
    """So only the signature check can catch it, not a lookup by kid."""
    normal_provider.set_mode("bad-signature")
    _, tokens = sign_in_and_get_tokens(normal_provider, discovery)
    advertised = {key["kid"] for key in requests.get(discovery["jwks_uri"], timeout=5).json()["keys"]}
    assert jwt.get_unverified_header(tokens["id_token"])["kid"] in advertised


def test_the_wrong_nonce_mode_keeps_a_valid_signature(normal_provider, discovery):
    normal_provider.set_mode("wrong-nonce")
    login, tokens = sign_in_and_get_tokens(normal_provider, discovery)
    claims = verified_claims(normal_provider, discovery, tokens["id_token"])
    assert claims["nonce"] != login.nonce


def test_every_mode_is_covered_here():
    assert set(OIDC_MODES) == {"normal", "wrong-nonce", *MISBEHAVIOUR}


def test_a_mode_can_be_chosen_at_start_and_the_control_needs_its_token(start_peer):
    provider = start_peer.oidc([REDIRECT_URI, "http://127.0.0.1:5000/auth/oidc/callback"], mode="expired",
                               client_id="other-client", client_secret="a-known-secret")
    discovery = requests.get(provider.discovery_url, timeout=5).json()
    assert provider.mode == "expired" and provider.client_secret == "a-known-secret"
    _, tokens = sign_in_and_get_tokens(provider, discovery)
    with pytest.raises(jwt.ExpiredSignatureError):
        verified_claims(provider, discovery, tokens["id_token"])
    forged = requests.post(f"{provider.url}/_peer/mode", data={"mode": "normal"}, timeout=5,
                           headers={"X-Peer-Control": "guessed"})
    assert forged.status_code == 403
    assert "oidc peer: ready" in provider.log_text()

"""Start the real peers the tests talk to, each on 127.0.0.1 and a free port: see peers/README.md.

    start_oidc(redirect_uri, mode="normal")          OpenID provider (npm oidc-provider)
    start_saml_idp(acs_url, sp_entity_id, mode=...)  SAML 2.0 IdP (npm saml-idp)
    start_lrs()                                      xAPI learning record store (Ralph, FS backend)
    start_smtp(starttls=True, implicit_tls=False, auth=None)   SMTP relay (aiosmtpd, in process)
    run_scim_tester(base_url, token)                 SCIM conformance checks (scim2-tester)

Each returns a Peer with stop() (and works as a context manager). A missing runtime or install
raises PeerUnavailable, whose message says what to install; peers/fixtures.py turns it into a skip.
"""
from __future__ import annotations

import base64
import functools
import json
import secrets
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from .browserless import Browserless, form_action, hidden_inputs
from .certs import KeyPair, signing_pair
from .process import (PEERS_DIR, ROOT, Peer, PeerFailedToStart, PeerUnavailable, child_env, make_workdir,
                      spawn_on_free_port)
from .scim import run_scim_tester
from .smtp import SmtpPeer, start_smtp

__all__ = ["Peer", "PeerUnavailable", "PeerFailedToStart", "OidcPeer", "SamlPeer", "LrsPeer", "SmtpPeer",
           "start_oidc", "start_saml_idp", "start_lrs", "start_smtp", "run_scim_tester",
           "OIDC_MODES", "SAML_MODES"]

OIDC_DIR = PEERS_DIR / "oidc"
SAML_DIR = PEERS_DIR / "saml"
LRS_DIR = PEERS_DIR / "lrs"
RALPH_VENV = PEERS_DIR / ".venv-ralph"
MIN_NODE_MAJOR = 20
OIDC_MODES = ("normal", "wrong-aud", "wrong-iss", "expired", "bad-signature", "wrong-nonce")
SAML_MODES = ("normal", "wrong-aud", "unsigned", "unsigned-assertion", "expired", "bad-signature")


# ---------------------------------------------------------------------------------------------
# Node.js peers


@functools.cache
def _node_major(node: str) -> int:
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout
    return int(version.strip().lstrip("v").split(".")[0])


def _node_for(folder: Path) -> str:
    """The node binary, once the runtime and the folder's npm install are known to be there."""
    node = shutil.which("node")
    if node is None:
        raise PeerUnavailable(f"node is not installed: the {folder.name} peer needs Node.js {MIN_NODE_MAJOR} or later")
    if _node_major(node) < MIN_NODE_MAJOR:
        raise PeerUnavailable(f"node {_node_major(node)} is too old: the {folder.name} peer needs {MIN_NODE_MAJOR}+")
    if not (folder / "node_modules").is_dir():
        raise PeerUnavailable(f"{folder.relative_to(ROOT)}/node_modules is missing: run `make peers`")
    return node


def _control(url: str, token: str, mode: str) -> str:
    request = urllib.request.Request(f"{url}/_peer/mode", data=urllib.parse.urlencode({"mode": mode}).encode(),
                                     headers={"X-Peer-Control": token}, method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.load(response)["mode"]


@dataclass(kw_only=True)
class OidcPeer(Peer):
    """A running OpenID provider with one confidential client."""

    issuer: str
    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]
    accounts: dict[str, dict] | None
    mode: str
    control_token: str = field(repr=False)

    @property
    def redirect_uri(self) -> str:
        return self.redirect_uris[0]

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def set_mode(self, mode: str) -> None:
        """Switch misbehaviour (OIDC_MODES) for the next tokens, without a restart."""
        self.mode = _control(self.url, self.control_token, mode)

    def sign_in(self, authorization_url: str, account: str = "alice", *, cancel: bool = False) -> str:
        """Play the person at the provider: open the app's authorization URL, pick the account on the
        sign-in page (or cancel), and return the URL the provider sends the browser back to (the
        redirect URI with code and state, or with error=access_denied). Needs a fresh call per sign-in."""
        browser = Browserless()
        answer = browser.follow(browser.request(authorization_url), stop_at=self._redirect_prefix(authorization_url))
        if isinstance(answer, str):  # no sign-in page: the provider answered at once (an error)
            return answer
        if answer.status != 200 or "/interaction/" not in answer.url:
            raise RuntimeError(f"expected the sign-in page, got {answer.status} at {answer.url}: {answer.text[:300]}")
        action = "abort" if cancel else "login"
        posted = browser.request(f"{answer.url}/{action}", form={} if cancel else {"account": account})
        back = browser.follow(posted, stop_at=self._redirect_prefix(authorization_url))
        if not isinstance(back, str):
            raise RuntimeError(f"the provider did not send the browser back: {back.status} {back.text[:300]}")
        return back

    def _redirect_prefix(self, authorization_url: str) -> str:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(authorization_url).query)
        return query.get("redirect_uri", [self.redirect_uri])[0]


def start_oidc(redirect_uri: str | list[str], mode: str = "normal", *, client_id: str = "advocacy",
               client_secret: str | None = None, accounts: dict[str, dict] | None = None,
               token_auth_method: str = "client_secret_basic", post_logout_redirect_uris: tuple[str, ...] = (),
               workdir: Path | str | None = None) -> OidcPeer:
    """Start the OpenID provider with one client registered for redirect_uri (one or a list).

    accounts replaces the built-in ones ({sub: {email, email_verified, name, department,
    manager_email}}); the defaults are alice, bob, carol (unverified e-mail) and dana (no department).
    """
    if mode not in OIDC_MODES:
        raise ValueError(f"unknown OIDC mode {mode!r}; one of {OIDC_MODES}")
    started = time.monotonic()
    node = _node_for(OIDC_DIR)
    folder = make_workdir("oidc", workdir)
    redirect_uris = (redirect_uri,) if isinstance(redirect_uri, str) else tuple(redirect_uri)
    secret = client_secret or secrets.token_urlsafe(24)
    control_token = secrets.token_urlsafe(16)
    log_path = folder / "oidc.log"

    def build(port: int):
        env = {"OIDC_PEER_PORT": str(port), "OIDC_CLIENT_ID": client_id, "OIDC_CLIENT_SECRET": secret,
               "OIDC_REDIRECT_URIS": " ".join(redirect_uris), "OIDC_PEER_MODE": mode,
               "OIDC_TOKEN_AUTH_METHOD": token_auth_method, "OIDC_PEER_CONTROL_TOKEN": control_token,
               "OIDC_POST_LOGOUT_REDIRECT_URIS": " ".join(post_logout_redirect_uris)}
        if accounts is not None:
            env["OIDC_PEER_ACCOUNTS"] = json.dumps(accounts)
        issuer = f"http://127.0.0.1:{port}"
        return [node, str(OIDC_DIR / "server.mjs")], env, f"{issuer}/.well-known/openid-configuration"

    process, _, port = spawn_on_free_port(build, cwd=OIDC_DIR, log_path=log_path)
    issuer = f"http://127.0.0.1:{port}"
    return OidcPeer(name="oidc", url=issuer, workdir=folder, log_path=log_path, started_in=time.monotonic() - started, process=process,
                    issuer=issuer, client_id=client_id, client_secret=secret, redirect_uris=redirect_uris,
                    accounts=accounts, mode=mode, control_token=control_token)


@dataclass(kw_only=True)
class SamlAnswer:
    """What the IdP's auto-submitting page would POST to the SP's ACS."""

    acs_url: str
    saml_response: str  # base64, as posted
    relay_state: str

    @property
    def xml(self) -> bytes:
        return base64.b64decode(self.saml_response)

    @property
    def form(self) -> dict[str, str]:
        return {"SAMLResponse": self.saml_response, "RelayState": self.relay_state}


@dataclass(kw_only=True)
class SamlPeer(Peer):
    """A running SAML IdP that answers one SP (acs_url, sp_entity_id) with signed assertions."""

    entity_id: str
    acs_url: str
    sp_entity_id: str
    signing: KeyPair
    mode: str
    control_token: str = field(repr=False)

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/metadata"

    @property
    def sso_url(self) -> str:
        return f"{self.url}/saml/sso"

    @property
    def cert_pem(self) -> str:
        """The certificate the metadata advertises (bad-signature mode signs with another one)."""
        return self.signing.cert_pem

    def set_mode(self, mode: str) -> None:
        """Switch misbehaviour (SAML_MODES) for the next responses, without a restart."""
        self.mode = _control(self.url, self.control_token, mode)

    def sign_in(self, sso_redirect_url: str | None = None, account: str = "alice") -> SamlAnswer:
        """Play the person at the IdP: open the SP's redirect (the SSO URL with SAMLRequest and
        RelayState), sign in as account, and return what the browser would POST to the ACS. Without a
        redirect URL, the sign-in is IdP-initiated (no InResponseTo)."""
        browser = Browserless()
        fields = {"account": account}
        if sso_redirect_url is not None:
            page = browser.request(sso_redirect_url)
            if page.status != 200:
                raise RuntimeError(f"the IdP refused the request: {page.status} {page.text[:300]}")
            if "_authnRequest" not in hidden_inputs(page.text):
                raise RuntimeError(f"the IdP did not read an AuthnRequest from {sso_redirect_url}")
            fields["_authnRequest"] = hidden_inputs(page.text)["_authnRequest"]
        answer = browser.request(f"{self.url}/signin", form=fields)
        posted = hidden_inputs(answer.text)
        if answer.status != 200 or "SAMLResponse" not in posted:
            raise RuntimeError(f"no SAMLResponse from the IdP: {answer.status} {answer.text[:300]}")
        return SamlAnswer(acs_url=form_action(answer.text) or self.acs_url, saml_response=posted["SAMLResponse"],
                          relay_state=posted.get("RelayState", ""))


def start_saml_idp(acs_url: str, sp_entity_id: str, mode: str = "normal", *,
                   entity_id: str = "urn:advocacy:test-idp", accounts: dict[str, dict] | None = None,
                   workdir: Path | str | None = None) -> SamlPeer:
    """Start the SAML IdP for one SP; a signing certificate is made for this run.

    accounts replaces the built-in ones ({id: {email, name, department, manager_email}}, NameID =
    email by default); the defaults are alice, bob, carol and dana (no department).
    """
    if mode not in SAML_MODES:
        raise ValueError(f"unknown SAML mode {mode!r}; one of {SAML_MODES}")
    started = time.monotonic()
    node = _node_for(SAML_DIR)
    folder = make_workdir("saml", workdir)
    signing = signing_pair(folder, "idp", "Advocacy test IdP")
    impostor = signing_pair(folder, "impostor", "Advocacy test IdP")
    control_token = secrets.token_urlsafe(16)
    log_path = folder / "saml.log"

    def build(port: int):
        env = {"SAML_PEER_PORT": str(port), "SAML_ACS_URL": acs_url, "SAML_SP_ENTITY_ID": sp_entity_id,
               "SAML_PEER_CERT": str(signing.cert_path), "SAML_PEER_KEY": str(signing.key_path),
               "SAML_PEER_IMPOSTOR_CERT": str(impostor.cert_path), "SAML_PEER_IMPOSTOR_KEY": str(impostor.key_path),
               "SAML_PEER_ISSUER": entity_id, "SAML_PEER_MODE": mode, "SAML_PEER_CONTROL_TOKEN": control_token,
               "FORCE_COLOR": "0", "NO_COLOR": "1"}
        if accounts is not None:
            env["SAML_PEER_ACCOUNTS"] = json.dumps(accounts)
        return [node, str(SAML_DIR / "server.cjs")], env, f"http://127.0.0.1:{port}/metadata"

    process, _, port = spawn_on_free_port(build, cwd=SAML_DIR, log_path=log_path)
    url = f"http://127.0.0.1:{port}"
    return SamlPeer(name="saml", url=url, workdir=folder, log_path=log_path, started_in=time.monotonic() - started, process=process,
                    entity_id=entity_id, acs_url=acs_url, sp_entity_id=sp_entity_id, signing=signing, mode=mode,
                    control_token=control_token)


# ---------------------------------------------------------------------------------------------
# Ralph, the learning record store


XAPI_VERSION = "1.0.3"


@dataclass(kw_only=True)
class LrsPeer(Peer):
    """A running Ralph LRS; statements land in data_file (JSON lines) through its FS backend."""

    endpoint: str  # the xAPI base URL the app configures, ending in /xAPI/
    username: str
    password: str = field(repr=False)
    authority_mbox: str
    data_file: Path

    @property
    def basic_auth_header(self) -> str:
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return f"Basic {token}"

    def _get(self, url: str) -> dict:
        request = urllib.request.Request(url, headers={"Authorization": self.basic_auth_header,
                                                       "X-Experience-API-Version": XAPI_VERSION})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    def statements(self, **query: str) -> list[dict]:
        """Every stored statement (GET /xAPI/statements, following the 'more' links) in the order
        stored: Ralph's FS backend reads its file front to back (and `ascending=true` only turns
        each page round). query: xAPI filters such as verb=<IRI>, agent=<JSON>, since=<timestamp>."""
        url = f"{self.endpoint}statements" + (f"?{urllib.parse.urlencode(query)}" if query else "")
        found = []
        while url:
            page = self._get(url)
            found.extend(page.get("statements", []))
            more = page.get("more")
            url = urllib.parse.urljoin(self.url, more) if more else ""
        return found


def _ralph_bin(name: str) -> Path:
    path = RALPH_VENV / "bin" / name
    if not path.exists():
        raise PeerUnavailable(f"{RALPH_VENV.relative_to(ROOT)} is missing: run `make peers`")
    return path


def _ralph_env(folder: Path) -> dict[str, str]:
    return {"RALPH_AUTH_FILE": str(folder / "auth.json"), "RALPH_APP_DIR": str(folder / "app"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(folder / "data"),
            "RALPH_BACKENDS__DATA__FS__DEFAULT_DIRECTORY_PATH": str(folder / "data")}


def _write_ralph_credentials(python: Path, auth_file: Path, username: str, password: str, mbox: str) -> None:
    """Ralph's credentials file, as `ralph auth --write-to-disk` writes it: one account with scope "all"
    whose agent is the statements' authority. The bcrypt hash is made by Ralph's own interpreter;
    calling `ralph auth` itself does the same but costs about 3 s of imports per start."""
    hashed = subprocess.run([str(python), "-c", "import bcrypt, sys; sys.stdout.write(bcrypt.hashpw("
                             "sys.stdin.buffer.read(), bcrypt.gensalt(rounds=10)).decode())"],
                            input=password.encode(), capture_output=True, check=True, env=child_env({})).stdout
    account = {"agent": {"mbox": mbox, "objectType": "Agent"}, "scopes": ["all"], "hash": hashed.decode(),
               "username": username}
    auth_file.write_text(json.dumps([account], indent=2))
    auth_file.chmod(0o600)


def start_lrs(*, username: str = "advocacy", password: str | None = None,
              authority_mbox: str = "mailto:lrs-admin@example.com", workdir: Path | str | None = None) -> LrsPeer:
    """Start Ralph with its file-system backend and one basic-auth account (scope "all").

    Ralph's `runserver` command always runs uvicorn with its reloader (a watcher process and debug
    logs), so the launcher runs the same ASGI app, ralph.api:app, under uvicorn directly, through
    peers/lrs/serve_ralph.py (which also fixes the FS backend's second write): one process that
    stops cleanly. Ralph reads a .env file from its working folder: it runs in its own.
    """
    started = time.monotonic()
    python = _ralph_bin("python")
    folder = make_workdir("lrs", workdir)
    (folder / "data").mkdir(exist_ok=True)
    password = password or secrets.token_urlsafe(18)
    env = _ralph_env(folder)
    log_path = folder / "lrs.log"
    _write_ralph_credentials(python, folder / "auth.json", username, password, authority_mbox)

    def build(port: int):
        argv = [str(python), str(LRS_DIR / "serve_ralph.py"), "127.0.0.1", str(port)]
        return argv, env, f"http://127.0.0.1:{port}/__heartbeat__"

    process, _, port = spawn_on_free_port(build, cwd=folder, log_path=log_path)
    url = f"http://127.0.0.1:{port}"
    return LrsPeer(name="lrs", url=url, workdir=folder, log_path=log_path, started_in=time.monotonic() - started, process=process,
                   endpoint=f"{url}/xAPI/", username=username, password=password, authority_mbox=authority_mbox,
                   data_file=folder / "data" / "fs_lrs.jsonl")

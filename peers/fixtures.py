"""pytest fixtures that start peers and stop them after the test (or the session).

Use them from any conftest.py or test module:

    from peers.fixtures import start_peer, start_session_peer  # noqa: F401

    def test_sign_in(start_peer):
        provider = start_peer.oidc("http://advocacy.test/auth/oidc/callback")

A peer whose runtime or install is missing skips the test with the reason (e.g. "node is not
installed"); with PEERS_REQUIRED=1 in the environment (CI after `make peers`) it fails instead, so a
broken install cannot pass as a row of skips. Each peer's log is in its folder under pytest's
temporary directory, named in the peer's repr.
"""
from __future__ import annotations

import os

import pytest

from . import launch


def peers_required() -> bool:
    return os.environ.get("PEERS_REQUIRED", "").lower() in ("1", "true", "yes")


class PeerStarter:
    """Starts peers on demand and remembers them, so the fixture stops them all at teardown."""

    def __init__(self, tmp_path_factory):
        self._tmp = tmp_path_factory
        self._started: list[launch.Peer] = []

    def _start(self, name: str, start, *args, **kwargs):
        try:
            peer = start(*args, workdir=self._tmp.mktemp(f"peer-{name}"), **kwargs)
        except launch.PeerUnavailable as reason:
            if peers_required():
                pytest.fail(f"PEERS_REQUIRED is set but the {name} peer is unavailable: {reason}")
            pytest.skip(f"{name} peer unavailable: {reason}")
        self._started.append(peer)
        return peer

    def oidc(self, redirect_uri, mode: str = "normal", **options) -> launch.OidcPeer:
        return self._start("oidc", launch.start_oidc, redirect_uri, mode, **options)

    def saml_idp(self, acs_url: str, sp_entity_id: str, mode: str = "normal", **options) -> launch.SamlPeer:
        return self._start("saml", launch.start_saml_idp, acs_url, sp_entity_id, mode, **options)

    def lrs(self, **options) -> launch.LrsPeer:
        return self._start("lrs", launch.start_lrs, **options)

    def smtp(self, starttls: bool = True, implicit_tls: bool = False, auth=None, **options) -> launch.SmtpPeer:
        return self._start("smtp", launch.start_smtp, starttls, implicit_tls, auth, **options)

    def scim_tester(self, base_url: str, token: str, **options):
        """run_scim_tester, skipped (or failed under PEERS_REQUIRED) when scim2-tester is missing."""
        try:
            return launch.run_scim_tester(base_url, token, **options)
        except launch.PeerUnavailable as reason:
            if peers_required():
                pytest.fail(f"PEERS_REQUIRED is set but scim2-tester is unavailable: {reason}")
            pytest.skip(f"scim2-tester unavailable: {reason}")

    def stop_all(self) -> None:
        while self._started:
            self._started.pop().stop()


@pytest.fixture
def start_peer(tmp_path_factory):
    """Start peers for one test: start_peer.oidc(...), .saml_idp(...), .lrs(), .smtp(...), .scim_tester(...)."""
    starter = PeerStarter(tmp_path_factory)
    yield starter
    starter.stop_all()


@pytest.fixture(scope="session")
def start_session_peer(tmp_path_factory):
    """The same, kept for the whole session: start once, switch misbehaviour with peer.set_mode()."""
    starter = PeerStarter(tmp_path_factory)
    yield starter
    starter.stop_all()

"""The launcher's own promises: a plain reason when a runtime is missing, a log tail when a peer dies,
another port when one was taken, the whole process group stopped, and forms read like a browser."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from peers import launch, process
from peers.browserless import form_action, hidden_inputs
from peers.fixtures import PeerStarter

pytestmark = pytest.mark.peers


def test_a_missing_node_is_a_plain_reason(monkeypatch):
    monkeypatch.setattr(launch.shutil, "which", lambda name: None)
    with pytest.raises(launch.PeerUnavailable, match="node is not installed"):
        launch.start_oidc("http://advocacy.test/cb")


def test_a_missing_npm_install_says_to_run_make_peers(monkeypatch, tmp_path):
    monkeypatch.setattr(launch, "SAML_DIR", tmp_path / "saml")
    (tmp_path / "saml").mkdir()
    monkeypatch.setattr(launch, "ROOT", tmp_path)
    with pytest.raises(launch.PeerUnavailable, match=r"saml/node_modules is missing: run `make peers`"):
        launch.start_saml_idp("http://advocacy.test/acs", "http://advocacy.test/sp")


def test_a_missing_ralph_venv_says_to_run_make_peers(monkeypatch, tmp_path):
    monkeypatch.setattr(launch, "RALPH_VENV", tmp_path / "peers" / ".venv-ralph")
    monkeypatch.setattr(launch, "ROOT", tmp_path)
    with pytest.raises(launch.PeerUnavailable, match=r"peers/.venv-ralph is missing: run `make peers`"):
        launch.start_lrs()


@pytest.mark.parametrize("mode", ["", "wrong-audience", "NORMAL"])
def test_an_unknown_mode_is_refused_before_anything_starts(mode):
    with pytest.raises(ValueError, match="unknown OIDC mode"):
        launch.start_oidc("http://advocacy.test/cb", mode=mode)
    with pytest.raises(ValueError, match="unknown SAML mode"):
        launch.start_saml_idp("http://advocacy.test/acs", "http://advocacy.test/sp", mode=mode)


class FakeFactory:
    def __init__(self, folder: Path):
        self.folder = folder

    def mktemp(self, name: str) -> Path:
        path = self.folder / name
        path.mkdir()
        return path


def unavailable(**_):
    raise launch.PeerUnavailable("node is not installed")


def test_the_fixture_skips_with_the_reason(monkeypatch, tmp_path):
    monkeypatch.delenv("PEERS_REQUIRED", raising=False)
    with pytest.raises(pytest.skip.Exception, match="oidc peer unavailable: node is not installed"):
        PeerStarter(FakeFactory(tmp_path))._start("oidc", unavailable)


def test_the_fixture_fails_instead_when_peers_are_required(monkeypatch, tmp_path):
    monkeypatch.setenv("PEERS_REQUIRED", "1")
    with pytest.raises(pytest.fail.Exception, match="PEERS_REQUIRED is set but the oidc peer is unavailable"):
        PeerStarter(FakeFactory(tmp_path))._start("oidc", unavailable)


def python_server(port_line: str) -> list[str]:
    return [sys.executable, "-c", port_line]


def test_a_peer_that_dies_at_start_reports_its_log(tmp_path):
    log = tmp_path / "dead.log"
    with pytest.raises(process.PeerFailedToStart, match=r"exited with 3(.|\n)*config file is broken"):
        process.spawn(python_server("import sys; print('config file is broken'); sys.exit(3)"), env={},
                      cwd=tmp_path, log_path=log, ready_url="http://127.0.0.1:9/", timeout=10)


def test_a_peer_that_never_answers_is_stopped_after_the_timeout(tmp_path):
    with pytest.raises(process.PeerFailedToStart, match="no answer"):
        process.spawn(python_server("import time; time.sleep(60)"), env={}, cwd=tmp_path,
                      log_path=tmp_path / "slow.log", ready_url="http://127.0.0.1:9/", timeout=0.5)


SERVE = ("import http.server, sys; port = int(sys.argv[1]); "
         "http.server.ThreadingHTTPServer(('127.0.0.1', port), http.server.SimpleHTTPRequestHandler).serve_forever()")


def test_a_port_taken_meanwhile_is_retried_on_another(tmp_path, monkeypatch):
    """The first port offered is already listened on: the launcher sees the clash in the log and moves on."""
    import socket

    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    taken = busy.getsockname()[1]
    ports = iter([taken, process.free_port()])
    monkeypatch.setattr(process, "free_port", lambda: next(ports))

    def build(port: int):
        return [sys.executable, "-c", SERVE, str(port)], {}, f"http://127.0.0.1:{port}/"

    try:
        started, _, port = process.spawn_on_free_port(build, cwd=tmp_path, log_path=tmp_path / "retry.log")
    finally:
        busy.close()
    try:
        assert port != taken
        assert "Address already in use" in (tmp_path / "retry.log").read_text()
        assert process.answers(f"http://127.0.0.1:{port}/")
    finally:
        process.stop_process(started)


def test_stop_ends_the_process_group_and_runs_cleanups(tmp_path):
    child_pid_file = tmp_path / "child.pid"
    # A peer that starts a helper of its own: both must go when the peer stops.
    script = ("import subprocess, sys, http.server; "
              f"child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); "
              f"open({str(child_pid_file)!r}, 'w').write(str(child.pid)); "
              "http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), "
              "http.server.SimpleHTTPRequestHandler).serve_forever()")
    port = process.free_port()
    started, _ = process.spawn([sys.executable, "-c", script, str(port)], env={}, cwd=tmp_path,
                               log_path=tmp_path / "group.log", ready_url=f"http://127.0.0.1:{port}/")
    cleaned = []
    peer = process.Peer(name="demo", url=f"http://127.0.0.1:{port}", workdir=tmp_path, process=started,
                        on_stop=[lambda: cleaned.append(True)])
    peer.stop()
    peer.stop()  # idempotent
    assert started.poll() is not None and cleaned == [True]
    child_pid = int(child_pid_file.read_text())

    def child_gone() -> bool:
        try:
            return "zombie" in Path(f"/proc/{child_pid}/status").read_text()
        except FileNotFoundError:
            return True

    # The helper got the signal with its group; on a loaded machine it may take a moment to be scheduled and die.
    deadline = time.monotonic() + 5
    while not child_gone() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert child_gone()


def test_the_environment_of_the_app_does_not_leak_into_a_peer(monkeypatch):
    monkeypatch.setenv("VIRTUAL_ENV", "/work/.venv")
    monkeypatch.setenv("PYTHONPATH", "/work")
    env = process.child_env({"RALPH_RUNSERVER_BACKEND": "fs"})
    assert "VIRTUAL_ENV" not in env and "PYTHONPATH" not in env and env["RALPH_RUNSERVER_BACKEND"] == "fs"


@pytest.mark.parametrize("page, expected", [
    ('<input type="hidden" name="SAMLResponse" value="PHNhbWw+">', {"SAMLResponse": "PHNhbWw+"}),
    ("<input name='_authnRequest' type='hidden' value='eyJpZCI6&#x3D;'>", {"_authnRequest": "eyJpZCI6="}),
    ('<INPUT TYPE="HIDDEN" NAME="RelayState" VALUE="">', {"RelayState": ""}),
    ('<input type="text" name="userName" value="alice">', {}),
    ('<input type="hidden" value="no name">', {}),
])
def test_hidden_inputs_are_read_as_a_browser_posts_them(page, expected):
    assert hidden_inputs(page) == expected


def test_the_form_action_is_unescaped():
    assert form_action('<form method="post" action="http://sp.example.com/acs?a=1&amp;b=2">') == \
        "http://sp.example.com/acs?a=1&b=2"
    assert form_action("<p>no form</p>") is None

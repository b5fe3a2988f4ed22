"""Start a peer as a child process on 127.0.0.1, wait until it answers, capture its log, stop it.

Standard library only, so the launcher works before any extra is installed and can say plainly
what is missing (PeerUnavailable) instead of failing on an import.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

PEERS_DIR = Path(__file__).resolve().parent
ROOT = PEERS_DIR.parent
# How long a peer may take to answer after its process started (Ralph is the slowest, about 2 s).
DEFAULT_START_TIMEOUT = 30.0
STOP_GRACE_SECONDS = 5.0
PORT_CLASH_MARKERS = ("EADDRINUSE", "address already in use", "Errno 98")
# Not passed on to a peer: the app's virtualenv must not leak into Ralph's own interpreter.
PRIVATE_ENV = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")


class PeerUnavailable(RuntimeError):
    """The peer's runtime or installation is missing: a test should skip with this message."""


class PeerFailedToStart(RuntimeError):
    """The peer was installed but did not come up; the message ends with the tail of its log."""


def free_port() -> int:
    """A port nobody listens on right now (the peer binds it a moment later; a clash is retried)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_workdir(name: str, workdir: Path | str | None) -> Path:
    """The folder for a peer's log, keys and data: the caller's, or a fresh temporary one."""
    if workdir is None:
        return Path(tempfile.mkdtemp(prefix=f"peer-{name}-"))
    path = Path(workdir)
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass(kw_only=True)
class Peer:
    """A running peer: where it listens, where its log is, and how to stop it (also on `with`)."""

    name: str
    url: str
    workdir: Path
    log_path: Path | None = None
    started_in: float = 0.0
    process: subprocess.Popen | None = field(default=None, repr=False)
    on_stop: list[Callable[[], None]] = field(default_factory=list, repr=False)

    def stop(self) -> None:
        """Stop the process (SIGTERM, then SIGKILL after a grace period) and run cleanups; idempotent."""
        if self.process is not None:
            stop_process(self.process)
            self.process = None
        while self.on_stop:
            self.on_stop.pop()()

    def log_text(self) -> str:
        """What the peer wrote so far: for a failing test's message."""
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


def stop_process(process: subprocess.Popen) -> None:
    """Stop the process group the peer leads, so helpers it spawned go too."""
    if process.poll() is not None:
        return
    _signal_group(process, signal.SIGTERM)
    try:
        process.wait(STOP_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        _signal_group(process, signal.SIGKILL)
        process.wait(STOP_GRACE_SECONDS)


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass


def child_env(extra: dict[str, str]) -> dict[str, str]:
    """This process's environment without PRIVATE_ENV, plus the peer's own settings."""
    return {**{key: value for key, value in os.environ.items() if key not in PRIVATE_ENV}, **extra}


def log_tail(path: Path, lines: int = 30) -> str:
    if not path.exists():
        return "(no log)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def answers(url: str) -> bool:
    """True once the URL gives any HTTP answer below 500."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status < 500
    except urllib.error.HTTPError as error:
        return error.code < 500
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def wait_until_ready(process: subprocess.Popen, ready_url: str, log_path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise PeerFailedToStart(f"exited with {process.returncode} before answering {ready_url}:\n"
                                    f"{log_tail(log_path)}")
        if answers(ready_url):
            return
        time.sleep(0.05)
    stop_process(process)
    raise PeerFailedToStart(f"no answer from {ready_url} within {timeout:.0f} s:\n{log_tail(log_path)}")


def spawn(argv: list[str], *, env: dict[str, str], cwd: Path, log_path: Path, ready_url: str,
          timeout: float = DEFAULT_START_TIMEOUT) -> tuple[subprocess.Popen, float]:
    """Start argv with its output in log_path; return the process once ready_url answers, and the time it took."""
    started = time.monotonic()
    with open(log_path, "ab") as log:
        process = subprocess.Popen(argv, cwd=cwd, env=child_env(env), stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    wait_until_ready(process, ready_url, log_path, timeout)
    return process, time.monotonic() - started


def spawn_on_free_port(build: Callable[[int], tuple[list[str], dict[str, str], str]], *, cwd: Path,
                       log_path: Path, timeout: float = DEFAULT_START_TIMEOUT,
                       attempts: int = 3) -> tuple[subprocess.Popen, float, int]:
    """Pick a port, build (argv, env, ready_url) for it and start; another port if that one was taken meanwhile."""
    for attempt in range(attempts):
        port = free_port()
        argv, env, ready_url = build(port)
        try:
            process, took = spawn(argv, env=env, cwd=cwd, log_path=log_path, ready_url=ready_url, timeout=timeout)
            return process, took, port
        except PeerFailedToStart as error:
            clash = any(marker in str(error) for marker in PORT_CLASH_MARKERS)
            if not clash or attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")

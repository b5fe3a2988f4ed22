"""Real servers for the proof: prepare a database with the app's own commands, run gunicorn on it.

Used by the browser tests (tests/e2e), the scale-out test, `make bench`, `make scan` and the load
harness, so that every one of them exercises the app the way production runs it: a separate
process, configured through environment variables only, on 127.0.0.1.
"""
from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEMO_ROLES = ("employee", "manager", "hr", "marketing", "reviewer", "admin")
# A weaker password hash than production (scrypt N=2^17) keeps logins quick under test and load;
# it is an ordinary setting (PASSWORD_HASH_METHOD), not a test switch.
FAST_HASH = "scrypt:1024:8:1"

# The schema from the models, as the test suite builds it. Once the lead has regenerated the
# migration, `flask db upgrade` would do the same; create_all stays right while models move.
CREATE_SCHEMA = """
from advocacy import create_app
from advocacy.core.db import db
app = create_app()
with app.app_context():
    db.create_all()
"""


def demo_email(role: str) -> str:
    return f"{role}@demo.example"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(database_url: str, **overrides: str) -> dict[str, str]:
    """The environment of one deployment: everything the app reads comes from here."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("FLASK_", "DATABASE_URL", "RATELIMIT_", "SECRET_KEY", "MAIL_", "QUEUE_"))}
    env.update({
        "FLASK_APP": "advocacy",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": database_url,
        "PASSWORD_HASH_METHOD": FAST_HASH,
        "PYTHONUNBUFFERED": "1",
        # Its own job queue, never the one of `make run` in instance/.
        "QUEUE_URL": "sqlite:///" + os.path.join(tempfile.mkdtemp(prefix="adv-queue-"), "queue.sqlite3"),
    })
    env.update(overrides)
    return env


def _run(args: list[str], env: dict, what: str) -> subprocess.CompletedProcess:
    result = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def _flask(env: dict, *args: str) -> list[str]:
    return [PYTHON, "-m", "flask", *args]


def flask_command_has(env: dict, command: list[str], needle: str) -> bool:
    """Whether `flask <command> --help` mentions `needle`: commands other engineers are still adding
    (content sync, demo --employees) are used as soon as they exist."""
    result = subprocess.run(_flask(env, *command, "--help"), env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    return result.returncode == 0 and needle in result.stdout


@dataclass
class Prepared:
    env: dict
    password: str
    notes: list[str] = field(default_factory=list)


def prepare_database(env: dict, password: str | None = None, employees: int | None = None,
                     log=print, content: Path | str = ROOT / "advocacy" / "content") -> Prepared:
    """Schema, curriculum and demo people (one login per role at <role>@demo.example)."""
    password = password or secrets.token_urlsafe(12)
    prepared = Prepared(env=env, password=password)
    _run([PYTHON, "-c", CREATE_SCHEMA], env, "creating the schema")
    if flask_command_has(env, ["content"], "sync"):
        _run(_flask(env, "content", "sync", str(content)), env, f"flask content sync {content}")
    else:
        prepared.notes.append("`flask content sync` does not exist yet: no curriculum loaded")
    demo = _flask(env, "demo", "--password", password)
    if employees:
        if flask_command_has(env, ["demo"], "--employees"):
            demo += ["--employees", str(employees)]
        else:
            prepared.notes.append(f"`flask demo --employees` does not exist yet: no {employees}-person organisation")
    _run(demo, env, "flask demo")
    for note in prepared.notes:
        log(f"note: {note}")
    return prepared


def content_with_quiz_settings(destination: Path, settings: dict[str, str]) -> Path:
    """A copy of content/ whose courses' [quiz] settings are changed, e.g. a cooldown of seconds
    for the browser tests: the same content format an organisation would edit, no test switch."""
    destination = Path(destination)
    shutil.copytree(ROOT / "advocacy" / "content", destination, dirs_exist_ok=True)
    for course in destination.glob("*/*/course.md"):
        text = course.read_text(encoding="utf-8")
        if "[quiz]" not in text:
            continue  # a translation: quiz settings are the English course's
        for key, value in settings.items():
            text, found = re.subn(rf"(?m)^{re.escape(key)}\s*=.*$", f"{key} = {value}", text)
            if not found:
                raise ValueError(f"{course}: no quiz setting {key} to change")
        course.write_text(text, encoding="utf-8")
    return destination


def _gunicorn_has_control_socket() -> bool:
    from gunicorn.config import KNOWN_SETTINGS

    return any(setting.name == "control_socket_disable" for setting in KNOWN_SETTINGS)


def run_python(env: dict, code: str, *args: str) -> str:
    """Run a snippet in the deployment's environment (e.g. to make many people in one go)."""
    return _run([PYTHON, "-c", code, *args], env, "a setup script").stdout


def add_person(env: dict, email: str, name: str, roles: str, password: str) -> None:
    _run(_flask(env, "users", "create", email, "--name", name, "--roles", roles, "--password", password),
         env, f"flask users create {email}")


class Server:
    """gunicorn serving the app (or another WSGI app) on 127.0.0.1; start, restart, stop."""

    def __init__(self, env: dict, *, app: str = "advocacy:create_app()", workers: int = 2,
                 threads: int = 1, port: int | None = None, log_path: Path | None = None,
                 extra_args: tuple[str, ...] = ()):
        self.env, self.app, self.workers, self.threads = env, app, workers, threads
        self.port = port or free_port()
        self.log_path = Path(log_path) if log_path else None
        self.extra_args = extra_args
        self.process: subprocess.Popen | None = None
        self._log = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        args = [PYTHON, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
                "--graceful-timeout", "10", "--timeout", "60"]
        if _gunicorn_has_control_socket():
            args.append("--no-control-socket")  # one per user by default: parallel servers would share it
        if self.threads > 1:
            args += ["--threads", str(self.threads)]
        return args + list(self.extra_args) + [self.app]

    def start(self, wait: float = 30.0) -> "Server":
        env = dict(self.env, PUBLIC_URL=self.env.get("PUBLIC_URL") or self.url)
        if self.log_path:
            self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(self.command(), env=env, cwd=ROOT, stdin=subprocess.DEVNULL,
                                        stdout=self._log or subprocess.DEVNULL, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        self.wait_ready(wait)
        return self

    def wait_ready(self, wait: float = 30.0, path: str = "/healthz") -> None:
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + path, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the server did not answer {path} within {wait} s:\n{self.log_tail()}")

    def reload(self) -> None:
        """HUP: gunicorn starts new workers and lets the old ones finish their requests."""
        self.process.send_signal(signal.SIGHUP)

    def restart(self, wait: float = 30.0) -> None:
        """Stop (TERM: requests in flight finish) and start again on the same port."""
        self.stop()
        self.start(wait)

    def kill(self) -> None:
        """The hard way: no graceful shutdown, as a crash or an OOM kill."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        if self._log:
            self._log.close()
            self._log = None

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path or not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def __enter__(self) -> "Server":
        return self.start() if self.process is None else self

    def __exit__(self, *exc) -> None:
        self.stop()

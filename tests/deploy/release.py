"""The release as an operator gets it, deployed by the README's own steps (tests/deploy).

`make dist` builds the wheel from a clean export of HEAD; the "Deploying" section's steps block runs
verbatim in a folder outside the source tree, with the settings block's variables given local
values: a fresh PostgreSQL database, Redis database 4 (DEPLOY_REDIS_URL), a secret key in a file.
"""
from __future__ import annotations

import os
import re
import secrets
import shlex
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
ADMIN_EMAIL = "you@example.com"
LISTENING = re.compile(r"Listening at: (http://127\.0\.0\.1:\d+)")


def readme_block(marker: str) -> str:
    """The fenced block that follows `<!-- deploy:<marker> ... -->` in the README."""
    text = README.read_text()
    match = re.search(r"<!-- deploy:" + marker + r"\b[^>]*-->\s*```sh\n(.*?)```", text, re.S)
    if not match:
        raise AssertionError(f"README.md has no ```sh block after <!-- deploy:{marker} -->")
    return match.group(1)


def settings_names() -> list[str]:
    """The variables the README's settings block exports."""
    names = []
    for line in readme_block("settings").splitlines():
        words = shlex.split(line, comments=True)
        if words[:1] == ["export"]:
            names += [word.split("=", 1)[0] for word in words[1:] if "=" in word]
    return names


def server_url() -> str:
    """A PostgreSQL server to make scratch databases on (libpq form)."""
    url = os.environ.get("PG_SERVER_URL") or os.environ.get("TEST_DATABASE_URL") or \
        "postgresql://postgres@127.0.0.1:5432/postgres"
    return url.replace("postgresql+psycopg://", "postgresql://")


def database_url(name: str) -> str:
    return server_url().rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + "/" + name


def libpq_url(name: str) -> str:
    return server_url().rsplit("/", 1)[0] + "/" + name


def admin_sql(statement: str) -> None:
    import psycopg

    with psycopg.connect(server_url(), autocommit=True, connect_timeout=5) as conn:
        conn.execute(statement)


def create_database() -> str:
    name = "adv_deploy_" + secrets.token_hex(4)
    admin_sql(f'CREATE DATABASE "{name}"')
    return name


def drop_database(name: str) -> None:
    admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Timer:
    marks: list[tuple[str, float]] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def mark(self, what: str) -> None:
        self.marks.append((what, time.monotonic() - self.started))

    def report(self) -> str:
        previous, parts = 0.0, []
        for what, at in self.marks:
            parts.append(f"{what} {at - previous:.1f} s")
            previous = at
        return ", ".join(parts) + f"; total {previous:.1f} s"


def build_release(destination: Path) -> Path:
    """`make dist` into destination: the wheel from a clean export of HEAD, and requirements.txt."""
    subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), "dist", f"DIST={destination}",
                    f"DIST_PYTHON={sys.executable}"], check=True, capture_output=True, text=True, timeout=600)
    wheels = list(destination.glob("advocacy-*.whl"))
    assert len(wheels) == 1, wheels
    assert (destination / "requirements.txt").is_file()
    return wheels[0]


def deploy_env(folder: Path, database: str, redis_url: str) -> dict[str, str]:
    """Local values for every variable of the README's settings block, and a clean environment
    otherwise (no PYTHONPATH, no virtualenv of the source tree on PATH)."""
    secret = folder / "secret_key"
    secret.write_text(secrets.token_hex(32) + "\n")
    mail_password = folder / "mail_password"
    mail_password.write_text("unused: MAIL_SERVER is empty, so mail goes to the log\n")
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": os.environ.get("HOME", str(folder)), "LANG": "C.UTF-8",
        "ADVOCACY_ENV": "production",
        "SECRET_KEY_FILE": str(secret),
        "DATABASE_URL": database_url(database),
        "RATELIMIT_STORAGE_URI": redis_url,
        "PUBLIC_URL": "http://127.0.0.1", "PROXY_COUNT": "0",
        "MAIL_SERVER": "", "MAIL_USERNAME": "", "MAIL_PASSWORD_FILE": str(mail_password),
        "MAIL_SENDER": "Advocacy <advocacy@example.com>",
        # The servers of the tests listen on an ephemeral port (the README: 127.0.0.1:8000).
        "GUNICORN_CMD_ARGS": "--bind 127.0.0.1:0 --workers 2",
    }
    for name in ("PIP_FIND_LINKS", "PIP_CERT", "PIP_DEFAULT_TIMEOUT", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL",
                 "PIP_DISABLE_PIP_VERSION_CHECK", "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY",
                 "no_proxy", "NO_PROXY"):
        if name in os.environ:  # how this machine reaches a package index, not app settings
            env[name] = os.environ[name]
    return env


class Shell:
    """A bash script run in its own session (so the password prompt reads stdin and the whole group
    can be stopped), its output collected line by line."""

    def __init__(self, script: str, cwd: Path, env: dict[str, str], stdin: str = ""):
        self.process = subprocess.Popen(["bash", "-euo", "pipefail", "-c", script], cwd=cwd, env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True, start_new_session=True)
        assert self.process.stdin is not None
        self.process.stdin.write(stdin)
        self.process.stdin.close()
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, pattern: re.Pattern, timeout: float) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                match = pattern.search(line)
                if match:
                    return match
            if self.process.poll() is not None:
                time.sleep(0.2)  # let the reader catch the last lines
                raise AssertionError(f"exited with {self.process.returncode} before {pattern.pattern!r}:\n"
                                     + self.output[-6000:])
            time.sleep(0.1)
        raise AssertionError(f"no {pattern.pattern!r} within {timeout} s:\n" + self.output[-6000:])

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._reader.join(timeout=5)


def wait_until_ready(base_url: str, timeout: float = 30.0) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.2)

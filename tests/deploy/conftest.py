"""One deployment for the module's tests: the README's steps from a fresh wheel (tests/deploy/release.py)."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..conftest import IN_CI
from . import release

REDIS_URL = os.environ.get("DEPLOY_REDIS_URL", "redis://127.0.0.1:6379/4")
ADMIN_PASSWORD = "deploy-" + secrets.token_urlsafe(12)


def unavailable(what: str, error: Exception) -> None:
    if IN_CI:
        pytest.fail(f"{what} is unreachable under CI=true: {error}")
    pytest.skip(f"needs {what} (the deploy test runs on a real server): {error}")


@pytest.fixture(scope="session")
def peers_for_deploy():
    import psycopg
    import redis

    try:
        psycopg.connect(release.server_url(), connect_timeout=5).close()
    except psycopg.OperationalError as error:
        unavailable(f"PostgreSQL at {release.server_url()}", error)
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        unavailable(f"Redis at {REDIS_URL}", error)
    finally:
        client.close()


@dataclass
class Deployment:
    folder: Path
    env: dict[str, str]
    database: str
    base_url: str
    shell: release.Shell
    timer: release.Timer


@pytest.fixture(scope="session")
def deployment(peers_for_deploy, tmp_path_factory):
    """The README's steps, verbatim, in a fresh folder outside the source tree; gunicorn left serving."""
    timer = release.Timer()
    folder = tmp_path_factory.mktemp("release")
    assert not folder.resolve().is_relative_to(release.ROOT)
    release.build_release(folder)
    timer.mark("make dist")
    database = release.create_database()
    env = release.deploy_env(folder, database, REDIS_URL)
    missing = set(release.settings_names()) - set(env)
    assert not missing, f"the README's settings block names {missing}, which the deploy test does not set"
    shell = release.Shell(release.readme_block("steps"), folder, env, stdin=f"{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\n")
    try:
        base_url = shell.wait_for(release.LISTENING, timeout=600).group(1)
        timer.mark("the README's steps up to gunicorn listening")
        release.wait_until_ready(base_url)
        timer.mark("first answer")
        yield Deployment(folder, env, database, base_url, shell, timer)
    finally:
        shell.stop()
        release.drop_database(database)
        print(f"\ndeploy timings: {timer.report()}")

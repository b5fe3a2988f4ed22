"""Scale-out: two app servers (gunicorn, different ports) over one PostgreSQL and one Redis.

Runs where TEST_DATABASE_URL points at PostgreSQL (as in the second step of .ci/run) and Redis
answers on 127.0.0.1:6379; otherwise it is skipped, except under CI=true, where a missing Redis
fails it. It makes its own scratch database on the PostgreSQL server and uses one Redis database
number, removing only the keys it made.
"""
from __future__ import annotations

import os
import secrets

import pytest

from bench.httpclient import Session
from bench.liveserver import Server, add_person, base_env, demo_email, prepare_database

from ..conftest import IN_CI

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

REDIS_URL = os.environ.get("SCALEOUT_REDIS_URL", "redis://127.0.0.1:6379/9")


@pytest.fixture(scope="module")
def redis_client():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        if IN_CI:
            pytest.fail(f"Redis at {REDIS_URL} is unreachable under CI=true: {error}")
        pytest.skip(f"needs Redis at {REDIS_URL}: {error}")
    yield client
    client.close()


@pytest.fixture(scope="module")
def scratch_database():
    import psycopg

    server = os.environ["TEST_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    name = f"advocacy_scaleout_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield os.environ["TEST_DATABASE_URL"].rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def two_servers(scratch_database, redis_client, tmp_path_factory):
    """Servers A and B: one database, one Redis, one SECRET_KEY, as two hosts behind a balancer."""
    logs = tmp_path_factory.mktemp("scaleout")
    env = base_env(scratch_database, RATELIMIT_STORAGE_URI=REDIS_URL)
    prepared = prepare_database(env)
    servers = [Server(env, workers=1, log_path=logs / f"{name}.log") for name in "ab"]
    try:
        for server in servers:
            server.start()
        yield servers[0], servers[1], prepared
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def stranger(two_servers, redis_client):
    """A person of this run only, so the login counters in Redis are this test's alone."""
    _, _, prepared = two_servers
    email = f"scaleout-{secrets.token_hex(4)}@demo.example"
    add_person(prepared.env, email, "Sam Scaleout", "employee", prepared.password)
    yield email
    for key in redis_client.scan_iter(match=f"*{email}*"):
        redis_client.delete(key)


def other_server_with_cookies(session: Session, server: Server) -> Session:
    moved = Session(server.url)
    moved.cookies = dict(session.cookies)
    return moved


def test_a_session_made_on_one_server_works_on_the_other(two_servers):
    a, b, prepared = two_servers
    on_a = Session(a.url)
    assert on_a.login(demo_email("employee"), prepared.password).status == 302
    on_b = other_server_with_cookies(on_a, b)
    home = on_b.get("/home")
    assert home.status == 200, f"server B sent the person from A to {home.location}"
    assert "Log out" in home.text


def test_logging_out_on_one_server_ends_the_session_on_the_other(two_servers, stranger):
    a, b, prepared = two_servers
    on_a = Session(a.url)
    assert on_a.login(stranger, prepared.password).status == 302
    on_b = other_server_with_cookies(on_a, b)
    assert on_b.submit("/home", {}, action="/logout").status == 302
    after = on_a.get("/home")
    assert after.status == 302 and "/login" in after.location


def test_the_login_limit_counts_failures_on_both_servers_together(two_servers, stranger):
    a, b, prepared = two_servers
    browsers = [Session(a.url), Session(b.url)]
    for attempt in range(5):  # A, B, A, B, A: neither server alone saw five
        failed = browsers[attempt % 2].login(stranger, "not the password")
        assert failed.status == 200 and "do not match" in failed.text
    for browser in browsers:
        assert browser.login(stranger, prepared.password).status == 429, f"{browser.port} let a sixth try in"

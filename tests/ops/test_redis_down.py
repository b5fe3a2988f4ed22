"""With the rate-limit store (Redis) unreachable, signing in says plainly that it is paused (fail
closed: no login without the shared failure counters), readiness says which check failed, and no
page is a bare 500. A closed port on 127.0.0.1 stands for Redis down; the real Redis for up."""
from __future__ import annotations

import socket

import pytest
from freezegun import freeze_time

from advocacy.core.db import db
from advocacy.core.extensions import limiter
from advocacy.core.health import RECHECK_SECONDS
from advocacy.core.logs import HEADER

from ..conftest import PASSWORD
from ..factories import create_user

REDIS_UP = "redis://127.0.0.1:6379/5"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nobody listens there


@pytest.fixture
def redis_down(make_app):
    url = f"redis://127.0.0.1:{closed_port()}/5"
    return make_app(RATELIMIT_STORAGE_URI=url), url


def test_the_login_page_says_signing_in_is_paused_with_a_reference(redis_down):
    app, _url = redis_down
    response = app.test_client().get("/login")
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    html = response.get_data(as_text=True)
    assert "Signing in is temporarily unavailable" in html
    assert response.headers[HEADER] in html
    assert 'name="password"' not in html, "no form that cannot work"


def test_the_page_is_in_dutch_for_a_dutch_browser(redis_down):
    app, _url = redis_down
    html = app.test_client().get("/login", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "Inloggen is tijdelijk niet mogelijk" in html and "vermeld dan deze code" in html


def test_a_right_password_does_not_sign_in_while_failures_cannot_be_counted(redis_down):
    app, _url = redis_down
    with app.app_context():
        create_user("emma@example.com", "Emma")
        db.session.commit()
    client = app.test_client()
    response = client.post("/login", data={"email": "emma@example.com", "password": PASSWORD})
    assert response.status_code == 503
    assert "Signing in is temporarily unavailable" in response.get_data(as_text=True)
    assert client.get("/home").status_code == 302, "still not logged in"


def test_a_rate_limited_form_is_a_clear_503_not_a_500(redis_down):
    app, _url = redis_down
    response = app.test_client().post("/reset", data={"email": "emma@example.com"})
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "This page is temporarily unavailable" in html and response.headers[HEADER] in html


def test_readiness_names_the_store_without_its_address(redis_down):
    app, url = redis_down
    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["failed"] == ["rate_limit_store"]
    assert response.json["checks"] == {"database": "ok", "rate_limit_store": "unavailable", "job_queue": "ok"}
    assert url.split("//")[1].encode() not in response.data


@pytest.fixture
def redis_up(make_app):
    import redis

    client = redis.Redis.from_url(REDIS_UP, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        pytest.skip(f"needs Redis at {REDIS_UP}: {error}")
    app = make_app(RATELIMIT_STORAGE_URI=REDIS_UP)
    yield app
    for key in client.scan_iter(match="LIMITS:*"):
        client.delete(key)
    client.close()


def test_with_redis_up_signing_in_works_and_the_instance_is_ready(redis_up):
    with redis_up.app_context():
        create_user("ops-redis@example.com", "Olga")
        db.session.commit()
    client = redis_up.test_client()
    assert client.get("/login").status_code == 200
    assert client.get("/readyz").json == {"status": "ok", "checks": {"database": "ok", "rate_limit_store": "ok", "job_queue": "ok"}}
    response = client.post("/login", data={"email": "ops-redis@example.com", "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.slow
def test_a_redis_that_accepts_but_never_answers_is_down_too_not_a_hang(make_app):
    """A stuck Redis (a full network path, a frozen server): the connection opens, no answer comes.
    The client's socket timeout (a few seconds) ends the wait, and the page says what is wrong."""
    with socket.socket() as stuck:
        stuck.bind(("127.0.0.1", 0))
        stuck.listen(8)  # the kernel accepts connections; nobody ever reads or answers
        app = make_app(RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{stuck.getsockname()[1]}/5")
        response = app.test_client().get("/login")
    assert response.status_code == 503
    assert "Signing in is temporarily unavailable" in response.get_data(as_text=True)


def test_a_store_found_down_is_asked_again_only_after_a_few_seconds(redis_down, monkeypatch):
    """Each question to a stuck Redis waits for the client's timeout: the login pages of the next
    seconds answer at once instead of each holding a worker."""
    app, _url = redis_down
    asked = []
    storage = limiter.storage
    real_check = storage.check
    monkeypatch.setattr(storage, "check", lambda: asked.append(1) or real_check())
    client = app.test_client()
    with freeze_time("2026-12-03 09:00:00", tick=False) as frozen:
        assert client.get("/login").status_code == 503
        assert client.post("/login", data={"email": "a@example.com", "password": "x"}).status_code == 503
        assert client.get("/readyz").status_code == 503
        assert len(asked) == 1
        frozen.tick(RECHECK_SECONDS + 1)
        assert client.get("/login").status_code == 503
        assert len(asked) == 2

"""Liveness touches nothing; readiness names what is down, and nothing more."""
from __future__ import annotations

import pytest

from advocacy.core.health import add_readiness_check


def test_ready_when_everything_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"database": "ok"}}


def test_a_registered_check_that_fails_or_raises_makes_the_instance_unready(make_app):
    app = make_app()
    add_readiness_check(app, "queue", lambda: False)

    def broken():
        raise ConnectionError("redis://:hunter2@queue.internal:6379/0 refused")

    add_readiness_check(app, "search", broken)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"] == {"database": "ok", "queue": "unavailable", "search": "unavailable"}
    assert response.json["failed"] == ["queue", "search"]
    assert b"hunter2" not in response.data and b"queue.internal" not in response.data
    assert app.test_client().get("/healthz").status_code == 200


def test_a_check_is_registered_once(make_app):
    app = make_app()
    add_readiness_check(app, "queue", lambda: True)
    with pytest.raises(ValueError, match="queue"):
        add_readiness_check(app, "queue", lambda: True)

"""Liveness touches nothing; readiness names what is down, and nothing more."""
from __future__ import annotations

import pytest

from advocacy.core.health import add_readiness_check


def test_ready_when_everything_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"database": "ok", "job_queue": "ok"}}


def test_a_registered_check_that_fails_or_raises_makes_the_instance_unready(make_app):
    app = make_app()
    add_readiness_check(app, "queue", lambda: False)

    def broken():
        raise ConnectionError("redis://:hunter2@queue.internal:6379/0 refused")

    add_readiness_check(app, "search", broken)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"] == {"database": "ok", "job_queue": "ok", "queue": "unavailable",
                                       "search": "unavailable"}
    assert response.json["failed"] == ["queue", "search"]
    assert b"hunter2" not in response.data and b"queue.internal" not in response.data
    assert app.test_client().get("/healthz").status_code == 200


def test_a_check_is_registered_once(make_app):
    app = make_app()
    add_readiness_check(app, "queue", lambda: True)
    with pytest.raises(ValueError, match="queue"):
        add_readiness_check(app, "queue", lambda: True)


def test_a_job_queue_that_does_not_answer_makes_the_instance_unready(make_app):
    """Redis for the queue on a closed port: readiness names the queue, liveness stays up."""
    app = make_app(QUEUE_URL="redis://127.0.0.1:9/0", QUEUE_IMMEDIATE=False)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["failed"] == ["job_queue"]
    assert app.test_client().get("/healthz").status_code == 200

"""xAPI tests: an LRS (Ralph, started by the tests on 127.0.0.1) and the app configured for it."""
from __future__ import annotations

import pytest

from peers.fixtures import start_peer, start_session_peer  # noqa: F401

from advocacy.core.jobs import queue_of

SETTINGS = ("XAPI_ENDPOINT", "XAPI_USERNAME", "XAPI_PASSWORD", "XAPI_ACTOR", "XAPI_ACCOUNT_HOMEPAGE",
            "XAPI_VERSION", "XAPI_BATCH_SIZE", "XAPI_CLAIM_TIMEOUT")


@pytest.fixture
def xapi_config(app):
    """xapi_config(endpoint=..., ...) sets the XAPI_* settings for this test; undone after it."""
    saved = {name: app.config.get(name) for name in SETTINGS}

    def configure(endpoint: str, username: str = "", password: str = "", **more):
        app.config.update(XAPI_ENDPOINT=endpoint, XAPI_USERNAME=username, XAPI_PASSWORD=password,
                          **{f"XAPI_{key.upper()}": value for key, value in more.items()})

    yield configure
    app.config.update(saved)


@pytest.fixture
def lrs(start_peer, app, db, xapi_config):
    """A fresh Ralph for this test, and the app sending to it."""
    peer = start_peer.lrs()
    xapi_config(peer.endpoint, peer.username, peer.password)
    return peer


@pytest.fixture
def queued(app):
    """Jobs wait on the queue (as with a real worker) instead of running at once."""
    huey = queue_of(app).huey
    huey.immediate = False
    yield queue_of(app)
    huey.immediate = True

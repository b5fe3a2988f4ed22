"""SCIM tests: a token, a client that sends it, and the app served over real HTTP on 127.0.0.1."""
from __future__ import annotations

import threading

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from advocacy.identity.scim.tokens import create_token
from peers.fixtures import start_peer, start_session_peer  # noqa: F401

SCIM_JSON = "application/scim+json"


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


@pytest.fixture
def scim_token(db):
    """The raw value of a fresh token (named "Entra ID")."""
    _token, raw = create_token("Entra ID")
    db.session.commit()
    return raw


@pytest.fixture
def scim(client, scim_token):
    """scim.get/post/put/patch/delete(path, json=...) against /scim/v2 with the bearer token."""

    class Scim:
        token = scim_token

        def open(self, method, path, json=None, token=None, **kwargs):
            headers = {"Authorization": f"Bearer {token or scim_token}"}
            if json is not None:
                kwargs.setdefault("content_type", SCIM_JSON)
            return client.open("/scim/v2" + path, method=method, json=json, headers=headers, **kwargs)

        def get(self, path, **kwargs):
            return self.open("GET", path, **kwargs)

        def post(self, path, json, **kwargs):
            return self.open("POST", path, json=json, **kwargs)

        def put(self, path, json, **kwargs):
            return self.open("PUT", path, json=json, **kwargs)

        def patch(self, path, json, **kwargs):
            return self.open("PATCH", path, json=json, **kwargs)

        def delete(self, path, **kwargs):
            return self.open("DELETE", path, **kwargs)

    return Scim()


@pytest.fixture
def live_server(app, db):
    """The app on a real HTTP server in a thread, on a free port of 127.0.0.1: its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)

"""The API's tests: a token with every scope, a client that sends it, and a small organisation
with something behind every endpoint (certifications, attempts, posts, shares and clicks on two
days, a deactivated and an erased person)."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from advocacy.api.tokens import SCOPES, create_token
from advocacy.core.db import db as _db
from advocacy.core.privacy import erase_person
from advocacy.feed.sharing import record_share
from advocacy.feed.tracking import count_click

from ..conftest import START
from ..factories import create_department, create_user
from ..feed.factories import create_live_post
from ..quizzes.factories import create_quiz_course, take

API = "/api/v1"


@pytest.fixture
def api_token(db):
    """The raw value of a token with every scope (named "Warehouse")."""
    _token, raw = create_token("Warehouse", SCOPES)
    db.session.commit()
    return raw


@pytest.fixture
def api(client, api_token):
    """api.get(path, token=..., **query) against /api/v1 with the bearer token."""

    class Api:
        token = api_token

        def get(self, path, token=None, headers=None, **query):
            sent = {"Authorization": f"Bearer {token or api_token}", **(headers or {})}
            return client.get(API + path, query_string=query, headers=sent)

    return Api()


@pytest.fixture
def org(db, frozen, tmp_path, employee, other_employee, manager, marketing, reviewer):
    """Sales with a seller who passed the quiz on START and failed it once before, the employee in
    Operations; a leaver (deactivated) and an erased person; a live post shared and clicked on
    START and the day after."""
    frozen(START)
    sales = create_department("Sales")
    seller = create_user("seller@example.com", "Sam Seller", department=sales, roles=["hr"])
    seller.manager_id = manager.id
    leaver = create_user("leaver@example.com", "Lee Leaver", department=sales)
    leaver.active = False
    erased = create_user("erased@example.com", "Eve Erased", department=sales)
    erase_person(erased)
    post = create_live_post(marketing, reviewer, title="Spring event")
    _db.session.commit()
    course = create_quiz_course(tmp_path / "content")
    failed = take(seller, course, right=False, now=START - timedelta(hours=2))
    passed = take(seller, course, right=True, now=START - timedelta(hours=1), seed=2)
    first, _, _ = record_share(post, seller.id, "linkedin", START)
    second, _, _ = record_share(post, employee.id, "x", START + timedelta(days=1))
    for address in ("a", "b"):
        count_click(first.link_id, "key", address, "Firefox", START + timedelta(hours=1))
    count_click(first.link_id, "key", "c", "Firefox", START + timedelta(days=1))
    count_click(second.link_id, "key", "a", "Firefox", START + timedelta(days=1))
    _db.session.commit()
    return {"sales": sales, "seller": seller, "leaver": leaver, "erased": erased, "post": post,
            "course": course, "failed": failed, "passed": passed, "employee": employee}


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


@pytest.fixture
def live_server(app, db):
    """The app on a real HTTP server in a thread, on a free port of 127.0.0.1: its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)

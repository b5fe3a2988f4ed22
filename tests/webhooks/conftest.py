"""Webhook tests: a real HTTP receiver on 127.0.0.1 that checks every delivery's signature with
the standardwebhooks library's own verify, and answers as the test tells it to."""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select, update
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from advocacy.core import events
from advocacy.core.clock import utcnow
from advocacy.core.db import db as _db
from advocacy.core.jobs import queue_of
from advocacy.core.transaction import unit_of_work
from advocacy.webhooks.delivery import EVENT_TYPES
from advocacy.webhooks.endpoints import create_endpoint
from advocacy.webhooks.models import WebhookDelivery


@dataclass
class Received:
    headers: dict
    body: bytes
    verified: dict | None          # the parsed body when the signature held
    error: str | None              # why it did not


@dataclass
class Receiver:
    url: str
    secret: str = ""
    # What to answer, in turn: (status, seconds to wait first); once used up, 200 at once.
    answers: list[tuple[int, float]] = field(default_factory=list)
    got: list[Received] = field(default_factory=list)

    def verified(self) -> list[dict]:
        return [r.verified for r in self.got if r.verified is not None]


def _handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                parsed, error = Webhook(receiver.secret).verify(body, headers), None
            except WebhookVerificationError as failure:
                parsed, error = None, str(failure)
            status, wait = receiver.answers.pop(0) if receiver.answers else (200, 0)
            receiver.got.append(Received(headers, body, parsed, error))
            if wait:
                time.sleep(wait)
            answer = json.dumps({"ok": status < 300}).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
            except OSError:  # the sender gave up waiting
                pass

        def log_message(self, *args) -> None:
            pass

    return Handler


@pytest.fixture
def receiver():
    got = Receiver("")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(got))
    got.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield got
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def no_leftover_jobs(app):
    """Retries scheduled by one test must not run in the next (the ids start again at 1)."""
    queue_of(app).huey.flush()
    yield
    queue_of(app).huey.flush()


@pytest.fixture
def fast_timeout(app):
    saved = app.config["WEBHOOK_TIMEOUT_SECONDS"]
    app.config["WEBHOOK_TIMEOUT_SECONDS"] = 1
    yield
    app.config["WEBHOOK_TIMEOUT_SECONDS"] = saved


@pytest.fixture
def endpoint(app, db, receiver, admin):
    """An endpoint for every event, pointing at the receiver, which knows its secret."""
    with app.test_request_context():
        row, secret = create_endpoint("Data warehouse", receiver.url, list(EVENT_TYPES), admin.id)
        _db.session.commit()
        receiver.secret = secret
        return row.id


# A payload for each event type, with the fields the catalogue (core/events.py) names.
SAMPLES = {
    "certification.earned": dict(person_id=7, certification_id=3, course_slug="basic", tier="basic",
                                 course_version=2, valid_until="2027-03-02"),
    "certification.renewed": dict(person_id=7, certification_id=4, course_slug="basic", tier="basic",
                                  course_version=2, valid_until="2028-03-02"),
    "certification.expired": dict(person_id=7, certification_id=3, course_slug="basic", tier="basic",
                                  expired_at="2027-03-02T00:00:00+00:00"),
    "certification.revoked": dict(person_id=7, certification_id=3, course_slug="basic", tier="basic",
                                  reason="retracted"),
    "post.live": dict(post_id=1, title="We are hiring"),
    "post.withdrawn": dict(post_id=1, title="We are hiring"),
    "person.deactivated": dict(person_id=7, source="scim"),
    "person.reactivated": dict(person_id=7, source="scim"),
    "crisis.started": dict(reason="An incident: hold all sharing."),
    "crisis.ended": dict(),
}


def publish(app, name: str, **payload) -> None:
    """Publish in a unit of work of its own, as a service would (the delivery goes after the commit)."""
    with app.test_request_context(), unit_of_work():
        events.publish(name, **payload)


def deliveries() -> list[WebhookDelivery]:
    _db.session.rollback()
    return list(_db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def retries_due(app) -> int:
    """Bring every waiting retry's time forward to now and run the queue (the scheduled retries)."""
    _db.session.execute(update(WebhookDelivery).where(WebhookDelivery.status == "pending")
                        .values(next_attempt_at=utcnow()))
    _db.session.commit()
    return queue_of(app).run_pending()

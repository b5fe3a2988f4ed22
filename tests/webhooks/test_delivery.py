"""Deliveries against a real receiver on 127.0.0.1 that verifies each signature with standardwebhooks."""
from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
from pathlib import Path

import pytest
from sqlalchemy import update
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from advocacy.core.audit import AuditEntry
from advocacy.core.clock import utcnow
from advocacy.core.db import db as _db
from advocacy.core.jobs import queue_of
from advocacy.core.transaction import unit_of_work
from advocacy.webhooks import delivery
from advocacy.webhooks.delivery import EVENT_TYPES, MAX_ATTEMPTS, RETRY_DELAYS
from advocacy.webhooks.models import WebhookDelivery, WebhookEndpoint

from .conftest import SAMPLES, deliveries, publish, retries_due


def test_every_event_type_arrives_signed_and_verifies(app, endpoint, receiver):
    assert set(SAMPLES) == set(EVENT_TYPES)
    for name, payload in SAMPLES.items():
        publish(app, name, **payload)
    assert [r.error for r in receiver.got] == [None] * len(EVENT_TYPES)
    bodies = receiver.verified()
    assert [body["type"] for body in bodies] == list(SAMPLES)
    for body, (name, payload) in zip(bodies, SAMPLES.items(), strict=True):
        assert body["data"] == payload | {"occurred_at": body["timestamp"]}
    assert all(row.status == "delivered" and row.attempts == 1 and row.response_status == 200 for row in deliveries())
    ids = [r.headers["webhook-id"] for r in receiver.got]
    assert len(set(ids)) == len(ids) and all(i.startswith("msg_") for i in ids)


def test_the_signature_is_hmac_sha256_of_id_timestamp_body(app, endpoint, receiver):
    """What the README's library-free snippet does, checked against a real delivery."""
    publish(app, "post.live", **SAMPLES["post.live"])
    got = receiver.got[0]
    key = base64.b64decode(receiver.secret.removeprefix("whsec_"))
    signed = f"{got.headers['webhook-id']}.{got.headers['webhook-timestamp']}.".encode() + got.body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    assert f"v1,{expected}" in got.headers["webhook-signature"].split(" ")
    assert got.headers["content-type"] == "application/json"


def test_a_tampered_body_or_another_secret_fails_verification(app, endpoint, receiver):
    publish(app, "person.deactivated", person_id=7, source="scim")
    got = receiver.got[0]
    tampered = got.body.replace(b'"person_id":7', b'"person_id":8')
    assert tampered != got.body
    with pytest.raises(WebhookVerificationError):
        Webhook(receiver.secret).verify(tampered, got.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + base64.b64encode(b"another secret, 32 bytes long!!!").decode()).verify(got.body, got.headers)
    Webhook(receiver.secret).verify(got.body, got.headers)  # the untouched one holds


def test_a_500_then_200_is_retried_with_the_same_webhook_id(app, endpoint, receiver, caplog):
    receiver.answers = [(500, 0)]
    with caplog.at_level(logging.WARNING, logger="advocacy.webhooks"):
        publish(app, "certification.earned", **SAMPLES["certification.earned"])
    [row] = deliveries()
    assert row.status == "pending" and row.attempts == 1 and row.response_status == 500
    wait = (row.next_attempt_at - row.last_attempt_at).total_seconds()
    assert RETRY_DELAYS[0].total_seconds() <= wait <= RETRY_DELAYS[0].total_seconds() * 1.1 + 1
    assert "answered 500" in caplog.text and "try 1 of" in caplog.text
    failures = delivery.FAILURES.labels(kind="status")._value.get()
    queue_of(app).run_pending()
    assert len(receiver.got) == 1  # the retry is not due yet: nothing is sent early
    retries_due(app)
    [row] = deliveries()
    assert row.status == "delivered" and row.attempts == 2
    first, second = receiver.got
    assert first.headers["webhook-id"] == second.headers["webhook-id"] and first.body == second.body
    assert second.verified is not None and first.verified is not None
    assert delivery.FAILURES.labels(kind="status")._value.get() == failures  # the success counted none


def test_a_receiver_that_times_out_is_tried_again(app, endpoint, receiver, fast_timeout):
    receiver.answers = [(200, 2.5)]  # answers, but long after the 1 s timeout
    publish(app, "post.withdrawn", **SAMPLES["post.withdrawn"])
    [row] = deliveries()
    assert row.status == "pending" and row.response_status is None and "no answer within 1 s" in row.last_error
    retries_due(app)
    [row] = deliveries()
    assert row.status == "delivered" and row.attempts == 2
    assert len({r.headers["webhook-id"] for r in receiver.got}) == 1


def test_after_the_last_try_the_delivery_is_failed(app, endpoint, receiver):
    receiver.answers = [(503, 0)] * MAX_ATTEMPTS
    publish(app, "crisis.started", reason="Hold all sharing.")
    for _ in range(MAX_ATTEMPTS):
        retries_due(app)
    [row] = deliveries()
    assert row.status == "failed" and row.attempts == MAX_ATTEMPTS and row.next_attempt_at is None
    assert len(receiver.got) == MAX_ATTEMPTS


def test_410_disables_the_endpoint(app, endpoint, receiver):
    receiver.answers = [(410, 0)]
    publish(app, "crisis.ended")
    _db.session.rollback()
    hook = _db.session.get(WebhookEndpoint, endpoint)
    assert not hook.enabled and hook.disabled_reason == "gone"
    assert deliveries()[0].status == "failed"
    publish(app, "crisis.ended")
    assert len(receiver.got) == 1 and len(deliveries()) == 1  # a disabled endpoint gets nothing
    assert _db.session.query(AuditEntry).filter_by(action="webhook.endpoint.disabled").count() == 1


def test_a_disabled_endpoint_gets_nothing_and_what_waited_is_cancelled(app, endpoint, receiver):
    receiver.answers = [(500, 0)]
    publish(app, "post.live", **SAMPLES["post.live"])
    with app.test_request_context(), unit_of_work():
        delivery.disable(_db.session.get(WebhookEndpoint, endpoint), "admin", utcnow())
    publish(app, "post.live", **SAMPLES["post.live"])
    retries_due(app)
    assert len(receiver.got) == 1
    assert [row.status for row in deliveries()] == ["cancelled"]


def test_an_endpoint_that_only_wants_some_events_gets_only_those(app, endpoint, receiver):
    _db.session.execute(update(WebhookEndpoint).values(events=["person.deactivated"]))
    _db.session.commit()
    publish(app, "post.live", **SAMPLES["post.live"])
    publish(app, "person.deactivated", person_id=7, source="import")
    assert [r.verified["type"] for r in receiver.got] == ["person.deactivated"]


def test_a_rolled_back_event_sends_nothing(app, endpoint, receiver):
    with pytest.raises(RuntimeError), app.test_request_context(), unit_of_work():
        delivery.events.publish("post.live", **SAMPLES["post.live"])
        raise RuntimeError("the change failed")
    assert deliveries() == [] and receiver.got == []


def test_failing_for_days_disables_the_endpoint_and_tells_the_admins(app, endpoint, receiver, outbox, admin):
    receiver.answers = [(500, 0)]
    _db.session.execute(update(WebhookEndpoint).values(failing_since=utcnow().replace(year=2020)))
    _db.session.commit()
    publish(app, "post.live", **SAMPLES["post.live"])
    hook = _db.session.get(WebhookEndpoint, endpoint)
    assert not hook.enabled and hook.disabled_reason == "failing"
    assert deliveries()[0].status == "cancelled"
    [mail] = [m for m in outbox if m["To"] == admin.email]
    assert "Data warehouse" in mail["Subject"] and f"/admin/webhooks/{endpoint}" in mail.get_body(("plain",)).get_content()


def test_a_success_clears_failing_since(app, endpoint, receiver):
    receiver.answers = [(500, 0)]
    publish(app, "post.live", **SAMPLES["post.live"])
    assert _db.session.get(WebhookEndpoint, endpoint).failing_since is not None
    retries_due(app)
    _db.session.rollback()
    hook = _db.session.get(WebhookEndpoint, endpoint)
    assert hook.failing_since is None and hook.last_success_at is not None


def test_the_sweep_sends_what_lost_its_job_and_forgets_old_rows(app, endpoint, receiver):
    queue = queue_of(app)
    queue.huey.immediate = False
    try:
        publish(app, "post.live", **SAMPLES["post.live"])
        queue.huey.flush()  # the job is lost
    finally:
        queue.huey.immediate = True
    assert receiver.got == []
    _db.session.execute(update(WebhookDelivery).values(next_attempt_at=utcnow().replace(year=2020)))
    _db.session.commit()
    with app.test_request_context(), unit_of_work():
        delivery.sweep()
    assert len(receiver.got) == 1 and deliveries()[0].status == "delivered"
    _db.session.execute(update(WebhookDelivery).values(created_at=utcnow().replace(year=2020)))
    _db.session.commit()
    with app.test_request_context(), unit_of_work():
        delivery.sweep()
    assert deliveries() == []


def test_a_rotated_secret_signs_with_both_for_a_day(app, endpoint, receiver):
    from advocacy.webhooks.endpoints import rotate_secret

    old = receiver.secret
    with app.test_request_context(), unit_of_work():
        new = rotate_secret(_db.session.get(WebhookEndpoint, endpoint), None)
    publish(app, "post.live", **SAMPLES["post.live"])
    got = receiver.got[0]
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(got.body, got.headers)
    Webhook(new).verify(got.body, got.headers)


def test_the_readmes_verification_snippet_accepts_a_delivery_and_refuses_a_tampered_one(app, endpoint, receiver):
    """The library-free snippet in README "Webhooks", run as it is written there."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme[readme.index("### Verifying a delivery"):]
    snippet = re.findall(r"```python\n(.*?)```", section, re.S)[1]
    namespace: dict = {}
    exec(snippet, namespace)  # noqa: S102  (our own README)
    publish(app, "post.live", **SAMPLES["post.live"])
    got = receiver.got[0]
    assert namespace["verify"](receiver.secret, got.headers, got.body)
    assert not namespace["verify"](receiver.secret, got.headers, got.body + b" ")

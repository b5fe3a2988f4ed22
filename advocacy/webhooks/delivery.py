"""Deliveries: written in the event's transaction, signed and sent by a job after the commit.

Each event an enabled endpoint wants becomes one WebhookDelivery row (the body and the webhook-id
fixed then), in the transaction that published the event: a rollback takes it back, a commit keeps
it whatever the receiver is doing. After the commit a `webhooks.deliver` job per row claims it
(one guarded UPDATE: one worker sends it), signs it with the endpoint's secret (Standard Webhooks:
`webhook-id`, `webhook-timestamp`, `webhook-signature`) and POSTs it, with a timeout, following no
redirect. A 2xx ends it; 410 Gone disables the endpoint; anything else (another status, a timeout,
a refused connection) is tried again after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h (each with
up to a tenth of jitter), then marked failed. Every failure counts in the metrics and writes a log
line. An endpoint whose tries have all failed for WEBHOOK_DISABLE_AFTER_DAYS is disabled and the
admins get a mail. `webhooks.sweep` sends what lost its job and removes rows older than a month.
"""
from __future__ import annotations

import json
import logging
import random
import secrets
from datetime import datetime, timedelta
from importlib.metadata import version as distribution_version
from typing import Any, NamedTuple

import requests
from flask import current_app, has_app_context
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from prometheus_client import Counter
from sqlalchemy import and_, delete, inspect, or_, select, update
from standardwebhooks.webhooks import Webhook

from advocacy.core import events
from advocacy.core.audit import record
from advocacy.core.clock import utcnow
from advocacy.core.config import is_production
from advocacy.core.db import db, rows_changed
from advocacy.core.jobs import crontab, enqueue, job, periodic, queue_of
from advocacy.core.mail import absolute_url, send_mail
from advocacy.core.organisation import User, UserRole
from advocacy.core.transaction import after_commit_batch
from advocacy.webhooks.addresses import AddressRefused, check_resolved
from advocacy.webhooks.models import WebhookDelivery, WebhookEndpoint

log = logging.getLogger("advocacy.webhooks")

# What an endpoint may subscribe to (the catalogue's names, core/events.py), in the order the form shows them.
EVENT_TYPES = ("certification.earned", "certification.renewed", "certification.expired", "certification.revoked",
               "post.live", "post.withdrawn", "person.deactivated", "person.reactivated",
               "crisis.started", "crisis.ended")
TEST_EVENT = "webhook.test"
EVENT_LABELS = {
    "certification.earned": _l("A person earned a certification"),
    "certification.renewed": _l("A person renewed a certification"),
    "certification.expired": _l("A certification expired"),
    "certification.revoked": _l("A certification was revoked"),
    "post.live": _l("A post went live in the share feed"),
    "post.withdrawn": _l("A live post was withdrawn"),
    "person.deactivated": _l("A person was deactivated (left)"),
    "person.reactivated": _l("A person was reactivated"),
    "crisis.started": _l("Crisis mode was switched on"),
    "crisis.ended": _l("Crisis mode was switched off"),
    TEST_EVENT: _l("A test delivery"),
}

RETRY_DELAYS = (timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
                timedelta(hours=5), timedelta(hours=10), timedelta(hours=10))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
CLAIM_TIMEOUT = timedelta(minutes=5)      # a try never takes this long: its worker was killed
SWEEP_GRACE = timedelta(minutes=2)        # a pending delivery this late has lost its job
RETENTION = timedelta(days=30)
EXCERPT = 300                             # characters of the answer kept for the log
READ_LIMIT = 1024                         # bytes of the answer read at all

FAILURES = Counter("advocacy_webhook_failures", "Webhook delivery tries that failed, by kind "
                   "(status, timeout, connection, refused_address).", ["kind"])
DELIVERED = Counter("advocacy_webhook_deliveries", "Webhook deliveries a receiver accepted (2xx).")


# -- writing deliveries ----------------------------------------------------------------------------

def message_body(event_type: str, payload: dict[str, Any]) -> str:
    timestamp = payload.get("occurred_at") or utcnow().isoformat()
    return json.dumps({"type": event_type, "timestamp": timestamp, "data": payload},
                      separators=(",", ":"), ensure_ascii=False, default=str)


def add_delivery(endpoint: WebhookEndpoint, event_type: str, payload: dict[str, Any]) -> WebhookDelivery:
    """A delivery of this event to this endpoint, sent after the current transaction commits."""
    now = utcnow()
    row = WebhookDelivery(endpoint_id=endpoint.id, event_type=event_type, message_id="msg_" + secrets.token_hex(16),
                          body=message_body(event_type, payload), created_at=now, status="pending", attempts=0,
                          next_attempt_at=now)
    db.session.add(row)
    queue_after_commit(row)
    return row


def queue_after_commit(row: WebhookDelivery) -> None:
    after_commit_batch("webhooks.deliver", row, _enqueue_deliveries)


def _enqueue_deliveries(rows: list[WebhookDelivery]) -> None:
    queue = queue_of()
    for row in rows:
        identity = inspect(row).identity
        if not identity:
            continue
        try:
            queue.enqueue_now("webhooks.deliver", identity[0])
        except Exception:
            log.exception("could not enqueue webhook delivery %s; the sweep sends it later", identity[0])


def on_event(name: str, payload: dict[str, Any]) -> None:
    """The subscriber (core/events.py): one delivery per enabled endpoint that wants this event.
    (Subscribers are per process; an event published outside any app, in a unit test, has no
    endpoints to go to.)"""
    if not has_app_context():
        return
    endpoints = db.session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.enabled.is_(True))
                                   .order_by(WebhookEndpoint.id)).all()
    for endpoint in endpoints:
        if endpoint.wants(name):
            add_delivery(endpoint, name, payload)


def subscribe() -> None:
    events.subscribe(EVENT_TYPES, on_event)


# -- sending ---------------------------------------------------------------------------------------

class Answer(NamedTuple):
    status: int | None       # the HTTP status, None when there was no answer
    excerpt: str             # the first characters of the answer, or what went wrong
    kind: str                # "ok", "status", "timeout", "connection", "refused_address"


def signature(endpoint: WebhookEndpoint, message_id: str, at: datetime, body: str) -> str:
    """`v1,<base64>`; during a rotation's overlap also the previous secret's, space-separated."""
    signatures = [Webhook(endpoint.secret).sign(message_id, at, body)]
    if endpoint.previous_secret and endpoint.previous_secret_until and endpoint.previous_secret_until > at:
        signatures.append(Webhook(endpoint.previous_secret).sign(message_id, at, body))
    return " ".join(signatures)


def headers_for(endpoint: WebhookEndpoint, row: WebhookDelivery, at: datetime) -> dict[str, str]:
    return {
        "webhook-id": row.message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature(endpoint, row.message_id, at, row.body),
        "content-type": "application/json",
        "user-agent": f"Advocacy-Webhooks/{distribution_version('advocacy')}",
    }


def post(endpoint: WebhookEndpoint, row: WebhookDelivery, at: datetime) -> Answer:
    config = current_app.config
    production = is_production(config)
    try:
        check_resolved(endpoint.url, production, bool(config.get("WEBHOOK_ALLOW_PRIVATE")))
    except AddressRefused as error:
        return Answer(None, str(error)[:EXCERPT], "refused_address")
    timeout = float(config.get("WEBHOOK_TIMEOUT_SECONDS") or 5)
    try:
        with requests.post(endpoint.url, data=row.body.encode(), headers=headers_for(endpoint, row, at),
                           timeout=(timeout, timeout), allow_redirects=False, stream=True) as response:
            raw = response.raw.read(READ_LIMIT, decode_content=True) or b""
            excerpt = raw.decode("utf-8", "replace")[:EXCERPT]
            return Answer(response.status_code, excerpt, "ok" if 200 <= response.status_code < 300 else "status")
    except requests.Timeout:
        return Answer(None, f"no answer within {timeout:g} s", "timeout")
    except (requests.RequestException, OSError) as error:
        return Answer(None, f"could not connect: {type(error).__name__}"[:EXCERPT], "connection")


def claimable(now: datetime):
    return or_(and_(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now),
               and_(WebhookDelivery.status == "sending", WebhookDelivery.claimed_at < now - CLAIM_TIMEOUT))


def retry_delay(attempts: int) -> timedelta:
    """After the attempts-th try failed: the schedule's delay, with up to a tenth of jitter."""
    base = RETRY_DELAYS[min(max(attempts, 1), len(RETRY_DELAYS)) - 1]
    return base * random.uniform(1.0, 1.1)


@job("webhooks.deliver", retries=2, retry_delay=60)
def deliver(delivery_id: int) -> None:
    """Claim this delivery (if nobody else has it and it is due), send it, record the answer."""
    delivery_id = int(delivery_id)
    claim, now = secrets.token_hex(16), utcnow()
    claimed = rows_changed(update(WebhookDelivery).where(WebhookDelivery.id == delivery_id, claimable(now))
                           .values(status="sending", claim=claim, claimed_at=now,
                                   attempts=WebhookDelivery.attempts + 1)
                           .execution_options(synchronize_session=False))
    db.session.commit()  # the claim is stored before anything is sent
    if not claimed:  # a retry that came early (a drain, another host's clock): come back on time
        due = db.session.scalar(select(WebhookDelivery.next_attempt_at).where(
            WebhookDelivery.id == delivery_id, WebhookDelivery.status == "pending"))
        if due is not None and due > now:
            enqueue("webhooks.deliver", delivery_id, delay=(due - now).total_seconds())
        return
    row = db.session.get(WebhookDelivery, delivery_id)
    assert row is not None
    endpoint = db.session.get(WebhookEndpoint, row.endpoint_id)
    if endpoint is None or not endpoint.enabled:
        _finish(row, "cancelled", now, error="the endpoint is disabled")
        return
    answer = post(endpoint, row, now)
    record_answer(endpoint, row, answer, utcnow())


def _finish(row: WebhookDelivery, status: str, now: datetime, answer: Answer | None = None,
            error: str | None = None) -> None:
    row.status, row.claim, row.last_attempt_at = status, None, now
    row.next_attempt_at = None
    if answer is not None:
        row.response_status, row.response_excerpt = answer.status, answer.excerpt[:EXCERPT]
    row.last_error = error[:300] if error else None
    if status == "delivered":
        row.delivered_at = now


def record_answer(endpoint: WebhookEndpoint, row: WebhookDelivery, answer: Answer, now: datetime) -> None:
    if answer.kind == "ok":
        _finish(row, "delivered", now, answer)
        endpoint.failing_since, endpoint.last_success_at = None, now
        DELIVERED.inc()
        return
    FAILURES.labels(kind=answer.kind).inc()
    what = f"answered {answer.status}" if answer.status is not None else answer.excerpt
    log.warning("webhook %s (%s) to endpoint %d failed, try %d of %d: %s", row.message_id, row.event_type,
                endpoint.id, row.attempts, MAX_ATTEMPTS, what)
    if answer.status == 410:  # the receiver says it is gone for good: stop sending there
        _finish(row, "failed", now, answer, error="410 Gone: the endpoint was disabled")
        disable(endpoint, "gone", now)
        return
    endpoint.failing_since = endpoint.failing_since or now
    if row.attempts < MAX_ATTEMPTS:
        _finish(row, "pending", now, answer, error=None if answer.status is not None else answer.excerpt)
        row.next_attempt_at = now + retry_delay(row.attempts)
        enqueue("webhooks.deliver", row.id, delay=(row.next_attempt_at - now).total_seconds())
    else:
        _finish(row, "failed", now, answer, error=None if answer.status is not None else answer.excerpt)
    days = int(current_app.config.get("WEBHOOK_DISABLE_AFTER_DAYS") or 5)
    if endpoint.failing_since <= now - timedelta(days=days):
        disable(endpoint, "failing", now)
        tell_admins(endpoint, days)


def disable(endpoint: WebhookEndpoint, reason: str, now: datetime, actor_id: int | None = None) -> None:
    """Turn the endpoint off and cancel what waits for it (resend brings a delivery back)."""
    endpoint.enabled, endpoint.disabled_reason, endpoint.disabled_at = False, reason, now
    db.session.execute(update(WebhookDelivery)
                       .where(WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.status == "pending")
                       .values(status="cancelled", next_attempt_at=None, last_error="the endpoint is disabled")
                       .execution_options(synchronize_session=False))
    record("webhook.endpoint.disabled", f"{endpoint.name} ({endpoint.url}): {reason}", actor_id=actor_id)
    if reason != "admin":
        log.warning("webhook endpoint %d disabled: %s", endpoint.id, reason)


def tell_admins(endpoint: WebhookEndpoint, days: int) -> None:
    admins = db.session.scalars(select(User).join(UserRole, UserRole.user_id == User.id)
                                .where(UserRole.role == "admin", User.is_active).order_by(User.id)).all()
    link = absolute_url(f"/admin/webhooks/{endpoint.id}")
    for admin in admins:
        if not admin.email:
            continue
        with force_locale(admin.language or "en"):
            subject = _("Webhook endpoint %(name)s was disabled", name=endpoint.name)
            body = _("Every delivery to the webhook endpoint %(name)s (%(url)s) has failed for %(days)d days, so "
                     "it was disabled: nothing more is sent there.\n\nSee its delivery log, fix the receiver, then "
                     "enable it again and resend what it missed:\n%(link)s",
                     name=endpoint.name, url=endpoint.url, days=days, link=link)
            send_mail(admin.email, subject, body, lang=admin.language or "en")


@periodic("webhooks.sweep", crontab(minute="*/5"))
def sweep() -> None:
    """Send what lost its job (the queue was down, a worker was killed); forget month-old rows."""
    now = utcnow()
    late = or_(and_(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now - SWEEP_GRACE),
               and_(WebhookDelivery.status == "sending", WebhookDelivery.claimed_at < now - CLAIM_TIMEOUT))
    ids = list(db.session.scalars(select(WebhookDelivery.id).where(late).order_by(WebhookDelivery.id).limit(2000)))
    for delivery_id in ids:
        enqueue("webhooks.deliver", delivery_id)
    if ids:
        log.info("webhook sweep: %d delivery(ies) re-queued", len(ids))
    db.session.execute(delete(WebhookDelivery).where(WebhookDelivery.created_at < now - RETENTION,
                                                     WebhookDelivery.status.in_(("delivered", "failed", "cancelled")))
                       .execution_options(synchronize_session=False))

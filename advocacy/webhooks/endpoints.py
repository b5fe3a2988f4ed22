"""The admin's endpoints: register, change, rotate the secret, switch off and on, remove; a test
delivery and resending one. Every change has an audit entry; a secret is returned once, to show."""
from __future__ import annotations

import base64
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from advocacy.core.audit import record
from advocacy.core.clock import utcnow
from advocacy.core.config import is_production
from advocacy.core.db import db
from advocacy.webhooks.addresses import AddressRefused, check_url
from advocacy.webhooks.delivery import EVENT_TYPES, TEST_EVENT, add_delivery, disable, queue_after_commit
from advocacy.webhooks.models import WebhookDelivery, WebhookEndpoint

SECRET_PREFIX = "whsec_"
ROTATION_OVERLAP = timedelta(hours=24)   # the previous secret still signs this long after a rotation
MAX_ENDPOINTS = 50


class EndpointError(ValueError):
    """What the admin must change; the message is shown as it is."""


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def clean(name: str, url: str, wanted: list[str]) -> tuple[str, str, list[str]]:
    """Checked values, or EndpointError with the reason."""
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise EndpointError(_("Give the endpoint a name of 1 to 80 characters."))
    config = current_app.config
    try:
        url = check_url(url, is_production(config), bool(config.get("WEBHOOK_ALLOW_PRIVATE")))
    except AddressRefused as error:
        raise EndpointError(_("This URL cannot receive webhooks: %(reason)s.", reason=str(error))) from None
    chosen = [event for event in EVENT_TYPES if event in set(wanted or [])]
    if not chosen:
        raise EndpointError(_("Choose at least one event to send."))
    return name, url, chosen


def all_endpoints() -> list[WebhookEndpoint]:
    return list(db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.enabled.desc(),
                                                                    WebhookEndpoint.name, WebhookEndpoint.id)))


def create_endpoint(name: str, url: str, wanted: list[str], actor_id: int | None) -> tuple[WebhookEndpoint, str]:
    name, url, chosen = clean(name, url, wanted)
    if len(all_endpoints()) >= MAX_ENDPOINTS:
        raise EndpointError(_("There are %(n)d endpoints already: remove one first.", n=MAX_ENDPOINTS))
    secret = new_secret()
    endpoint = WebhookEndpoint(name=name, url=url, events=chosen, secret=secret, enabled=True, created_at=utcnow(),
                               created_by_id=actor_id)
    db.session.add(endpoint)
    db.session.flush()
    record("webhook.endpoint.created", f"{name} ({url}): {', '.join(chosen)}", actor_id=actor_id)
    return endpoint, secret


def update_endpoint(endpoint: WebhookEndpoint, name: str, url: str, wanted: list[str], actor_id: int | None) -> None:
    name, url, chosen = clean(name, url, wanted)
    endpoint.name, endpoint.url, endpoint.events = name, url, chosen
    record("webhook.endpoint.changed", f"{name} ({url}): {', '.join(chosen)}", actor_id=actor_id)


def rotate_secret(endpoint: WebhookEndpoint, actor_id: int | None) -> str:
    now = utcnow()
    endpoint.previous_secret, endpoint.previous_secret_until = endpoint.secret, now + ROTATION_OVERLAP
    endpoint.secret = new_secret()
    record("webhook.endpoint.secret_rotated", f"{endpoint.name} ({endpoint.url})", actor_id=actor_id)
    return endpoint.secret


def set_enabled(endpoint: WebhookEndpoint, enabled: bool, actor_id: int | None) -> None:
    if enabled == endpoint.enabled:
        return
    if enabled:
        endpoint.enabled, endpoint.disabled_reason, endpoint.disabled_at = True, None, None
        endpoint.failing_since = None
        record("webhook.endpoint.enabled", f"{endpoint.name} ({endpoint.url})", actor_id=actor_id)
    else:
        disable(endpoint, "admin", utcnow(), actor_id=actor_id)


def delete_endpoint(endpoint: WebhookEndpoint, actor_id: int | None) -> None:
    record("webhook.endpoint.deleted", f"{endpoint.name} ({endpoint.url})", actor_id=actor_id)
    db.session.delete(endpoint)


def send_test(endpoint: WebhookEndpoint, actor_id: int | None) -> WebhookDelivery:
    """A `webhook.test` delivery, whatever events the endpoint wants (it must be enabled)."""
    if not endpoint.enabled:
        raise EndpointError(_("The endpoint is disabled: enable it first."))
    payload = {"endpoint_id": endpoint.id, "message": "A test delivery from Advocacy.",
               "occurred_at": utcnow().isoformat()}
    row = add_delivery(endpoint, TEST_EVENT, payload)
    record("webhook.endpoint.tested", f"{endpoint.name} ({endpoint.url})", actor_id=actor_id)
    return row


def resend(endpoint: WebhookEndpoint, row: WebhookDelivery, actor_id: int | None) -> None:
    """Send this delivery again, now: the same webhook-id and body (a receiver that has it ignores it)."""
    if not endpoint.enabled:
        raise EndpointError(_("The endpoint is disabled: enable it first."))
    if row.status in ("pending", "sending"):
        raise EndpointError(_("This delivery is being sent already."))
    row.status, row.next_attempt_at, row.last_error = "pending", utcnow(), None
    queue_after_commit(row)
    record("webhook.delivery.resent", f"{endpoint.name}: {row.event_type} {row.message_id}", actor_id=actor_id)

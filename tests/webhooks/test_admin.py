"""/admin/webhooks: register (the secret shown once), change, rotate, switch off and on, remove;
the delivery log, a test delivery and resend; who may; hostile input."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from advocacy.core.audit import AuditEntry
from advocacy.core.db import db as _db
from advocacy.webhooks.addresses import AddressRefused, check_resolved, check_url
from advocacy.webhooks.models import WebhookDelivery, WebhookEndpoint

from ..access import Row, cases, check
from ..conftest import login
from .conftest import SAMPLES, deliveries, publish

SECRET = re.compile(r"<code>(whsec_[A-Za-z0-9+/=]+)</code>")


def register(client, url, events=("post.live",), name="Warehouse"):
    return client.post("/admin/webhooks", data={"name": name, "url": url, "events": list(events)})


def test_an_admin_registers_an_endpoint_and_sees_its_secret_once(as_user, admin, receiver, db):
    page = register(as_user(admin), receiver.url, events=["post.live", "person.deactivated", "not.an.event"])
    assert page.status_code == 200
    secret = SECRET.search(page.get_data(as_text=True))[1]
    hook = _db.session.scalar(select(WebhookEndpoint))
    assert hook.secret == secret and hook.events == ["post.live", "person.deactivated"] and hook.enabled
    listing = as_user(admin).get("/admin/webhooks").get_data(as_text=True)
    detail = as_user(admin).get(f"/admin/webhooks/{hook.id}").get_data(as_text=True)
    assert "Warehouse" in listing and secret not in listing and secret not in detail
    assert _db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "webhook.endpoint.created"))


@pytest.mark.parametrize("url", ["", "ftp://example.com/x", "http://example.com/hooks", "javascript:alert(1)",
                                 "https://user:pw@example.com/", "https://exa mple.com/", "https:///nohost",
                                 "https://example.com:99999/", "https://" + "a" * 2000 + ".com/"])
def test_a_url_that_cannot_receive_webhooks_is_refused(as_user, admin, db, url):
    assert register(as_user(admin), url).status_code == 400
    assert _db.session.scalar(select(WebhookEndpoint)) is None


def test_a_name_and_an_event_are_needed(as_user, admin, db, receiver):
    assert register(as_user(admin), receiver.url, name="").status_code == 400
    assert register(as_user(admin), receiver.url, name="x" * 81).status_code == 400
    assert register(as_user(admin), receiver.url, events=[]).status_code == 400


def test_production_sends_only_over_https_to_public_addresses():
    for url in ("http://hooks.example.com/", "https://localhost/", "https://127.0.0.1/", "https://10.0.0.5/",
                "https://169.254.169.254/latest/meta-data", "https://[::1]/", "https://192.168.1.2/",
                "https://[fe80::1]/", "https://0.0.0.0/", "https://app.localhost/"):
        with pytest.raises(AddressRefused):
            check_url(url, production=True, allow_private=False)
    assert check_url("https://hooks.example.com/in", production=True, allow_private=False)
    assert check_url("https://10.0.0.5/in", production=True, allow_private=True)  # WEBHOOK_ALLOW_PRIVATE
    with pytest.raises(AddressRefused):
        check_url("https://169.254.169.254/", production=True, allow_private=True)  # link-local: never
    with pytest.raises(AddressRefused, match="resolves to"):
        check_resolved("https://localhost/in", production=True, allow_private=True)  # a name that points inside
    check_resolved("http://127.0.0.1:1/", production=False, allow_private=False)  # development: this machine is fine


def test_the_log_shows_each_try_and_the_first_bytes_escaped(as_user, admin, app, endpoint, receiver):
    receiver.answers = [(500, 0)]
    publish(app, "post.live", **SAMPLES["post.live"])
    page = as_user(admin).get(f"/admin/webhooks/{endpoint}").get_data(as_text=True)
    assert "post.live" in page and "500" in page and "{&#34;ok&#34;: false}" in page


def test_the_test_button_sends_a_signed_test_delivery(as_user, admin, endpoint, receiver):
    answer = as_user(admin).post(f"/admin/webhooks/{endpoint}/test")
    assert answer.status_code == 302
    [got] = receiver.got
    assert got.error is None and got.verified["type"] == "webhook.test"
    assert got.verified["data"]["endpoint_id"] == endpoint


def test_resend_sends_the_same_message_again(as_user, admin, app, endpoint, receiver):
    publish(app, "post.live", **SAMPLES["post.live"])
    [row] = deliveries()
    assert as_user(admin).post(f"/admin/webhooks/{endpoint}/deliveries/{row.id}/resend").status_code == 302
    first, second = receiver.got
    assert first.headers["webhook-id"] == second.headers["webhook-id"] and first.body == second.body
    assert second.verified is not None and deliveries()[0].attempts == 2


def test_resend_of_another_endpoints_delivery_is_not_found(as_user, admin, app, endpoint, receiver):
    publish(app, "post.live", **SAMPLES["post.live"])
    [row] = deliveries()
    other = register(as_user(admin), receiver.url, name="Other")
    assert other.status_code == 200
    other_id = _db.session.scalar(select(WebhookEndpoint.id).where(WebhookEndpoint.name == "Other"))
    assert as_user(admin).post(f"/admin/webhooks/{other_id}/deliveries/{row.id}/resend").status_code == 404
    assert len(receiver.got) == 1


def test_rotating_shows_a_new_secret_that_signs_from_now_on(as_user, admin, app, endpoint, receiver):
    page = as_user(admin).post(f"/admin/webhooks/{endpoint}/rotate").get_data(as_text=True)
    new = SECRET.search(page)[1]
    assert new != receiver.secret
    receiver.secret = new
    publish(app, "post.live", **SAMPLES["post.live"])
    assert receiver.got[0].error is None


def test_disabled_gets_nothing_until_enabled_again(as_user, admin, app, endpoint, receiver):
    assert as_user(admin).post(f"/admin/webhooks/{endpoint}/disable").status_code == 302
    publish(app, "post.live", **SAMPLES["post.live"])
    assert as_user(admin).post(f"/admin/webhooks/{endpoint}/test").status_code == 302  # refused, said so
    assert receiver.got == [] and deliveries() == []
    assert as_user(admin).post(f"/admin/webhooks/{endpoint}/enable").status_code == 302
    publish(app, "post.live", **SAMPLES["post.live"])
    assert len(receiver.verified()) == 1


def test_changing_and_removing_an_endpoint(as_user, admin, app, endpoint, receiver):
    changed = as_user(admin).post(f"/admin/webhooks/{endpoint}",
                                  data={"name": "Renamed", "url": receiver.url, "events": ["crisis.started"]})
    assert changed.status_code == 302
    assert as_user(admin).post(f"/admin/webhooks/{endpoint}",
                               data={"name": "Renamed", "url": "http://example.com/", "events": ["crisis.started"]}
                               ).status_code == 400
    _db.session.rollback()
    hook = _db.session.get(WebhookEndpoint, endpoint)
    assert hook.name == "Renamed" and hook.events == ["crisis.started"] and hook.url == receiver.url
    publish(app, "crisis.started", reason="Hold.")
    assert as_user(admin).post(f"/admin/webhooks/{endpoint}/delete").status_code == 302
    _db.session.rollback()
    assert _db.session.get(WebhookEndpoint, endpoint) is None and _db.session.scalar(select(WebhookDelivery)) is None
    actions = set(_db.session.scalars(select(AuditEntry.action)))
    assert {"webhook.endpoint.changed", "webhook.endpoint.deleted"} <= actions


def test_a_post_without_csrf_is_refused(client, admin, csrf_on, receiver, db):
    login(client, admin)
    assert register(client, receiver.url).status_code == 400
    assert _db.session.scalar(select(WebhookEndpoint)) is None


def test_a_script_in_the_name_is_shown_as_text(as_user, admin, receiver, db):
    register(as_user(admin), receiver.url, name="<script>alert(1)</script>")
    page = as_user(admin).get("/admin/webhooks").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


ADMIN_ONLY = dict(anon=302, employee=403, manager=403, hr=403, marketing=403, reviewer=403, author=403,
                  webcare=403, admin=200)
NOT_ADMIN = dict(anon=302, employee=403, manager=403, hr=403, marketing=403, reviewer=403, author=403, webcare=403)
FORM = {"name": "From the table", "url": "http://127.0.0.1:9/hooks", "events": ["post.live"]}

ACCESS = [
    Row("GET", "/admin/webhooks", **ADMIN_ONLY),
    Row("POST", "/admin/webhooks", data=FORM, **ADMIN_ONLY),
    Row("GET", "/admin/webhooks/999999", rule="/admin/webhooks/<int:endpoint_id>", admin=404, **NOT_ADMIN),
    Row("GET", f"/admin/webhooks/{10**20}", rule="/admin/webhooks/<int:endpoint_id>", admin=404),
    Row("POST", "/admin/webhooks/999999", data=FORM, rule="/admin/webhooks/<int:endpoint_id>", admin=404,
        **NOT_ADMIN),
    *[Row("POST", f"/admin/webhooks/999999/{action}", rule=f"/admin/webhooks/<int:endpoint_id>/{action}",
          admin=404, **NOT_ADMIN) for action in ("rotate", "enable", "disable", "delete", "test")],
    Row("POST", "/admin/webhooks/999999/deliveries/1/resend",
        rule="/admin/webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/resend", admin=404, **NOT_ADMIN),
    Row("POST", f"/admin/webhooks/1/deliveries/{10**20}/resend",
        rule="/admin/webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/resend", admin=404),
]


@pytest.mark.parametrize("row, role", cases(ACCESS))
def test_access(client, world, row, role):
    check(client, world, row, role)

"""/admin/webhooks: the admin's endpoints, each with its delivery log, a test and resend."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from advocacy.core.db import db
from advocacy.core.pagination import RowPage, page_number
from advocacy.identity.guards import role_required
from advocacy.webhooks import endpoints
from advocacy.webhooks.delivery import EVENT_LABELS, EVENT_TYPES, MAX_ATTEMPTS
from advocacy.webhooks.endpoints import EndpointError
from advocacy.webhooks.models import WebhookDelivery, WebhookEndpoint

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks")
LOG_PAGE = 25


def endpoint_or_404(endpoint_id: int) -> WebhookEndpoint:
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        abort(404)
    return endpoint


def _form_values() -> tuple[str, str, list[str]]:
    return request.form.get("name", ""), request.form.get("url", ""), request.form.getlist("events")


def _list_page(status: int = 200, new_secret: str | None = None, new_endpoint=None, form=None):
    return render_template("webhooks/index.html", endpoints=endpoints.all_endpoints(), event_types=EVENT_TYPES,
                           labels=EVENT_LABELS, new_secret=new_secret, new_endpoint=new_endpoint,
                           form=form or {}), status


@bp.get("")
@role_required("admin")
def index():
    return _list_page()


@bp.post("")
@role_required("admin")
def create():
    name, url, wanted = _form_values()
    try:
        endpoint, secret = endpoints.create_endpoint(name, url, wanted, current_user.id)
    except EndpointError as error:
        flash(str(error), "error")
        return _list_page(400, form={"name": name, "url": url, "events": wanted})
    return _list_page(new_secret=secret, new_endpoint=endpoint)


def _log_page(endpoint: WebhookEndpoint) -> RowPage:
    query = (select(WebhookDelivery.id, WebhookDelivery.created_at, WebhookDelivery.event_type,
                    WebhookDelivery.message_id, WebhookDelivery.status, WebhookDelivery.attempts,
                    WebhookDelivery.response_status, WebhookDelivery.response_excerpt, WebhookDelivery.last_error,
                    WebhookDelivery.next_attempt_at, WebhookDelivery.last_attempt_at)
             .where(WebhookDelivery.endpoint_id == endpoint.id).order_by(WebhookDelivery.id.desc()))
    return RowPage(query, page_number(), per_page=LOG_PAGE)


def _show(endpoint: WebhookEndpoint, status: int = 200, new_secret: str | None = None, form=None):
    return render_template("webhooks/endpoint.html", endpoint=endpoint, event_types=EVENT_TYPES, labels=EVENT_LABELS,
                           page=_log_page(endpoint), new_secret=new_secret, max_attempts=MAX_ATTEMPTS,
                           form=form or {"name": endpoint.name, "url": endpoint.url, "events": endpoint.events}), status


@bp.get("/<int:endpoint_id>")
@role_required("admin")
def show(endpoint_id: int):
    return _show(endpoint_or_404(endpoint_id))


@bp.post("/<int:endpoint_id>")
@role_required("admin")
def update(endpoint_id: int):
    endpoint = endpoint_or_404(endpoint_id)
    name, url, wanted = _form_values()
    try:
        endpoints.update_endpoint(endpoint, name, url, wanted, current_user.id)
    except EndpointError as error:
        flash(str(error), "error")
        db.session.rollback()
        return _show(endpoint_or_404(endpoint_id), 400, form={"name": name, "url": url, "events": wanted})
    flash(_("The endpoint is saved."), "success")
    return redirect(url_for("webhooks.show", endpoint_id=endpoint.id))


@bp.post("/<int:endpoint_id>/rotate")
@role_required("admin")
def rotate(endpoint_id: int):
    endpoint = endpoint_or_404(endpoint_id)
    secret = endpoints.rotate_secret(endpoint, current_user.id)
    return _show(endpoint, new_secret=secret)


@bp.post("/<int:endpoint_id>/enable")
@role_required("admin")
def enable(endpoint_id: int):
    endpoints.set_enabled(endpoint_or_404(endpoint_id), True, current_user.id)
    flash(_("The endpoint is enabled: new events are sent to it."), "success")
    return redirect(url_for("webhooks.show", endpoint_id=endpoint_id))


@bp.post("/<int:endpoint_id>/disable")
@role_required("admin")
def disable(endpoint_id: int):
    endpoints.set_enabled(endpoint_or_404(endpoint_id), False, current_user.id)
    flash(_("The endpoint is disabled: nothing is sent to it until it is enabled again."), "success")
    return redirect(url_for("webhooks.show", endpoint_id=endpoint_id))


@bp.post("/<int:endpoint_id>/delete")
@role_required("admin")
def delete(endpoint_id: int):
    endpoints.delete_endpoint(endpoint_or_404(endpoint_id), current_user.id)
    flash(_("The endpoint and its delivery log are removed."), "success")
    return redirect(url_for("webhooks.index"))


@bp.post("/<int:endpoint_id>/test")
@role_required("admin")
def test(endpoint_id: int):
    endpoint = endpoint_or_404(endpoint_id)
    try:
        endpoints.send_test(endpoint, current_user.id)
    except EndpointError as error:
        flash(str(error), "error")
        return redirect(url_for("webhooks.show", endpoint_id=endpoint_id))
    flash(_("A test delivery is on its way: its result appears in the log below."), "success")
    return redirect(url_for("webhooks.show", endpoint_id=endpoint_id))


@bp.post("/<int:endpoint_id>/deliveries/<int:delivery_id>/resend")
@role_required("admin")
def resend(endpoint_id: int, delivery_id: int):
    endpoint = endpoint_or_404(endpoint_id)
    row = db.session.get(WebhookDelivery, delivery_id)
    if row is None or row.endpoint_id != endpoint.id:
        abort(404)
    try:
        endpoints.resend(endpoint, row, current_user.id)
    except EndpointError as error:
        flash(str(error), "error")
        return redirect(url_for("webhooks.show", endpoint_id=endpoint_id))
    flash(_("The delivery is sent again, with the same webhook-id."), "success")
    return redirect(url_for("webhooks.show", endpoint_id=endpoint_id))

"""Webhooks: the admin's endpoints at /admin/webhooks, the subscriber that turns events into
deliveries, and the delivery and sweep jobs (delivery.py declares them)."""
from __future__ import annotations

from flask import Flask

from advocacy.webhooks import delivery
from advocacy.webhooks.routes import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    delivery.subscribe()

"""xAPI statements to the company's learning record store: the learning events' subscriber, the
outbox and its delivery job, `flask xapi`, /admin/xapi, and the privacy erase hook."""
from __future__ import annotations

from flask import Flask

from advocacy.core import events
from advocacy.core.privacy import add_eraser
from advocacy.xapi import outbox
from advocacy.xapi.cli import xapi_cli
from advocacy.xapi.routes import bp
from advocacy.xapi.statements import EVENT_NAMES


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(xapi_cli)
    events.subscribe(EVENT_NAMES, outbox.record)
    add_eraser(app, outbox.erase)

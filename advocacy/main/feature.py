"""The front door: each role's landing page, the organisation's settings."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from advocacy.core.web import add_nav_item
from advocacy.main.routes import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    add_nav_item(app, 80, "admin", "main.admin_home", _l("Admin"))

"""The studio: authors write courses and lessons in the browser, in drafts published by the same
loader as `flask content sync` (learning/curriculum)."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from advocacy.core import blobs
from advocacy.core.web import add_nav_item
from advocacy.learning.services import banks as bank_services
from advocacy.studio import drafts, images, models, quiz_routes  # noqa: F401  (models: tables; quiz_routes: routes)
from advocacy.studio.routes import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    add_nav_item(app, 75, "author", "studio.index", _l("Studio"))
    add_nav_item(app, 75, "admin", "studio.index", _l("Studio"))
    blobs.add_holder(app, images.holds)
    bank_services.route_imports_through(drafts.take_bank_import)

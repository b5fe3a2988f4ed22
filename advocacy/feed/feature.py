"""The share feed: posts, review, sharing, tracked links; the feed's goal measures."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from advocacy.core.web import add_nav_item
from advocacy.feed import demo, link_routes, manage_routes, privacy, storage  # noqa: F401  (their routes join the feed blueprint)
from advocacy.feed.measures import clicks_last_30_days, shares_last_30_days
from advocacy.feed.routes import bp
from advocacy.learning.goals import add_measure


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    add_nav_item(app, 20, "employee", "feed.index", _l("Share"))
    add_nav_item(app, 50, "marketing", "feed.manage", _l("Posts"))
    add_nav_item(app, 70, "reviewer", "feed.review_queue", _l("Review"))
    add_measure(app, "shares", shares_last_30_days)
    add_measure(app, "clicks", clicks_last_30_days)
    privacy.init_app(app)
    storage.init_app(app)
    demo.init_app(app)

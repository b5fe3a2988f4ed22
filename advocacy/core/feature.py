"""The core's own setup: extensions, request plumbing, one transaction per request, language,
display, and the commands that need no feature (`flask demo` runs the steps features add)."""
from __future__ import annotations

from flask import Flask

from advocacy.core import display, fragments, i18n, jobs, mail, transaction, web  # noqa: F401  (mail: its jobs)
from advocacy.core.db import db
from advocacy.core.demo import demo_command
from advocacy.core.extensions import csrf, limiter, migrate


def init_app(app: Flask) -> None:
    # First registered, so it runs last of all after_request hooks: nothing after the commit needs
    # the (then expired) objects of the request.
    transaction.init_app(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=app.config.get("MIGRATIONS_DIR", "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    web.init_app(app)
    display.init_app(app)
    fragments.init_app(app)
    jobs.init_app(app)
    app.cli.add_command(demo_command)

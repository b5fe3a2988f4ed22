"""The core's own setup: extensions, request plumbing, one transaction per request, logs and
metrics, health, language, display, and the commands that need no feature (`flask demo` runs the
steps features add)."""
from __future__ import annotations

from importlib.metadata import version as distribution_version
from pathlib import Path

import click
from flask import Flask

from advocacy.core import (  # noqa: F401  (mail: its jobs)
    blobs,
    display,
    fragments,
    health,
    i18n,
    jobs,
    logs,
    mail,
    metrics,
    pagination,
    transaction,
    web,
)
from advocacy.core.db import db
from advocacy.core.demo import demo_command
from advocacy.core.extensions import csrf, limiter, migrate

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def init_app(app: Flask) -> None:
    # Before any feature adds a route: every <int:...> in a path is bounded (core/pagination.py).
    app.url_map.converters["int"] = pagination.BoundedIntConverter
    # First registered, so it runs last of all after_request hooks: nothing after the commit needs
    # the (then expired) objects of the request.
    transaction.init_app(app)
    # Next, so that every later hook and every error page has the request id, and the timing
    # covers all the other hooks.
    logs.init_app(app)
    metrics.init_app(app)
    db.init_app(app)
    # The migrations ship inside the package: found from the installed code, whatever the working folder.
    migrate.init_app(app, db, directory=app.config.get("MIGRATIONS_DIR", str(MIGRATIONS)),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    web.init_app(app)
    display.init_app(app)
    fragments.init_app(app)
    blobs.init_app(app)
    health.init_app(app)
    jobs.init_app(app)
    app.cli.add_command(demo_command)
    app.cli.add_command(version_command)


@click.command("version")
def version_command() -> None:
    """Print the version of Advocacy installed (CHANGELOG.md lists what each one changed)."""
    click.echo(f"Advocacy {distribution_version('advocacy')}")

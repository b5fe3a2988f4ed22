"""The REST API for HR analytics and integrations: /api/v1 (bearer tokens with scopes), its
OpenAPI 3.1 description and docs page, the admin's token page and `flask api token`."""
from __future__ import annotations

from flask import Flask
from limits import parse

from advocacy.api import admin, docs, routes
from advocacy.api.cli import api_cli
from advocacy.api.problems import http_problem
from advocacy.api.spec import API_PREFIX
from advocacy.core.config import ConfigError
from advocacy.core.extensions import csrf
from advocacy.core.web import add_error_renderer


def init_app(app: Flask) -> None:
    try:
        parse(app.config["API_RATE_LIMIT"])
    except ValueError as error:
        raise ConfigError(f"API_RATE_LIMIT: {error}.") from None
    # The API takes bearer tokens, never cookies: CSRF cannot apply to it.
    csrf.exempt(routes.bp)
    csrf.exempt(docs.bp)
    app.register_blueprint(routes.bp)
    app.register_blueprint(docs.bp)
    app.register_blueprint(admin.bp)
    # Errors under /api/v1 (404, 405, 429, 500, 503 too) are problem details, never HTML pages.
    add_error_renderer(app, API_PREFIX, http_problem)
    app.cli.add_command(api_cli)

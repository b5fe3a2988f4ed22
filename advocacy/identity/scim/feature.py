"""SCIM 2.0 provisioning: /scim/v2 for identity providers, the admin's token page, `flask scim`."""
from __future__ import annotations

from flask import Flask
from limits import parse

from advocacy.core.config import ConfigError
from advocacy.core.extensions import csrf
from advocacy.identity.scim import admin, api, groups
from advocacy.identity.scim.cli import scim_cli


def check_config(config) -> None:
    if config["SCIM_GROUPS"] not in groups.MODES:
        raise ConfigError(f"SCIM_GROUPS is {config['SCIM_GROUPS']!r}: it is departments or roles.")
    try:
        groups.role_map(config["SCIM_ROLE_GROUPS"])
        parse(config["SCIM_RATE_LIMIT"])
    except ValueError as error:
        raise ConfigError(f"{error}.") from None


def init_app(app: Flask) -> None:
    check_config(app.config)
    # The bearer API takes no cookies, so CSRF cannot apply: exempt it, and only it.
    csrf.exempt(api.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(admin.bp)
    app.cli.add_command(scim_cli)

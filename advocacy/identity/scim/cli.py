"""flask scim token create NAME | list | revoke NAME."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from advocacy.core.db import db
from advocacy.core.transaction import unit_of_work
from advocacy.identity.scim.models import ScimToken
from advocacy.identity.scim.tokens import all_tokens, create_token, revoke_token

scim_cli = AppGroup("scim", help="SCIM provisioning: bearer tokens for identity providers.")
token_cli = AppGroup("token", help="Create, list and revoke SCIM bearer tokens.")
scim_cli.add_command(token_cli)


@token_cli.command("create")
@click.argument("name")
def create_command(name):
    """Create a token named NAME and print it once (only its hash is kept)."""
    with unit_of_work():
        try:
            _token, raw = create_token(name)
        except ValueError as error:
            raise click.ClickException(str(error)) from None
    click.echo(raw)


@token_cli.command("list")
def list_command():
    """Every token: name, created, last used, revoked."""
    for token in all_tokens():
        state = f"revoked {token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at else "in use"
        used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
        click.echo(f"{token.name}\tcreated {token.created_at:%Y-%m-%d %H:%M}\tlast used {used}\t{state}")


@token_cli.command("revoke")
@click.argument("name")
def revoke_command(name):
    """Revoke the token named NAME: the provider using it is refused from then on."""
    with unit_of_work():
        token_id = db.session.scalar(select(ScimToken.id).where(ScimToken.name == name))
        if token_id is None or revoke_token(token_id, None) is None:
            raise click.ClickException(f"no token in use named {name!r}")
    click.echo(f"Revoked {name}.")

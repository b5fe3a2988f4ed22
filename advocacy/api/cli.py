"""flask api token create NAME --scope SCOPE... [--days N] | list | revoke NAME."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from advocacy.api.tokens import MAX_DAYS, SCOPES, all_tokens, create_token, revoke_named
from advocacy.core.transaction import unit_of_work

api_cli = AppGroup("api", help="The REST API: bearer tokens for HR analytics and integrations.")
token_cli = AppGroup("token", help="Create, list and revoke API tokens.")
api_cli.add_command(token_cli)


@token_cli.command("create")
@click.argument("name")
@click.option("--scope", "scopes", multiple=True, required=True, type=click.Choice(SCOPES),
              help="What the token may read; repeat for more than one.")
@click.option("--days", type=click.IntRange(1, MAX_DAYS), default=None,
              help="It stops working after this many days (default: when revoked).")
def create_command(name, scopes, days):
    """Create a token named NAME and print it once (only its hash is kept)."""
    with unit_of_work():
        try:
            _token, raw = create_token(name, scopes, days)
        except ValueError as error:
            raise click.ClickException(str(error)) from None
    click.echo(raw)


@token_cli.command("list")
def list_command():
    """Every token: name, scopes, created, last used, valid until, revoked."""
    for token in all_tokens():
        state = f"revoked {token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at else "in use"
        used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
        until = f"{token.expires_at:%Y-%m-%d %H:%M}" if token.expires_at else "no end"
        click.echo(f"{token.name}\t{token.scopes}\tcreated {token.created_at:%Y-%m-%d %H:%M}\tlast used {used}"
                   f"\tvalid until {until}\t{state}")


@token_cli.command("revoke")
@click.argument("name")
def revoke_command(name):
    """Revoke the token named NAME: the system using it is refused from then on."""
    with unit_of_work():
        if revoke_named(name) is None:
            raise click.ClickException(f"no token in use named {name!r}")
    click.echo(f"Revoked {name}.")

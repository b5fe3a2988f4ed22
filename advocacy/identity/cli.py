"""flask users create / set-roles / reset-second-factor: people who sign in, their roles, and the
last way back in for an admin who lost their phone, from the command line."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from advocacy.core.directory import create_user, find_user_by_email, get_or_create_department
from advocacy.core.people_rules import ROLES, parse_roles
from advocacy.core.transaction import unit_of_work
from advocacy.identity import mfa
from advocacy.identity.passwords import hash_password
from advocacy.identity.roles import change_roles, record_role_change

users_cli = AppGroup("users", help="Create people and set their roles.")


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Full name.")
@click.option("--roles", default="employee", show_default=True, help="Comma-separated: " + ", ".join(ROLES))
@click.option("--department", default=None, help="Department name (created if new).")
@click.option("--password", default=None, help="Password; prompted for when not given.")
def create_user_command(email, name, roles, department, password):
    """Create a person who can log in straight away."""
    with unit_of_work():
        user = create_person(email, name, roles, department, password)
    click.echo(f"Created {user.email} with roles {', '.join(sorted(user.roles))}.")


def create_person(email, name, roles, department, password):
    if find_user_by_email(email):
        raise click.ClickException(f"{email} already exists; use `flask users set-roles` to change roles.")
    try:
        role_list = parse_roles(roles)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    dept = get_or_create_department(department) if department else None
    try:
        user = create_user(email, name, role_list, dept, password_hash=hash_password(password))
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    if user.roles != {"employee"}:
        record_role_change(user, frozenset(), None, "flask users create")
    return user


@users_cli.command("set-roles")
@click.argument("email")
@click.argument("roles")
def set_roles_command(email, roles):
    """Replace a person's roles, e.g. `flask users set-roles ann@example.com hr,manager`."""
    with unit_of_work():
        user = replace_roles(email, roles)
    click.echo(f"{user.email}: {', '.join(sorted(user.roles))}")


def replace_roles(email, roles):
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No person with e-mail {email}.")
    try:
        change_roles(user, parse_roles(roles), actor=None, source="flask users set-roles")
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    return user


@users_cli.command("reset-second-factor")
@click.argument("email")
def reset_second_factor_command(email):
    """Remove a person's second factor and recovery codes (they lost their phone); their sessions
    end, they get a mail, the audit log records it. For the last admin, when no other admin can."""
    # A request context on PUBLIC_URL, as jobs have: the mail to the person is rendered in it.
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]), unit_of_work():
        user = find_user_by_email(email)
        if user is None:
            raise click.ClickException(f"No person with e-mail {email}.")
        removed = mfa.turn_off(user, actor=None, reason="reset")
    click.echo(f"{email}: second factor reset." if removed else f"{email} has no second factor.")

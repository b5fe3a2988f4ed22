"""flask people import FILE: import people from CSV, checked whole before anything changes;
flask users reinvite: invite again everyone who never accepted their invitation."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from advocacy.core.clock import utcnow
from advocacy.core.people_rules import ALL_ROLES
from advocacy.core.transaction import unit_of_work
from advocacy.identity.cli import users_cli
from advocacy.identity.invitations import invite_people
from advocacy.people.importing import apply_import, check_import, deactivate_leavers, people_not_in
from advocacy.people.reinvite import count_waiting, start_reinvite

people_cli = AppGroup("people", help="Import people from CSV.")


@people_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the file and show what would change; change nothing.")
@click.option("--deactivate-missing", is_flag=True,
              help="Deactivate everyone with an address who is not in the file (leavers).")
def import_people_command(file, dry_run, deactivate_missing):
    """Import people from a CSV file (email, name, department, manager_email, start_date, roles).

    The whole file is checked first: any problem and nothing is applied. New people are invited.
    """
    # Messages are translated and mail links built with url_for: both want a request.
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        import_people(file, dry_run, deactivate_missing)


def import_people(file, dry_run, deactivate_missing=False):
    with open(file, "rb") as handle:
        data = handle.read()
    checked = check_import(data, grantable=ALL_ROLES)  # whoever runs the CLI runs the server
    if not checked.ok:
        for problem in checked.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{len(checked.problems)} problem(s) in {file}; nothing was imported.")
    plan = checked.plan
    click.echo(f"Columns separated by {checked.parsed.delimiter_name}.")
    for row in plan.new:
        click.echo(f"  new        {row.email} ({row.name})")
    for row, changes in plan.changed:
        what = "; ".join(f"{name}: {before} -> {after}" for name, before, after in changes)
        click.echo(f"  changed    {row.email}: {what}")
    click.echo(f"{len(plan.new)} new, {len(plan.changed)} changed, {len(plan.unchanged)} unchanged.")
    leavers = people_not_in(checked, keep_id=-1) if deactivate_missing else []
    for user in leavers:
        click.echo(f"  deactivate {user.email} ({user.name}): not in the file")
    if deactivate_missing:
        click.echo(f"{len(leavers)} not in the file, to deactivate.")
    if dry_run:
        click.echo("Dry run: nothing was changed.")
        return
    with unit_of_work():  # the people and their invitation links together; the mails after the commit
        new_users = apply_import(checked, grantable=ALL_ROLES, actor=None, source=f"flask people import {file}")
        invited = invite_people(new_users)
        deactivated = deactivate_leavers(leavers, f"flask people import {file}: not in the file")
    click.echo(f"Imported. {invited} invitation(s) sent." + (f" {deactivated} deactivated." if leavers else ""))


@users_cli.command("reinvite")
@click.option("--dry-run", is_flag=True, help="Say how many would be invited; send nothing.")
def reinvite_command(dry_run):
    """Invite again everyone who never accepted their invitation (a job: the worker sends them)."""
    if dry_run:
        click.echo(f"{count_waiting(utcnow())} people have not accepted their invitation; nothing was sent.")
        return
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]), unit_of_work():
        count = start_reinvite(None)
    click.echo(f"Re-inviting {count} people; the worker sends the invitations.")

"""flask users create / set-roles, and flask demo."""
from __future__ import annotations

import secrets

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from advocacy.identity.passwords import hash_password
from advocacy.core.clock import utcnow
from advocacy.core.directory import find_user_by_email
from advocacy.core.db import db
from advocacy.core.organisation import ROLES, get_organisation
from advocacy.core.directory import create_user, get_or_create_department, parse_roles

users_cli = AppGroup("users", help="Create people and set their roles.")


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Full name.")
@click.option("--roles", default="employee", show_default=True, help="Comma-separated: " + ", ".join(ROLES))
@click.option("--department", default=None, help="Department name (created if new).")
@click.option("--password", default=None, help="Password; prompted for when not given.")
def create_user_command(email, name, roles, department, password):
    """Create a person who can log in straight away."""
    if find_user_by_email(email):
        raise click.ClickException(f"{email} already exists; use `flask users set-roles` to change roles.")
    try:
        role_list = parse_roles(roles)
    except ValueError as error:
        raise click.ClickException(str(error))
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    dept = get_or_create_department(department) if department else None
    try:
        user = create_user(email, name, role_list, dept, password_hash=hash_password(password))
    except ValueError as error:
        raise click.ClickException(str(error))
    db.session.commit()
    click.echo(f"Created {user.email} with roles {', '.join(sorted(user.roles))}.")


@users_cli.command("set-roles")
@click.argument("email")
@click.argument("roles")
def set_roles_command(email, roles):
    """Replace a person's roles, e.g. `flask users set-roles ann@example.com hr,manager`."""
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No person with e-mail {email}.")
    try:
        user.set_roles(parse_roles(roles))
    except ValueError as error:
        raise click.ClickException(str(error))
    user.rotate_session_token()  # new powers or fewer: start a fresh session
    db.session.commit()
    click.echo(f"{user.email}: {', '.join(sorted(user.roles))}")


DEMO_DEPARTMENTS = {
    # name: takes the advanced course
    "Marketing": True, "Communications": True, "PR": True, "Sales": True, "Customer service": True,
    "Finance": False, "IT": False, "HR": False, "Legal": False, "Operations": False,
}
DEMO_PEOPLE = (
    # role, name, department
    ("employee", "Eva Employee", "Operations"),
    ("manager", "Mark Manager", "Operations"),
    ("hr", "Hanna HR", "HR"),
    ("marketing", "Maya Marketing", "Marketing"),
    ("reviewer", "Ruben Reviewer", "Legal"),
    ("admin", "Ada Admin", "IT"),
)


@click.command("demo")
@click.option("--password", default=None, help="Password for every demo login (random when not given).")
@click.option("--employees", type=click.IntRange(min=0, max=200000), default=0,
              help="Also build a synthetic organisation of this many people with their training and sharing.")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed for --employees.")
@with_appcontext
def demo_command(password, employees, seed):
    """Create a demo organisation with one login per role at <role>@demo.example (idempotent).

    With --employees N, add synthetic people (person00000@demo.example ...) up to N, who share the
    demo password."""
    org = get_organisation()
    db.session.add(org)
    if org.name == "Our organisation":
        org.name = "Demo BV"
    for name, advanced in DEMO_DEPARTMENTS.items():
        get_or_create_department(name).advanced_eligible = advanced
    new_password = password or secrets.token_urlsafe(9)
    password_hash = hash_password(new_password)
    lines, manager = [], None
    for role, name, department in DEMO_PEOPLE:
        email = f"{role}@demo.example"
        user = find_user_by_email(email)
        if user is None:
            user = create_user(email, name, [role], get_or_create_department(department),
                               password_hash=password_hash)
            shown = new_password
        elif password:
            user.password_hash = password_hash
            user.rotate_session_token()
            shown = new_password
        else:
            shown = "(unchanged; pass --password to set one)"
        if role == "manager":
            manager = user
        lines.append((role, email, shown))
    employee = db.session.scalar(select(type(manager)).where(type(manager).email == "employee@demo.example"))
    employee.manager = manager
    from advocacy.people.demo import sample_posts

    posts = sample_posts(find_user_by_email("marketing@demo.example"),
                         find_user_by_email("reviewer@demo.example"), utcnow())
    db.session.commit()
    click.echo(f"Demo organisation: {org.name}" + (f" ({posts} sample posts added)" if posts else "") + ". Logins:")
    for role, email, shown in lines:
        click.echo(f"  {role:<10} {email:<26} {shown}")
    if employees:
        build_synthetic(employees, password_hash, seed)


def build_synthetic(employees: int, password_hash: str, seed: int) -> None:
    import time

    from advocacy.people.demo import build_organisation

    started = time.perf_counter()
    marketing = find_user_by_email("marketing@demo.example")
    reviewer = find_user_by_email("reviewer@demo.example")
    counts = build_organisation(employees, password_hash, marketing, reviewer, seed=seed)
    db.session.commit()
    if not counts["people"]:
        click.echo(f"The synthetic organisation already has {employees} or more people.")
        return
    summary = ", ".join(f"{n} {what}" for what, n in counts.items())
    click.echo(f"Synthetic organisation: {summary} ({time.perf_counter() - started:.1f} s). "
               f"They log in as person00000@demo.example ... with the demo password.")


people_cli = AppGroup("people", help="Import people from CSV.")


@people_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the file and show what would change; change nothing.")
def import_people_command(file, dry_run):
    """Import people from a CSV file (email, name, department, manager_email, start_date, roles).

    The whole file is checked first: any problem and nothing is applied. New people are invited.
    """
    from flask import current_app

    # Messages are translated and mail links built with url_for: both want a request.
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        import_people(file, dry_run)


def import_people(file, dry_run):
    from advocacy.people.importing import apply_import, check_import, invite_new_people

    with open(file, "rb") as handle:
        data = handle.read()
    checked = check_import(data, may_grant_admin=True)  # whoever runs the CLI runs the server
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
    if dry_run:
        click.echo("Dry run: nothing was changed.")
        return
    new_users = apply_import(checked, may_grant_admin=True, source=f"flask people import {file}")
    db.session.commit()
    failed = invite_new_people(new_users)
    click.echo(f"Imported. {len(new_users) - len(failed)} invitation(s) sent.")
    for email in failed:
        click.echo(f"Could not send the invitation to {email}; send a password reset later.", err=True)

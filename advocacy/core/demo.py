"""`flask demo`: a demo organisation, built by steps that each feature registers.

Core knows no feature. People register the organisation and its logins, the learning domain its
certifications and progress, the feed its posts and shares (each from its own init_app). Every
step is idempotent: running `flask demo` again adds only what is missing.

    add_demo_step(app, order, function)             the demo organisation (one login per role)
    add_demo_step(app, order, function, synthetic=True)   `--employees N`: a synthetic organisation
"""
from __future__ import annotations

import random
import secrets
import time
from dataclasses import dataclass, field
from datetime import date, datetime

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import insert, text

from advocacy.core.clock import utcnow
from advocacy.core.config import is_production
from advocacy.core.db import db
from advocacy.core.organisation import Department
from advocacy.core.transaction import unit_of_work

_STEPS = "advocacy.demo_steps"


@dataclass
class DemoRun:
    """What the steps share: the password, the time, and what earlier steps made."""

    password: str | None        # as given; None: keep existing passwords, invent one for new logins
    new_password: str           # the password new logins get
    now: datetime
    employees: int = 0
    rng: random.Random = field(default_factory=random.Random)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (role, email, what to show)
    password_hash: str = ""                                           # of new_password, set by the first step
    made: dict = field(default_factory=dict)                          # a step's results for later steps
    counts: dict[str, int] = field(default_factory=dict)              # what the synthetic steps added
    notes: list[str] = field(default_factory=list)                    # added to the summary line
    initial: bool = False       # new_password came from --initial-password: show it where still in use


@dataclass
class DemoPerson:
    """A synthetic person as the synthetic steps pass them on: their department and the tiers the
    learning step certified them for (the feed step shares only what they could)."""

    id: int
    department: Department
    start: date
    tiers: list[str] = field(default_factory=list)


BATCH = 1000  # rows per INSERT: PostgreSQL allows at most 65,535 parameters in one statement


def insert_rows(model, rows: list[dict]) -> None:
    """Bulk INSERT (executemany) in batches."""
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(model), rows[start:start + BATCH])


def add_demo_step(app: Flask, order: int, step, *, synthetic: bool = False) -> None:
    steps = app.extensions.setdefault(_STEPS, [])
    steps.append((synthetic, order, step))
    steps.sort(key=lambda entry: (entry[0], entry[1]))


def _steps(synthetic: bool):
    return [step for is_synthetic, _, step in current_app.extensions.get(_STEPS, []) if is_synthetic == synthetic]


@click.command("demo")
@click.option("--password", default=None, help="Password for every demo login (random when not given).")
@click.option("--initial-password", default=None,
              help="Password for demo logins made now; existing logins keep theirs, even when changed (make run).")
@click.option("--employees", type=click.IntRange(min=0, max=200000), default=0,
              help="Also build a synthetic organisation of this many people with their training and sharing.")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed for --employees.")
@with_appcontext
def demo_command(password, initial_password, employees, seed):
    """Create a demo organisation with one login per role at <role>@demo.example (idempotent).

    With --employees N, add synthetic people (person00000@demo.example ...) up to N, who share the
    demo password."""
    if is_production(current_app.config):
        raise click.ClickException("flask demo refuses to run in production (ADVOCACY_ENV=production): it would "
                                   "create logins with a known password. Create people with `flask users create`.")
    new_password = password or initial_password or secrets.token_urlsafe(9)
    run = DemoRun(password, new_password, utcnow(), employees, random.Random(seed),
                  initial=bool(initial_password and not password))
    with unit_of_work():
        for step in _steps(synthetic=False):
            step(run)
    name = run.made.get("organisation_name", "")
    click.echo(f"Demo organisation: {name}" + "".join(f" ({note})" for note in run.notes) + ". Logins:")
    for role, email, shown in run.logins:
        click.echo(f"  {role:<10} {email:<26} {shown}")
    if employees:
        build_synthetic(run)


def build_synthetic(run: DemoRun) -> None:
    started = time.perf_counter()
    with unit_of_work():
        for step in _steps(synthetic=True):
            step(run)
            if not run.counts.get("people", 1):
                break
        if run.counts.get("people"):
            # Fresh statistics: right after a bulk load the planner would otherwise think tables are empty.
            db.session.execute(text("ANALYZE"))
    if not run.counts.get("people"):
        click.echo(f"The synthetic organisation already has {run.employees} or more people.")
        return
    summary = ", ".join(f"{n} {what}" for what, n in run.counts.items())
    click.echo(f"Synthetic organisation: {summary} ({time.perf_counter() - started:.1f} s). "
               f"They log in as person00000@demo.example ... with the demo password.")

"""flask content sync [PATH]: load the curriculum (courses, lessons, quizzes, policy, goals)."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from advocacy.core.transaction import unit_of_work
from advocacy.learning.curriculum.sync import sync_content

content_cli = AppGroup("content", help="Load the curriculum (the default one shipped with the app, or CONTENT_PATH).")


@content_cli.command("sync")
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
def sync_command(path):
    """Load PATH (default: the CONTENT_PATH setting, which is the curriculum shipped
    in the package unless set) into the database. All or nothing:
    with any error nothing changes, every error is printed as FILE:LINE: message, exit status 1."""
    root = path or Path(current_app.config["CONTENT_PATH"])
    if not root.is_dir():
        raise click.ClickException(f"{root}: no such folder")
    with unit_of_work():
        result = sync_content(root)
    if result.errors:
        for error in result.errors:
            click.echo(str(error), err=True)
        click.echo(f"Content not synced: {len(result.errors)} error(s); nothing was changed.", err=True)
        raise SystemExit(1)
    click.echo(f"Synced content: {result.changed} changed")

"""flask content sync [PATH]: load the curriculum (courses, lessons, quizzes, policy, goals)."""
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from advocacy.core.transaction import unit_of_work
from advocacy.learning.curriculum.export import export_content
from advocacy.learning.curriculum.sync import sync_content

content_cli = AppGroup("content", help="Load the curriculum (the default one shipped with the app, or CONTENT_PATH).")


@content_cli.command("sync")
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Also replace the courses published in the browser since.")
def sync_command(path, force):
    """Load PATH (default: the CONTENT_PATH setting, which is the curriculum shipped
    in the package unless set) into the database. All or nothing:
    with any error nothing changes, every error is printed as FILE:LINE: message, exit status 1.
    A course published in the browser (the studio) is left alone, and named, unless --force."""
    root = path or Path(current_app.config["CONTENT_PATH"])
    if not root.is_dir():
        raise click.ClickException(f"{root}: no such folder")
    with unit_of_work():
        result = sync_content(root, force=force)
    if result.errors:
        for error in result.errors:
            click.echo(str(error), err=True)
        click.echo(f"Content not synced: {len(result.errors)} error(s); nothing was changed.", err=True)
        raise SystemExit(1)
    for slug, why in result.left_alone:
        click.echo(f"Left alone: course {slug!r}, {why}; `flask content sync --force` replaces it")
    click.echo(f"Synced content: {result.changed} changed")


@content_cli.command("export")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
def export_command(path):
    """Write the published curriculum (courses, lessons, quizzes, goals, policy) to PATH in the
    content/ format; `flask content sync PATH` then changes nothing. PATH must be empty or new."""
    if path.exists() and any(path.iterdir()):
        raise click.ClickException(f"{path}: not empty; export into a new or empty folder")
    with unit_of_work():
        written = export_content(path)
    click.echo(f"Exported {written} files to {path}")

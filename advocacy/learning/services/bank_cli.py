"""`flask quiz export COURSE [--format gift|xml] [--language LANG] [--version N] [--output FILE]`:
a course's published quiz bank as GIFT or Moodle XML (joins the `flask quiz` group of banks/cli.py,
which checks files without a database)."""
from __future__ import annotations

from pathlib import Path

import click

from advocacy.core.i18n import LANGUAGES
from advocacy.learning.banks.cli import quiz_cli
from advocacy.learning.services import banks


@quiz_cli.command("export")
@click.argument("course")
@click.option("--format", "kind", type=click.Choice(["gift", "xml"]), default="gift", show_default=True,
              help="GIFT, or Moodle XML.")
@click.option("--language", type=click.Choice(LANGUAGES), default="en", show_default=True)
@click.option("--version", "number", type=click.IntRange(1, 2**31 - 1), default=None,
              help="A version number (default: the newest).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None,
              help="Write to this file instead of standard output.")
def export_command(course: str, kind: str, language: str, number: int | None, output: Path | None) -> None:
    """Write COURSE's quiz bank (its slug) in LANGUAGE as GIFT or Moodle XML."""
    found = banks.course_by_slug(course)
    if found is None:
        raise click.ClickException(f"no course {course!r}")
    quiz = banks.quizzes_of(found).get(language)
    version = banks.version_of(quiz, number) if quiz else None
    if version is None:
        what = f"version {number} in {language!r}" if number and quiz else f"quiz in {language!r}"
        raise click.ClickException(f"course {course!r} has no {what}")
    try:
        data = banks.export_bank(version, kind)
    except ValueError as error:
        raise click.ClickException(f"cannot be written as {'Moodle XML' if kind == 'xml' else 'GIFT'}: {error}") \
            from None
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        output.write_bytes(data)
        click.echo(f"{len(version.questions)} questions (version {version.number}) written to {output}", err=True)

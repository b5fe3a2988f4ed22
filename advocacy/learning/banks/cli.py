"""`flask quiz parse FILE [--json]`: check a GIFT or Moodle XML file and show what it contains;
`flask quiz convert IN OUT`: turn one into the other (the format follows each file's extension)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import click
from flask.cli import AppGroup

from advocacy.learning.banks.gift import GiftError, export_gift, parse_gift_file, question_to_dict
from advocacy.learning.banks.moodle_xml import parse_moodle_xml_file, to_moodle_xml

quiz_cli = AppGroup("quiz", help="Check and convert quiz files (GIFT and Moodle XML).")


def _is_xml(path: str) -> bool:
    return Path(path).suffix.lower() == ".xml"


def _read(path: str):
    """The questions of a GIFT or (by its .xml extension) Moodle XML file; exit 1 on errors."""
    try:
        return parse_moodle_xml_file(path) if _is_xml(path) else parse_gift_file(path)
    except GiftError as error:
        click.echo(str(error), err=True)
        raise SystemExit(1) from None


def _summary(questions) -> str:
    counts = Counter(q.type for q in questions)
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
    noun = "question" if len(questions) == 1 else "questions"
    return f"{len(questions)} {noun}" + (f": {kinds}" if kinds else "") + "\nOK"


@quiz_cli.command("parse")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the questions as a JSON array.")
def parse_command(file: str, as_json: bool) -> None:
    """Parse a GIFT FILE (or Moodle XML, FILE.xml); report FILE:LINE: errors and exit 1 if it is not valid."""
    questions = _read(file)
    if as_json:
        click.echo(json.dumps([question_to_dict(q) for q in questions], ensure_ascii=False, indent=2))
    else:
        click.echo(_summary(questions))


@quiz_cli.command("convert")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.argument("target", type=click.Path(dir_okay=False, writable=True))
def convert_command(source: str, target: str) -> None:
    """Convert SOURCE to TARGET: GIFT, or Moodle XML when the name ends in .xml."""
    questions = _read(source)
    try:
        data = to_moodle_xml(questions) if _is_xml(target) else export_gift(questions).encode("utf-8")
    except ValueError as error:
        click.echo(f"{source}: cannot be written as {'Moodle XML' if _is_xml(target) else 'GIFT'}: {error}", err=True)
        raise SystemExit(1) from None
    Path(target).write_bytes(data)
    click.echo(f"{len(questions)} {'question' if len(questions) == 1 else 'questions'} written to {target}")

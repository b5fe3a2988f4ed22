"""`flask quiz parse FILE [--json]`: check a GIFT file and show what it contains."""

from __future__ import annotations

import json
from collections import Counter

import click
from flask.cli import AppGroup

from advocacy.learning.banks.gift import GiftError, parse_gift_file, question_to_dict

quiz_cli = AppGroup("quiz", help="Check GIFT quiz files.")


def _summary(questions) -> str:
    counts = Counter(q.type for q in questions)
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
    noun = "question" if len(questions) == 1 else "questions"
    return f"{len(questions)} {noun}" + (f": {kinds}" if kinds else "") + "\nOK"


@quiz_cli.command("parse")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the questions as a JSON array.")
def parse_command(file: str, as_json: bool) -> None:
    """Parse a GIFT FILE; report FILE:LINE: errors and exit 1 if it is not valid."""
    try:
        questions = parse_gift_file(file)
    except GiftError as error:
        click.echo(str(error), err=True)
        raise SystemExit(1) from None
    if as_json:
        click.echo(json.dumps([question_to_dict(q) for q in questions], ensure_ascii=False, indent=2))
    else:
        click.echo(_summary(questions))

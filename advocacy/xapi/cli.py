"""`flask xapi backfill | status | send`."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from advocacy.core.transaction import unit_of_work
from advocacy.xapi.backfill import backfill
from advocacy.xapi.outbox import counts, deliver, settings

xapi_cli = AppGroup("xapi", help="xAPI statements to the learning record store (README, \"Learning record store\").")


@xapi_cli.command("backfill")
def backfill_command() -> None:
    """Write the history already in the database (lessons read, attempts, certifications, policy
    acknowledgements) as statements, once; the worker sends them. A second run adds nothing."""
    if not settings().enabled:
        raise click.ClickException("XAPI_ENDPOINT is not set: there is no LRS to send to.")
    records, added = backfill()
    click.echo(f"{records} record(s) read, {added} new statement(s) queued for the LRS.")


@xapi_cli.command("status")
def status_command() -> None:
    """How many statements are pending, being sent, sent and failed."""
    s = settings()
    with unit_of_work():
        found = counts()
    click.echo(f"LRS: {s.endpoint or '(off: XAPI_ENDPOINT is not set)'}")
    for status, count in found.items():
        click.echo(f"{status}: {count}")


@xapi_cli.command("send")
def send_command() -> None:
    """Send what waits now, batch after batch, in this process (without a worker)."""
    total = 0
    while True:
        with unit_of_work():
            claimed = deliver()
        if not claimed:
            break
        total += claimed
    with unit_of_work():
        found = counts()
    click.echo(f"{total} statement(s) tried; pending {found['pending']}, sent {found['sent']}, "
               f"failed {found['failed']}.")

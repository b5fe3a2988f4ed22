"""flask reminders send, flask digest send: manual runs of what the worker's scheduler does daily and
weekly (reports/schedule.py); both safe to run twice, and beside the scheduler: the same claims."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from advocacy.core.clock import utcnow
from advocacy.reports.digest import digests_due, send_digests
from advocacy.reports.reminders import describe, reminders_due, send_reminders

reminders_cli = AppGroup("reminders", help="Remind people of overdue training, expiring certifications and the policy.")
digest_cli = AppGroup("digest", help="The weekly digest of new posts.")


def in_request_context(work):
    """Mail links are built with url_for, which needs a request; the public address is its base."""
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        return work()


@reminders_cli.command("send")
@click.option("--dry-run", is_flag=True, help="List what would be sent; send and record nothing.")
def send_reminders_command(dry_run):
    """Send the reminders that are due. A reminder is never sent twice within its interval."""
    now = utcnow()
    people = reminders_due(now)
    for person in people:
        click.echo(f"{person.email}: " + "; ".join(describe(r) for r in person.reminders))
    if dry_run:
        click.echo(f"Dry run: {len(people)} mail(s) would be sent; nothing was sent or recorded.")
        return
    sent, _ = in_request_context(lambda: send_reminders(people, now))
    click.echo(f"Queued {sent} reminder mail(s); the worker sends them (the outbox retries until they go).")


@digest_cli.command("send")
@click.option("--dry-run", is_flag=True, help="List who would get which posts; send and record nothing.")
def send_digest_command(dry_run):
    """Mail each certified person the posts that went live since the last digest."""
    now = utcnow()
    recipients = digests_due(now)
    for recipient in recipients:
        click.echo(f"{recipient.email}: " + "; ".join(post.title for post in recipient.posts))
    if dry_run:
        click.echo(f"Dry run: {len(recipients)} digest(s) would be sent; nothing was sent or recorded.")
        return
    sent, _ = in_request_context(lambda: send_digests(recipients, now))
    click.echo(f"Queued {sent} digest(s); the worker sends them (the outbox retries until they go).")

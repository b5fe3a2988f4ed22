"""Periodic work the worker's scheduler starts (`flask worker`, scheduler on): reminders daily,
the digest weekly. Times are UTC. Each job ticks every hour of a window and claims its day or week
(core/jobs.run_once), so it runs at the window's first hour, or at the next hour when no scheduler
was up then, and once however many hosts run a scheduler. `flask reminders send` and `flask digest
send` do the same work by hand; the per-person claims (ReminderLog) keep both from sending twice."""
from __future__ import annotations

from advocacy.core.clock import utcnow
from advocacy.core.jobs import crontab, day_of, periodic, run_once, week_of
from advocacy.reports.digest import digests_due, send_digests
from advocacy.reports.reminders import reminders_due, send_reminders


def send_due_reminders() -> int:
    now = utcnow()
    sent, _ = send_reminders(reminders_due(now), now)
    return sent


def send_due_digests() -> int:
    now = utcnow()
    sent, _ = send_digests(digests_due(now), now)
    return sent


@periodic("reports.reminders", crontab(minute="0", hour="7-20"))
def daily_reminders() -> None:
    run_once("reports.reminders", day_of(utcnow()), send_due_reminders)


@periodic("reports.digest", crontab(minute="5", day_of_week="1-5", hour="8-20"))
def weekly_digest() -> None:
    run_once("reports.digest", week_of(utcnow()), send_due_digests)

"""Reminders for cron (`flask reminders send`): overdue training, certifications expiring in 30 and
in 7 days, and a current policy not yet acknowledged.

Each reminder has a key (person, kind, subject, period). The period is its interval: overdue and
policy reminders repeat weekly (an ISO week such as 2026-W10); an expiry reminder goes once per
expiry date. A ReminderLog row with that key (the claim) and the mail in the outbox are written in
one transaction: the unique key stops a second run (even one running at the same moment, or a
second host's scheduler), and once committed the mail cannot be lost: the outbox retries it until
the mail server takes it (core/mail.py). People are claimed in chunks, each its own transaction.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select

from advocacy.core.db import db, insert_many_ignoring_conflicts
from advocacy.core.mail import absolute_url, send_mail
from advocacy.core.organisation import User
from advocacy.core.settings import organisation_settings
from advocacy.core.transaction import unit_of_work
from advocacy.learning.models.progress import PolicyAcknowledgement
from advocacy.learning.models.quizzes import Certification
from advocacy.learning.policy import current_policy
from advocacy.learning.status import Scope, due_dates_of, person_status
from advocacy.learning.tiers import TIERS
from advocacy.reports.models import ReminderLog

SOON, VERY_SOON = timedelta(days=30), timedelta(days=7)


@dataclass(frozen=True)
class Reminder:
    user_id: int
    kind: str
    subject: str
    period: str
    about: str = ""       # the tier, or the policy version, for the mail
    when: object = None   # the due date or expiry


@dataclass
class Person:
    id: int
    email: str
    name: str
    language: str | None
    reminders: list[Reminder] = field(default_factory=list)


def week_of(now: datetime) -> str:
    year, week, _ = now.isocalendar()
    return f"{year}-W{week:02d}"


def overdue_reminders(now: datetime) -> list[Reminder]:
    status = person_status(now, Scope())
    overdue = or_(*(getattr(status.c, f"{tier}_overdue") == 1 for tier in TIERS))
    days, period, found = organisation_settings().due_days, week_of(now), []
    for row in db.session.execute(select(status).where(overdue, status.c.email.is_not(None))):
        dues = due_dates_of(row, days)
        found += [Reminder(row.user_id, "overdue", tier, period, tier, dues[tier])
                  for tier in TIERS if getattr(row, f"{tier}_overdue")]
    return found


def expiry_reminders(now: datetime) -> list[Reminder]:
    rows = db.session.execute(
        select(Certification.id, Certification.user_id, Certification.tier, Certification.expires_at)
        .join(User, User.id == Certification.user_id)
        .where(Certification.is_valid_at(now), Certification.expires_at <= now + SOON, *reachable())
    )
    return [Reminder(r.user_id, "expiring7" if r.expires_at <= now + VERY_SOON else "expiring30",
                     f"{r.id}:{r.expires_at:%Y-%m-%d}", "once", r.tier, r.expires_at) for r in rows]


def policy_reminders(now: datetime) -> list[Reminder]:
    policy = current_policy()
    if policy is None:
        return []
    acknowledged = select(PolicyAcknowledgement.user_id).where(PolicyAcknowledgement.policy_version_id == policy.id)
    ids = db.session.scalars(select(User.id).where(*reachable(), User.id.not_in(acknowledged)))
    return [Reminder(user_id, "policy", f"v{policy.version}", week_of(now), str(policy.version)) for user_id in ids]


def reachable():
    return (User.is_active, User.email.is_not(None))


def already_sent(candidates: list[Reminder]) -> set[tuple]:
    periods = {r.period for r in candidates}
    rows = db.session.execute(select(ReminderLog.user_id, ReminderLog.kind, ReminderLog.subject, ReminderLog.period)
                              .where(ReminderLog.period.in_(periods), ReminderLog.kind != "digest"))
    return {tuple(row) for row in rows}


def reminders_due(now: datetime) -> list[Person]:
    """Everyone who has reminders to receive now, with those reminders (sent ones left out)."""
    candidates = overdue_reminders(now) + expiry_reminders(now) + policy_reminders(now)
    sent = already_sent(candidates) if candidates else set()
    by_person: dict[int, list[Reminder]] = defaultdict(list)
    for reminder in candidates:
        if (reminder.user_id, reminder.kind, reminder.subject, reminder.period) not in sent:
            by_person[reminder.user_id].append(reminder)
    if not by_person:
        return []
    ids = sorted(by_person)
    people: list = []
    for start in range(0, len(ids), 1000):  # IN lists within every database's parameter limit (100,000 people)
        people += db.session.execute(select(User.id, User.email, User.name, User.language)
                                     .where(User.id.in_(ids[start:start + 1000]))).all()
    return sorted((Person(p.id, p.email, p.name, p.language, by_person[p.id]) for p in people),
                  key=lambda p: p.email)


CHUNK = 200


def claim(reminders: list[tuple[int, Reminder]], now: datetime) -> set[tuple]:
    """Insert a ReminderLog row per (person id, reminder) in one statement; returns the keys this run
    won. A key another run holds already is skipped: that run sends it (it commits its mail with it)."""
    rows = [dict(user_id=user_id, kind=r.kind, subject=r.subject, period=r.period, sent_at=now)
            for user_id, r in reminders]
    table = ReminderLog.__table__.c
    return set(insert_many_ignoring_conflicts(ReminderLog, rows, table.user_id, table.kind, table.subject,
                                              table.period))


def send_reminders(people: list[Person], now: datetime) -> tuple[int, list[str]]:
    """Claim and queue each person one mail with their reminders, CHUNK people per transaction (the
    claims and the mails in the outbox commit together). Returns (mails queued, addresses that
    failed): a mail in the outbox is retried until it goes, so none fail here."""
    sent = 0
    for start in range(0, len(people), CHUNK):
        chunk = people[start:start + CHUNK]
        with unit_of_work():
            won = claim([(person.id, r) for person in chunk for r in person.reminders], now)
            for person in chunk:
                mine = [r for r in person.reminders if (person.id, r.kind, r.subject, r.period) in won]
                if mine:
                    reminder_mail(Person(person.id, person.email, person.name, person.language, mine))
                    sent += 1
    return sent, []


def reminder_mail(person: Person) -> None:
    with force_locale(person.language or "en"):
        subject = _("Advocacy: a reminder") if len(person.reminders) == 1 else _("Advocacy: %(n)d reminders",
                                                                                  n=len(person.reminders))
        body = render_template("reports/mail_reminders.txt", person=person, reminders=person.reminders,
                               learn_url=absolute_url(url_for("courses.home")))
        send_mail(person.email, subject, body, lang=person.language or "en")


def describe(reminder: Reminder) -> str:
    """One line for --dry-run and the logs."""
    when = f" ({reminder.when:%Y-%m-%d})" if reminder.when else ""
    return f"{reminder.kind} {reminder.about}{when}"


"""Outgoing mail through an outbox: written in the transaction that caused it, sent by a job.

`send_mail(...)` adds an `OutboxMail` row (address, subject, text, headers, language, Date and
Message-ID) to the current transaction: a rollback drops the mail together with the
change that caused it, a commit keeps it however the mail server is doing. After the commit a
`mail.deliver` job is enqueued with the new rows' ids.

Delivery claims its rows with one guarded `UPDATE ... WHERE status = 'queued'` (a row is sent by
one worker only), builds each message (the text and a simple HTML alternative), sends them over ONE
connection (core/smtp.py's SmtpTransport: STARTTLS required
when MAIL_USE_TLS, certificates verified, SMTPS on port 465, the rate limit), and records each
result: sent; a temporary failure goes back to 'queued' with a later `next_attempt_at` (backoff)
and a retry job; a permanent one is 'failed' with its reason (logged without addresses). A claim
left by a worker that was killed is taken back after CLAIM_TIMEOUT. The `mail.sweep` periodic job
sends rows whose job was lost (the queue was down when the request committed).

MAIL_BACKEND picks the transport at the end of that same path: "smtp" (MAIL_SERVER set), "console"
(development: printed), "memory" (tests: app.extensions["mail_outbox"]).
"""
from __future__ import annotations

import logging
import secrets
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr
from typing import Protocol, cast

from flask import current_app
from flask_babel import get_locale
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Index,
    Integer,
    String,
    Text,
    and_,
    delete,
    func,
    inspect,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, mapped_column

from advocacy.core import metrics, smtp
from advocacy.core.clock import UTCDateTime, utcnow
from advocacy.core.db import Model, db, rows_changed
from advocacy.core.jobs import crontab, enqueue, job, periodic, queue_of
from advocacy.core.transaction import after_commit_batch

log = logging.getLogger("advocacy.mail")

BATCH = 100                           # mails per delivery job (one SMTP connection)
COMMIT_EVERY = 20                     # results stored this often: a killed worker resends at most this many
CLAIM_TIMEOUT = timedelta(minutes=10)
SWEEP_GRACE = timedelta(minutes=5)    # a queued mail this late has lost its job
MAX_ATTEMPTS = 8
STATUSES = ("queued", "sending", "sent", "failed")


class OutboxMail(Model):
    """One mail to send: what it says, not yet the MIME message. The worker builds the message
    (text and HTML parts, headers) when it sends, so a request or a reminder run that writes
    thousands of mails only renders their text; Date and Message-ID are fixed here, so a retry
    sends the same message. Once sent, the text is removed (the row stays a month, for support)."""

    __tablename__ = "outbox_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict | None] = mapped_column(JSON)
    lang: Mapped[str] = mapped_column(String(5), default="en")
    message_id: Mapped[str] = mapped_column(String(250))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claim: Mapped[str | None] = mapped_column(String(32), index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))

    __table_args__ = (
        CheckConstraint("status IN ('queued', 'sending', 'sent', 'failed')", name="known_status"),
        Index("ix_outbox_mail_status_next_attempt_at", "status", "next_attempt_at"),
    )


# -- writing mail ---------------------------------------------------------------------------------

def build_message(to: str, subject: str, body: str, headers: dict | None = None, lang: str | None = None,
                  date: datetime | None = None, message_id: str | None = None) -> EmailMessage:
    """The complete message from this app's sender: Date, Message-ID, text and HTML alternative."""
    lang = lang or str(get_locale() or "en")
    msg = smtp.build_message(current_app.config["MAIL_SENDER"], to, subject, body,
                             html=smtp.text_to_html(body, lang=lang, title=subject), headers=headers, date=date)
    if message_id:
        msg.replace_header("Message-ID", message_id)
    return msg


def send_mail(to: str, subject: str, body: str, headers: dict | None = None, lang: str | None = None) -> OutboxMail:
    """Put a mail in the outbox of the current transaction; it goes out after the commit. What could
    smuggle a header in (a line break in the address, subject or a header) is refused here."""
    for name, value in (("To", to), ("Subject", subject), *(headers or {}).items()):
        smtp.check_header(name, value)
    if to.count("@") != 1:
        raise ValueError("a mail needs exactly one address")
    now = utcnow()
    domain = parseaddr(current_app.config["MAIL_SENDER"])[1].rpartition("@")[2] or "localhost"
    row = OutboxMail(to_address=to, subject=subject, body=body, headers=dict(headers) if headers else None,
                     lang=(lang or str(get_locale() or "en"))[:5], message_id=make_msgid(domain=domain),
                     status="queued", created_at=now, next_attempt_at=now, attempts=0)
    db.session.add(row)
    after_commit_batch("mail.deliver", row, _enqueue_delivery)
    return row


def _enqueue_delivery(rows: list[OutboxMail]) -> None:
    ids = [cast(tuple, inspect(row).identity)[0] for row in rows if inspect(row).identity]
    for start in range(0, len(ids), BATCH):
        # Enqueued outside any transaction now: `enqueue` would wait for a commit that has happened.
        from_queue_put("mail.deliver", ids[start:start + BATCH])


def from_queue_put(name: str, *args) -> None:
    try:
        queue_of().enqueue_now(name, *args)
    except Exception:
        log.exception("could not enqueue %s; the outbox sweep sends these mails later", name)


def absolute_url(path: str) -> str:
    """Links in mail point at the public address, not whatever host the request came on."""
    return current_app.config["PUBLIC_URL"] + path


# -- transports ------------------------------------------------------------------------------------

class Transport(Protocol):
    def send(self, msg: EmailMessage) -> smtp.SendResult: ...


class MemoryTransport:
    """MAIL_BACKEND=memory (tests): the messages land in app.extensions["mail_outbox"]."""

    def __init__(self, app):
        self.box = app.extensions.setdefault("mail_outbox", [])

    def send(self, msg: EmailMessage) -> smtp.SendResult:
        self.box.append(msg)
        return smtp.SendResult(str(msg["Message-ID"]), smtp.SendStatus.SENT, accepted=smtp.envelope_of(msg).recipients)


class ConsoleTransport:
    """MAIL_BACKEND=console (development without MAIL_SERVER): printed to stderr."""

    def send(self, msg: EmailMessage) -> smtp.SendResult:
        text = msg.get_body(("plain",))
        shown = text.get_content() if text is not None else ""
        print(f"--- mail (console backend; set MAIL_SERVER to send) ---\nTo: {msg['To']}\nSubject: {msg['Subject']}"
              f"\n\n{shown}", file=sys.stderr)
        return smtp.SendResult(str(msg["Message-ID"]), smtp.SendStatus.SENT, accepted=smtp.envelope_of(msg).recipients)


class _SharedLimiter(smtp.RateLimiter):
    """One rate limit per process, shared by its worker threads."""

    def __init__(self, per_minute: int | None):
        super().__init__(per_minute)
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            super().wait()


_LIMITERS: dict[tuple, _SharedLimiter] = {}


def smtp_settings(cfg) -> smtp.SmtpSettings:
    """MAIL_* as SmtpSettings; ValueError (a clear sentence) when they do not fit together."""
    port = int(cfg.get("MAIL_PORT") or 587)
    security: smtp.Security = "ssl" if port == 465 or cfg.get("MAIL_USE_SSL") else \
        "starttls" if cfg.get("MAIL_USE_TLS") else "none"
    return smtp.SmtpSettings(host=cfg.get("MAIL_SERVER", ""), port=port, username=cfg.get("MAIL_USERNAME") or "",
                             password=cfg.get("MAIL_PASSWORD") or "", security=security,
                             verify=bool(cfg.get("MAIL_VERIFY", True)), ca_file=cfg.get("MAIL_CA_FILE") or None,
                             rate_per_minute=cfg.get("MAIL_RATE_PER_MINUTE") or None)


def backend_of(cfg) -> str:
    return cfg.get("MAIL_BACKEND") or ("smtp" if cfg.get("MAIL_SERVER") else "console")


@contextmanager
def transport() -> Iterator[Transport]:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    backend = backend_of(app.config)
    if backend == "memory":
        yield MemoryTransport(app)
    elif backend == "console":
        yield ConsoleTransport()
    else:
        settings = smtp_settings(app.config)
        key = (settings.host, settings.port, settings.username, settings.rate_per_minute)
        limiter = _LIMITERS.setdefault(key, _SharedLimiter(settings.rate_per_minute))
        with smtp.SmtpTransport(settings, limiter=limiter) as connection:
            yield connection


# -- delivering -------------------------------------------------------------------------------------

def claimable(now: datetime):
    return or_(and_(OutboxMail.status == "queued", OutboxMail.next_attempt_at <= now),
               and_(OutboxMail.status == "sending", OutboxMail.claimed_at < now - CLAIM_TIMEOUT))


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, ... minutes, at most an hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


@job("mail.deliver", retries=3, retry_delay=30)
def deliver(ids: list[int]) -> None:
    """Claim these outbox rows (those nobody else has), send them over one connection, record each."""
    ids = [int(i) for i in ids][:BATCH * 10]
    claim, now = secrets.token_hex(16), utcnow()
    claimed = rows_changed(update(OutboxMail).where(OutboxMail.id.in_(ids), claimable(now))
                           .values(status="sending", claim=claim, claimed_at=now, attempts=OutboxMail.attempts + 1)
                           .execution_options(synchronize_session=False))
    db.session.commit()  # the claim is stored before anything is sent
    if claimed < len(ids):  # a retry that came early (another host's clock, a drain): come back on time
        waiting = db.session.execute(select(OutboxMail.id, OutboxMail.next_attempt_at).where(
            OutboxMail.id.in_(ids), OutboxMail.status == "queued", OutboxMail.next_attempt_at > now)).all()
        if waiting:
            delay = (min(when for _, when in waiting) - now).total_seconds()
            enqueue("mail.deliver", [row_id for row_id, _ in waiting], delay=delay)
    if claimed:
        send_claimed(claim)


def send_claimed(claim: str) -> None:
    rows = db.session.execute(select(OutboxMail.id, OutboxMail.attempts, OutboxMail.to_address, OutboxMail.subject,
                                     OutboxMail.body, OutboxMail.headers, OutboxMail.lang, OutboxMail.created_at,
                                     OutboxMail.message_id)
                              .where(OutboxMail.claim == claim, OutboxMail.status == "sending")
                              .order_by(OutboxMail.id)).all()
    retry: list[tuple[int, int]] = []
    done = 0
    try:
        with transport() as connection:
            for row in rows:
                try:
                    msg = build_message(row.to_address, row.subject, row.body, row.headers, row.lang,
                                        date=row.created_at, message_id=row.message_id)
                except ValueError as error:  # cannot become a message: no retry will change that
                    _record(row.id, row.attempts, False, False, f"not a valid message: {error}")
                else:
                    result = connection.send(msg)
                    if _record(row.id, row.attempts, result.ok, result.temporary, result.reason):
                        retry.append((row.id, row.attempts))
                done += 1
                if done % COMMIT_EVERY == 0:
                    db.session.commit()
    except (smtp.MailError, ValueError, OSError) as error:
        # The connection itself (unreachable, no STARTTLS, untrusted certificate, login refused, a
        # configuration that cannot work): nothing more goes out now; these mails wait and retry,
        # so fixing the relay or the settings sends them. smtp.py logged the details.
        left = [(row.id, row.attempts) for row in rows[done:]]
        log.error("mail delivery stopped, %d mail(s) wait for a retry: %s", len(left), error)
        for row_id, attempts in left:
            if _record(row_id, attempts, False, True, str(error)):
                retry.append((row_id, attempts))
    if retry:
        delay = retry_delay(min(attempts for _, attempts in retry))
        enqueue("mail.deliver", [row_id for row_id, _ in retry], delay=delay.total_seconds())


def _record(row_id: int, attempts: int, ok: bool, temporary: bool, reason: str) -> bool:
    """Store one result; True when the mail should be tried again later."""
    now = utcnow()
    values: dict
    again = False
    if ok:
        values = dict(status="sent", sent_at=now, last_error=None, body="")  # no copy of what went out
        metrics.mails_sent()
    elif temporary and attempts < MAX_ATTEMPTS:
        values = dict(status="queued", next_attempt_at=now + retry_delay(attempts), last_error=reason[:500])
        again = True
    else:
        values = dict(status="failed", last_error=reason[:500])
        metrics.mails_failed()
        log.warning("mail %d failed after %d attempt(s): %s", row_id, attempts, smtp.redact_addresses(reason))
    db.session.execute(update(OutboxMail).where(OutboxMail.id == row_id).values(claim=None, **values)
                       .execution_options(synchronize_session=False))
    return again


@periodic("mail.sweep", crontab(minute="*/5"))
def sweep() -> None:
    """Send what lost its job: queued mail well past its time, and claims of killed workers."""
    now = utcnow()
    late = or_(and_(OutboxMail.status == "queued", OutboxMail.next_attempt_at <= now - SWEEP_GRACE),
               and_(OutboxMail.status == "sending", OutboxMail.claimed_at < now - CLAIM_TIMEOUT))
    ids = list(db.session.scalars(select(OutboxMail.id).where(late).order_by(OutboxMail.id).limit(BATCH * 20)))
    for start in range(0, len(ids), BATCH):
        enqueue("mail.deliver", ids[start:start + BATCH])
    if ids:
        log.info("outbox sweep: %d mail(s) re-queued", len(ids))
    # A sent mail's row (no copy of the message) is kept a month, for support questions, then removed.
    month_ago = now - timedelta(days=30)
    db.session.execute(delete(OutboxMail).where(OutboxMail.status == "sent", OutboxMail.sent_at < month_ago)
                       .execution_options(synchronize_session=False))


def outbox_counts() -> dict[str, int]:
    rows = db.session.execute(select(OutboxMail.status, func.count()).group_by(OutboxMail.status)).all()
    return dict.fromkeys(STATUSES, 0) | {row[0]: row[1] for row in rows}

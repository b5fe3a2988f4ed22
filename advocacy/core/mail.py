"""Outgoing mail, sent only after the commit that caused it.

`send_mail(...)` builds the message and queues it on the current transaction; when that commits,
the queue goes out over one SMTP connection (or to the console in development, or to
app.extensions["mail_outbox"] when MAIL_BACKEND="memory", for tests). A rolled-back transaction
sends nothing. `deliver_now(...)` sends at once, for callers that must know the outcome.
"""
from __future__ import annotations

import logging
import smtplib
import sys
from email.message import EmailMessage

from flask import current_app

from advocacy.core.db import db
from advocacy.core.transaction import after_commit

log = logging.getLogger("advocacy.mail")
_QUEUE = "advocacy.mail"


def build_message(to: str, subject: str, body: str, headers: dict | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_SENDER"]
    msg["To"] = to
    msg["Subject"] = subject
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    return msg


def send_mail(to: str, subject: str, body: str, headers: dict | None = None) -> None:
    """Queue a mail; it goes out when the current transaction commits."""
    queue = db.session.info.get(_QUEUE)
    if queue is None:
        queue = db.session.info[_QUEUE] = []
        after_commit(lambda: _send_queue(queue))
    queue.append(build_message(to, subject, body, headers))


def _send_queue(queue: list[EmailMessage]) -> None:
    if db.session.info.get(_QUEUE) is queue:
        del db.session.info[_QUEUE]
    try:
        deliver_now(queue)
    except OSError as error:
        log.error("could not send %d queued mail(s): %s", len(queue), error)


def deliver_now(messages: list[EmailMessage]) -> None:
    """Send these messages now; raises OSError (smtplib's errors included) when they cannot go."""
    if not messages:
        return
    cfg = current_app.config
    backend = cfg.get("MAIL_BACKEND") or ("smtp" if cfg.get("MAIL_SERVER") else "console")
    if backend == "memory":
        current_app.extensions.setdefault("mail_outbox", []).extend(messages)
    elif backend == "console":
        for msg in messages:
            print(f"--- mail (console backend; set MAIL_SERVER to send) ---\n{msg}", file=sys.stderr)
    else:
        send_over_smtp(messages)


def send_over_smtp(messages: list[EmailMessage]) -> None:
    cfg = current_app.config
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=30) as smtp:
        if cfg.get("MAIL_USE_TLS") and smtp.has_extn("starttls"):
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        for msg in messages:
            smtp.send_message(msg)


def absolute_url(path: str) -> str:
    """Links in mail point at the public address, not whatever host the request came on."""
    return current_app.config["PUBLIC_URL"] + path

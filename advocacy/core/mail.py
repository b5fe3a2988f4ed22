"""Outgoing mail: SMTP when MAIL_SERVER is set, else printed to the console (development).

Tests may set MAIL_BACKEND="memory" to collect messages in app.extensions["mail_outbox"].
"""
from __future__ import annotations

import smtplib
import sys
from email.message import EmailMessage

from flask import current_app


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
    msg = build_message(to, subject, body, headers)
    cfg = current_app.config
    backend = cfg.get("MAIL_BACKEND") or ("smtp" if cfg.get("MAIL_SERVER") else "console")
    if backend == "memory":
        current_app.extensions.setdefault("mail_outbox", []).append(msg)
    elif backend == "console":
        print(f"--- mail (console backend; set MAIL_SERVER to send) ---\n{msg}", file=sys.stderr)
    else:
        send_over_smtp([msg])


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

"""A person's own data as JSON, and erasing a person who left, with parts each feature registers.

Core knows the person (profile, roles, the audit log); every feature adds what it holds about them
from its init_app:

    add_personal_data(app, exporter)   exporter(user) -> dict of sections for "download my data"
    add_eraser(app, eraser)            eraser(person) blanks the free text that feature keeps

Erasure removes what identifies the person (name, e-mail, password, free text they wrote) and
keeps the rows that reports count (certifications, progress, shares, clicks), now anonymous.
"""
from __future__ import annotations

import json
from datetime import date, datetime

from flask import Flask, current_app
from sqlalchemy import func, select, update

from advocacy.core.audit import AuditEntry, record
from advocacy.core.clock import utcnow
from advocacy.core.db import db
from advocacy.core.organisation import User

ERASED_NAME = "Former employee"
_EXPORTERS, _ERASERS = "advocacy.privacy_exporters", "advocacy.privacy_erasers"


def add_personal_data(app: Flask, exporter) -> None:
    app.extensions.setdefault(_EXPORTERS, []).append(exporter)


def add_eraser(app: Flask, eraser) -> None:
    app.extensions.setdefault(_ERASERS, []).append(eraser)


def plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def rows_as_dicts(model, user_id: int, fields: tuple[str, ...], order_by: str) -> list[dict]:
    """A feature's rows of one person, as plain values (for exporters)."""
    rows = db.session.scalars(select(model).where(model.user_id == user_id).order_by(getattr(model, order_by)))
    return [{name: plain(getattr(row, name)) for name in fields} for row in rows]


def personal_data(user: User) -> dict:
    data = {
        "exported_at": plain(utcnow()),
        "profile": {
            "name": user.name, "email": user.email,
            "department": user.department.name if user.department else None,
            "manager": user.manager.display_name if user.manager else None,
            "start_date": plain(user.start_date), "language": user.language,
            "created_at": plain(user.created_at), "last_login_at": plain(user.last_login_at),
            "leaderboard_opt_in": user.leaderboard_opt_in,
            "weekly_digest": user.digest_unsubscribed_at is None,
        },
        "roles": sorted(user.roles),
    }
    for exporter in current_app.extensions.get(_EXPORTERS, []):
        data.update(exporter(user))
    return data


def export_as_json(user: User) -> str:
    return json.dumps(personal_data(user), indent=2, ensure_ascii=False)


def erase_person(person: User) -> None:
    """Remove personal data; keep anonymous counts (the caller's transaction)."""
    identifying = [text for text in (person.email, person.name) if text and len(text) >= 3]
    person.name = ERASED_NAME
    person.email = None
    person.password_hash = None
    person.rotate_session_token()  # every open session and remember-me cookie stops working
    person.active = False
    person.erased_at = utcnow()
    person.language = None
    person.start_date = None
    person.leaderboard_opt_in = False
    person.digest_unsubscribed_at = person.erased_at
    person.set_roles([])
    for text in identifying:  # the audit log keeps what happened, without who it was
        db.session.execute(update(AuditEntry).where(AuditEntry.detail.contains(text, autoescape=True))
                           .values(detail=func.replace(AuditEntry.detail, text, "[erased]")))
    for eraser in current_app.extensions.get(_ERASERS, []):
        eraser(person)
    record("person.erase", f"person #{person.id} erased", subject_id=person.id)

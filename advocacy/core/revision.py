"""A stamp that changes whenever content that every page reads changes, so each process can keep
its own copy of that content and know, with one tiny query per request, whether it is stale.

The stamp lives in one row. Features say which models count (`watch(*models)`: courses, lessons,
goals, the policy; core adds the organisation's settings). A flush hook on every session writes a
new random stamp in the same transaction as any change to those models, so no code path can forget
it, a rolled-back change rolls the stamp back too, and every process sees the new stamp the moment
the change commits. A request reads the stamp once (remembered in `g`); the learner's record
(learning/record.py) brings it along with the person's rows, so most pages pay nothing for it.
"""
from __future__ import annotations

import secrets
from datetime import datetime
from functools import cache
from typing import cast

from flask import g, has_app_context, has_request_context
from sqlalchemy import String, Table, event, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from advocacy.core.clock import UTCDateTime, utcnow
from advocacy.core.db import Model, db

STAMP_ROW = 1
_WATCHED: set[type] = set()


class ContentRevision(Model):
    """The one row whose stamp changes with every change to a watched model."""

    id: Mapped[int] = mapped_column(primary_key=True)
    stamp: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def watch(*models: type) -> None:
    """Changes to these models move the stamp (each feature names its own, at import)."""
    _WATCHED.update(models)


def current_stamp() -> str | None:
    """The database's stamp, read once per request (again after this request changed content).
    Outside a request (commands, the test suite) it is read every time: those contexts live long."""
    if has_request_context() and "content_stamp" in g:
        return g.content_stamp
    stamp = db.session.scalar(_stamp_statement())
    if has_request_context():
        g.content_stamp = stamp
    return stamp


def remember_stamp(stamp: str | None) -> None:
    """A stamp read along with other rows (learning/record.py) serves the rest of the request."""
    if has_request_context() and "content_stamp" not in g:
        g.content_stamp = stamp


@cache
def _stamp_statement():
    # Hot statements are built once per process: building one costs more than running it on SQLite.
    return select(ContentRevision.stamp).where(ContentRevision.id == STAMP_ROW)


def _changes_watched(session: Session) -> bool:
    models = tuple(_WATCHED)
    if any(isinstance(obj, models) for obj in session.new) or any(isinstance(obj, models) for obj in session.deleted):
        return True
    return any(isinstance(obj, models) and session.is_modified(obj) for obj in session.dirty)


@event.listens_for(Session, "before_flush")
def _note_change(session: Session, _flush_context, _instances) -> None:
    if _WATCHED and _changes_watched(session):
        session.info["content_changed"] = True


@event.listens_for(Session, "after_flush")
def _write_new_stamp(session: Session, _flush_context) -> None:
    """A new stamp in the same transaction as the change (insert the row the first time)."""
    if not session.info.pop("content_changed", False):
        return
    stamp, now = secrets.token_hex(16), utcnow()
    connection = session.connection()
    table = cast(Table, ContentRevision.__table__)
    new_stamp = update(table).where(table.c.id == STAMP_ROW).values(stamp=stamp, changed_at=now)
    if not connection.execute(new_stamp).rowcount:  # the first change ever: make the row (once, if two race)
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        connection.execute(dialect.insert(table).values(id=STAMP_ROW, stamp=stamp, changed_at=now)
                           .on_conflict_do_nothing())
        connection.execute(new_stamp)
    if has_app_context():
        g.pop("content_stamp", None)  # this request reads its own change from now on

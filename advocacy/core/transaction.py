"""One transaction per unit of work: a request, a CLI command, a job.

Services only flush. The request commits once, after the view returned a response below 400,
and rolls back otherwise; a CLI command or a job wraps its work in `unit_of_work()`. Whatever must
happen only once the data is safely stored (sending mail, enqueuing jobs) is registered with
`after_commit(...)`: it runs after the commit that stored it, and never after a rollback.

GET and HEAD requests read. A view that has a documented reason to write on GET says so with
`@writes_on_get("why")`; any other GET that flushes a change is a bug, refused loudly in tests and
debug, logged in production (the change is then rolled back, not committed).
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from functools import wraps

from flask import Flask, current_app, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from advocacy.core.db import db

log = logging.getLogger("advocacy.transaction")
_AFTER_COMMIT = "advocacy.after_commit"
_BATCHES = "advocacy.after_commit_batches"
_WROTE = "advocacy.wrote"
READING_METHODS = ("GET", "HEAD", "OPTIONS")


def after_commit(callback) -> None:
    """Run `callback()` once the current transaction commits (dropped if it rolls back)."""
    db.session.info.setdefault(_AFTER_COMMIT, []).append(callback)


def after_commit_batch(key: str, item, flush) -> None:
    """Add `item` to this transaction's batch named `key`; once the transaction commits,
    `flush(items)` runs once with every item added (the rows to enqueue, say). Dropped, like
    `after_commit`, when the transaction rolls back, so the next transaction starts a batch of
    its own."""
    batches = db.session.info.setdefault(_BATCHES, {})
    batch = batches.get(key)
    if batch is None:
        batch = batches[key] = []
        after_commit(lambda: flush(batch))
    batch.append(item)


@event.listens_for(Session, "after_flush")
def _note_write(session: Session, _context) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statement_write(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the data is not stored yet
        return
    callbacks = session.info.pop(_AFTER_COMMIT, [])
    session.info.pop(_BATCHES, None)
    session.info.pop(_WROTE, None)
    for callback in callbacks:
        try:
            callback()
        except Exception:  # the data is stored; what follows it must not turn into an error page
            log.exception("work after commit failed")


@event.listens_for(Session, "after_rollback")
def _drop_after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # back to a savepoint: what came before it still commits
        return
    session.info.pop(_AFTER_COMMIT, None)
    session.info.pop(_BATCHES, None)
    session.info.pop(_WROTE, None)


@contextmanager
def unit_of_work():
    """Commit what the block did, or roll it all back if it raised (CLI commands and jobs)."""
    try:
        yield db.session
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def writes_on_get(reason: str):
    """Mark a view that writes on GET on purpose; `reason` is for the reader (and the README)."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            return view(*args, **kwargs)

        wrapped.writes_on_get = reason
        return wrapped

    return decorator


def _view_may_write_on_get() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "writes_on_get", None))


class WriteOnGet(RuntimeError):
    """A GET request changed data without saying why (see writes_on_get)."""


def finish_request(response):
    """Commit below 400, roll back from 400 on. A failed commit becomes the error it is."""
    session = db.session
    if response.status_code >= 400:
        session.rollback()
        return response
    if request.method in READING_METHODS and session.info.get(_WROTE) and not _view_may_write_on_get():
        session.rollback()
        message = f"GET {request.path} ({request.endpoint}) changed data; mark it @writes_on_get or move the write"
        if current_app.debug or current_app.testing:
            raise WriteOnGet(message)
        log.error(message)
        return response
    session.commit()
    return response


def init_app(app: Flask) -> None:
    app.after_request(finish_request)

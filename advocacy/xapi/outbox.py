"""Statements in, statements out: the event subscriber that writes the outbox, and the delivery job.

Writing: `record(name, payload)` (subscribed to the learning events) builds the statements and adds
their rows to the current transaction (INSERT ... ON CONFLICT DO NOTHING on the statement id, so
an event told twice, or a backfill of what was already written, adds nothing). After the commit
one `xapi.deliver` job is enqueued: the request itself never talks to the LRS.

Sending: `deliver()` claims one batch (a guarded UPDATE, so two workers never send the same rows),
commits the claim, enqueues its successor before it sends (the next batch's job; for the last batch
one after the claim timeout, which takes the batch back if this worker dies while sending), then
POSTs the batch as one array to <endpoint>/statements and records the outcome:

- 200, or 204 / 409 for ids the LRS already has: sent (the LRS keeps each id once).
- 5xx, 408, 429, a timeout or no connection: back to pending with a later next_attempt_at
  (30 s, 1, 2, 4 ... minutes, at most an hour) and a job at that time; after MAX_ATTEMPTS failed.
- 401, 403, 404 (the endpoint or the credentials are wrong): pending with backoff, logged as
  an error; no statement is to blame.
- another 4xx: the batch is split in halves until the statement the LRS refuses is alone; that
  one is failed with the LRS's answer (admin page, log, metric), the others go.
"""
from __future__ import annotations

import json
import logging
import secrets
from datetime import datetime, timedelta
from typing import Any

import requests
from flask import current_app
from prometheus_client import Counter
from sqlalchemy import and_, delete, func, or_, select, update

from advocacy.core.clock import utcnow
from advocacy.core.db import db, insert_ignoring_conflict, rows_changed
from advocacy.core.jobs import crontab, job, periodic, queue_of
from advocacy.core.organisation import User
from advocacy.core.transaction import after_commit_batch
from advocacy.identity.scim.models import ScimUser
from advocacy.xapi.models import XapiStatement
from advocacy.xapi.statements import Person, Settings, build

log = logging.getLogger("advocacy.xapi")
MAX_ATTEMPTS = 12
SWEEP_GRACE = timedelta(minutes=2)
STATEMENTS = Counter("advocacy_xapi_statements", "xAPI statements by outcome (sent, failed, retried).", ["outcome"])


def settings() -> Settings:
    return Settings.of(current_app.config)


# -- writing ---------------------------------------------------------------------------------------

def person_of(person_id: int) -> Person | None:
    row = db.session.execute(select(User.id, User.email, User.language, User.erased_at, ScimUser.external_id)
                             .outerjoin(ScimUser, ScimUser.user_id == User.id).where(User.id == person_id)).first()
    if row is None or row.erased_at is not None:
        return None
    return Person(row.id, row.email, row.external_id, row.language)


def add_statements(name: str, payload: dict, s: Settings) -> int:
    """Write the event's statements to the outbox (this transaction); how many rows are new."""
    person = person_of(int(payload["person_id"]))
    if person is None:
        return 0
    added, now = 0, utcnow()
    for verb_name, statement in build(name, payload, person, s):
        added += insert_ignoring_conflict(XapiStatement, statement_id=statement["id"], person_id=person.id,
                                          verb=verb_name, statement=statement, status="pending", created_at=now,
                                          next_attempt_at=now, attempts=0)
    return added


def record(name: str, payload: dict[str, Any]) -> None:
    """The events subscriber: statements into the outbox, one delivery job after the commit."""
    s = settings()
    if not s.enabled:
        return
    if add_statements(name, payload, s):
        deliver_after_commit()


def deliver_after_commit() -> None:
    """One delivery job after the commit, however many statements the transaction wrote."""
    after_commit_batch("xapi.deliver", None, lambda _items: put_on_queue())


def put_on_queue(delay: float | None = None) -> None:
    try:
        queue_of().enqueue_now("xapi.deliver", delay=delay)
    except Exception:
        log.exception("could not enqueue xapi.deliver; the xapi.sweep job sends these statements later")


# -- sending ---------------------------------------------------------------------------------------

def claimable(now: datetime, s: Settings):
    return or_(and_(XapiStatement.status == "pending", XapiStatement.next_attempt_at <= now),
               and_(XapiStatement.status == "sending",
                    XapiStatement.claimed_at < now - timedelta(seconds=s.claim_timeout)))


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1, 2, 4 ... minutes, at most an hour."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


class Transient(Exception):
    """The LRS could not take the batch now (down, busy, timed out): try again later."""


class Refused(Exception):
    """The LRS refused the batch for a reason no statement is to blame for (credentials, endpoint)."""


def about_versions(s: Settings) -> list[str]:
    answer = requests.get(s.endpoint + "about", headers={"X-Experience-API-Version": "1.0.3"},
                          auth=(s.username, s.password) if s.username else None, timeout=s.timeout)
    if answer.status_code != 200:
        return []
    versions = answer.json().get("version") or []
    return [str(v) for v in versions] if isinstance(versions, list) else []


_SPOKEN: dict[str, str] = {}


def version_to_send(s: Settings) -> str:
    """XAPI_VERSION, but 2.0.0 only when the LRS's /about lists it (asked once per process)."""
    if s.version == "1.0.3":
        return "1.0.3"
    if s.endpoint not in _SPOKEN:
        try:
            listed = about_versions(s)
        except (requests.RequestException, ValueError):
            raise Transient("the LRS's /about did not answer") from None
        _SPOKEN[s.endpoint] = s.version if s.version in listed else "1.0.3"
        if _SPOKEN[s.endpoint] != s.version:
            log.warning("XAPI_VERSION=%s but the LRS's /about lists %s: sending 1.0.3", s.version, listed or "nothing")
    return _SPOKEN[s.endpoint]


def post(statements: list[dict], s: Settings) -> requests.Response:
    headers = {"X-Experience-API-Version": version_to_send(s), "Content-Type": "application/json"}
    try:
        return requests.post(s.endpoint + "statements", data=json.dumps(statements), headers=headers,
                             auth=(s.username, s.password) if s.username else None, timeout=s.timeout)
    except requests.RequestException as error:
        raise Transient(f"{type(error).__name__}: {error}"[:300]) from None


def answer_text(answer: requests.Response) -> str:
    return f"HTTP {answer.status_code}: {answer.text.strip()}"[:900]


def send(rows: list[XapiStatement], s: Settings) -> tuple[list[XapiStatement], list[tuple[XapiStatement, str]]]:
    """POST the rows' statements; (delivered, failed with the LRS's answer). Raises Transient or
    Refused for the whole batch."""
    answer = post([row.statement for row in rows], s)
    status = answer.status_code
    if status in (200, 204) or (status == 409 and len(rows) == 1):
        return rows, []
    if status in (401, 403, 404):
        raise Refused(answer_text(answer))
    if status >= 500 or status in (408, 429):
        raise Transient(answer_text(answer))
    if status >= 400 and len(rows) > 1:
        middle = len(rows) // 2
        delivered, failed = send(rows[:middle], s)
        more_delivered, more_failed = send(rows[middle:], s)
        return delivered + more_delivered, failed + more_failed
    if status >= 400:
        return [], [(rows[0], answer_text(answer))]
    raise Transient(answer_text(answer))  # a 1xx/3xx from something in between


@job("xapi.deliver", retries=2, retry_delay=30)
def deliver() -> int:
    """Send one batch of what waits (with QUEUE_IMMEDIATE, in tests: every batch, one after the
    other, rather than a chain of nested jobs); returns how many statements were tried."""
    s = settings()
    if not s.enabled:
        return 0
    chain = not queue_of().huey.immediate
    total = 0
    while True:
        tried = deliver_batch(s, chain)
        total += tried
        if chain or not tried:
            return total


def deliver_batch(s: Settings, chain: bool) -> int:
    now, claim = utcnow(), secrets.token_hex(16)
    ids = select(XapiStatement.id).where(claimable(now, s)).order_by(XapiStatement.id).limit(s.batch_size)
    claimed = rows_changed(update(XapiStatement).where(XapiStatement.id.in_(ids.scalar_subquery()), claimable(now, s))
                           .values(status="sending", claim=claim, claimed_at=now,
                                   attempts=XapiStatement.attempts + 1)
                           .execution_options(synchronize_session=False))
    db.session.commit()  # the claim is stored before anything is sent
    if not claimed:
        return 0
    more = db.session.scalar(select(func.count(XapiStatement.id)).where(claimable(now, s)))
    if chain:  # the next batch's job, or (for the last batch) one that takes it back if this worker dies
        put_on_queue(None if more else s.claim_timeout + 1)
    rows = list(db.session.scalars(select(XapiStatement).where(XapiStatement.claim == claim)
                                   .order_by(XapiStatement.id)))
    try:
        delivered, failed = send(rows, s)
    except (Transient, Refused) as error:
        back_off(rows, str(error), refused=isinstance(error, Refused))
        return 0 if not chain else len(rows)  # in a loop: stop, the rows wait for their time
    mark_delivered(delivered, claim)
    for row, reason in failed:
        mark_failed(row, reason, claim)
    db.session.commit()
    return len(rows)


def mark_delivered(rows: list[XapiStatement], claim: str) -> None:
    if not rows:
        return
    rows_changed(update(XapiStatement).where(XapiStatement.id.in_([row.id for row in rows]),
                                             XapiStatement.claim == claim)
                 .values(status="sent", sent_at=utcnow(), claim=None, last_error=None)
                 .execution_options(synchronize_session=False))
    STATEMENTS.labels("sent").inc(len(rows))


def mark_failed(row: XapiStatement, reason: str, claim: str) -> None:
    rows_changed(update(XapiStatement).where(XapiStatement.id == row.id, XapiStatement.claim == claim)
                 .values(status="failed", claim=None, last_error=reason)
                 .execution_options(synchronize_session=False))
    STATEMENTS.labels("failed").inc()
    log.error("the LRS refused xAPI statement %s (%s): %s", row.statement_id, row.verb, reason)


def back_off(rows: list[XapiStatement], reason: str, refused: bool) -> None:
    attempts = max(row.attempts for row in rows)
    give_up = attempts >= MAX_ATTEMPTS
    later = utcnow() + retry_delay(attempts)
    for row in rows:
        values: dict = dict(claim=None, last_error=reason[:900])
        values.update(status="failed") if give_up else values.update(status="pending", next_attempt_at=later)
        rows_changed(update(XapiStatement).where(XapiStatement.id == row.id, XapiStatement.claim == row.claim)
                     .values(**values).execution_options(synchronize_session=False))
    STATEMENTS.labels("failed" if give_up else "retried").inc(len(rows))
    (log.error if refused or give_up else log.warning)(
        "xAPI batch of %d not delivered (attempt %d%s): %s", len(rows), attempts,
        ", gave up" if give_up else f", next at {later:%H:%M:%S}", reason)
    if not give_up:
        db.session.commit()
        put_on_queue((later - utcnow()).total_seconds())


@periodic("xapi.sweep", crontab(minute="*"))
def sweep() -> None:
    """Statements whose job was lost (the queue was down at the commit) or whose worker died."""
    s = settings()
    if not s.enabled:
        return
    now = utcnow()
    late = db.session.scalar(select(func.count(XapiStatement.id)).where(
        or_(and_(XapiStatement.status == "pending", XapiStatement.next_attempt_at <= now - SWEEP_GRACE),
            and_(XapiStatement.status == "sending",
                 XapiStatement.claimed_at < now - timedelta(seconds=s.claim_timeout)))))
    if late:
        log.info("xapi.sweep: %d statement(s) waiting; delivering", late)
        put_on_queue()


# -- for the admin page, the CLI and privacy -------------------------------------------------------

def counts() -> dict[str, int]:
    found = dict(db.session.execute(select(XapiStatement.status, func.count(XapiStatement.id))
                                    .group_by(XapiStatement.status)).all())
    return {status: int(found.get(status, 0)) for status in ("pending", "sending", "sent", "failed")}


def last_failures(limit: int = 20) -> list[XapiStatement]:
    return list(db.session.scalars(select(XapiStatement).where(XapiStatement.status == "failed")
                                   .order_by(XapiStatement.id.desc()).limit(limit)))


def retry_failed() -> int:
    """Failed statements back to pending (after the LRS or the data was fixed); the caller commits."""
    count = rows_changed(update(XapiStatement).where(XapiStatement.status == "failed")
                         .values(status="pending", attempts=0, next_attempt_at=utcnow())
                         .execution_options(synchronize_session=False))
    if count:
        deliver_after_commit()
    return count


def erase(person) -> None:
    """An erased person: their statements not yet sent are dropped (and none are written later:
    record() skips erased people); the sent ones' copies here go too, they name the person."""
    db.session.execute(delete(XapiStatement).where(XapiStatement.person_id == person.id))

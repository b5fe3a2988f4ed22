"""Applying an import as a job (`people.apply_import`), in chunks, each chunk its own transaction.

The request that pressed "Apply" checked the file and stored an ImportRun; this job reads the same
waiting file (importing.read_upload), then takes CHUNK rows at a time: creates or updates those
people, puts an invitation for each new one in the outbox, and moves `done` forward with a guarded
UPDATE, all in one commit. A worker killed mid-way loses at most the chunk at hand (rolled back) and
the run resumes from `done` (the periodic `people.resume_imports` picks up a run whose heartbeat
stopped); a second worker on the same run finds `done` moved and stops. Managers named in the file
are linked in a last pass, once every person exists (a manager may come later in the file).
"""
from __future__ import annotations

import logging
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select, update

from advocacy.core.audit import record
from advocacy.core.clock import utcnow
from advocacy.core.db import db, rows_changed
from advocacy.core.jobs import crontab, day_of, enqueue, job, periodic, run_once
from advocacy.core.organisation import User
from advocacy.core.people_rules import HR_GRANTS
from advocacy.identity.invitations import send_invitation
from advocacy.identity.roles import roles_actor_may_grant
from advocacy.people import importing
from advocacy.people.csv_check import PersonRow, plan_import, read_people_csv
from advocacy.people.models import ImportRun

log = logging.getLogger("advocacy.people.import")
CHUNK = 200
STALE = timedelta(minutes=5)


class Moved(Exception):
    """Another worker applied this chunk first."""


def start_run(token: str, user_id: int, total: int) -> ImportRun:
    """Store the run and enqueue its job after the commit (the caller's transaction)."""
    run = ImportRun(token=token, user_id=user_id, total=total, status="queued",
                    created_at=utcnow())
    db.session.add(run)
    db.session.flush()
    enqueue("people.apply_import", run.id)
    return run


@job("people.apply_import", retries=3, retry_delay=30)
def apply_run(run_id: int) -> None:
    now = utcnow()
    claimed = rows_changed(update(ImportRun).where(ImportRun.id == run_id, ImportRun.status.in_(("queued", "running")))
                           .values(status="running", heartbeat_at=now).execution_options(synchronize_session=False))
    db.session.commit()
    run = db.session.get(ImportRun, run_id)
    if not claimed or run is None:
        return None
    if run.started_at is None:
        run.started_at = now
        db.session.commit()
    data = importing.read_upload(run.token, run.user_id) if run.user_id is not None else None
    if data is None:
        return fail(run, _("The uploaded file is no longer available. Upload the file again."))
    parsed = read_people_csv(data)
    if parsed.problems:
        return fail(run, _("The file has problems now; upload it again to see them."))
    rows = parsed.rows
    try:
        while run.done < len(rows):
            apply_chunk(run, rows[run.done:run.done + CHUNK])
            db.session.commit()  # the chunk, its invitations and the progress together
        link_managers(rows)
    except Moved:
        db.session.rollback()
        log.info("import run %d: another worker is applying it", run_id)
        return None
    except Exception:
        db.session.rollback()
        log.exception("import run %d stopped", run_id)
        run = db.session.get(ImportRun, run_id)
        if run is not None:
            fail(run, _("The import stopped after %(done)d of %(total)d rows because of an error. Resume it to go on.",
                        done=run.done, total=run.total))
        return None
    run.status, run.finished_at = "done", utcnow()
    record("people.import", f"upload: {run.created} new, {run.updated} changed, {run.invited} invited",
           actor_id=run.user_id)
    if run.user_id is not None:
        importing.discard_upload(run.token, run.user_id)
    return None


def fail(run: ImportRun, reason: str) -> None:
    run.status, run.failure, run.finished_at = "failed", reason[:500], utcnow()


def apply_chunk(run: ImportRun, chunk: list[PersonRow]) -> None:
    """Claim the chunk first (the guarded UPDATE holds the run's row until this transaction ends, so
    a second worker waits, then finds `done` moved), then write its people and their invitations."""
    before = run.done
    moved = rows_changed(update(ImportRun).where(ImportRun.id == run.id, ImportRun.done == before)
                         .values(done=before + len(chunk), heartbeat_at=utcnow())
                         .execution_options(synchronize_session=False))
    if not moved:
        raise Moved()
    known = importing.known_people({row.email for row in chunk})
    # The request checked the file against what the importer may grant (check_grants); the job
    # applies the same rule, with the importer's rights as they are now.
    actor = db.session.get(User, run.user_id) if run.user_id is not None else None
    grantable = roles_actor_may_grant(actor) if actor is not None else HR_GRANTS
    plan = plan_import(chunk, known, grantable=grantable)
    new_users = importing.write_plan(plan, grantable=grantable, actor=actor, source="upload", managers_later=True)
    for user in new_users:
        send_invitation(user, new=True)
    db.session.execute(update(ImportRun).where(ImportRun.id == run.id).values(
        created=ImportRun.created + len(plan.new), updated=ImportRun.updated + len(plan.changed),
        invited=ImportRun.invited + len(new_users)).execution_options(synchronize_session=False))
    db.session.refresh(run)


def link_managers(rows: list[PersonRow]) -> None:
    """Set each manager the file names, now that everyone exists (idempotent: safe to repeat)."""
    given = [row for row in rows if "manager_email" in row.given]
    for start in range(0, len(given), CHUNK):
        chunk = given[start:start + CHUNK]
        users = importing.users_by_email({row.email for row in chunk} |
                                         {row.manager_email for row in chunk if row.manager_email})
        for row in chunk:
            person = users.get(row.email)
            manager = users.get(row.manager_email) if row.manager_email else None
            if person is not None and person.manager is not manager:
                person.manager = manager
        db.session.commit()


def stalled(now):
    """Running without progress for STALE (its worker died), or never started (its job was lost:
    the queue was down when HR pressed Apply)."""
    return or_(and_(ImportRun.status == "running", ImportRun.heartbeat_at < now - STALE),
               and_(ImportRun.status == "queued", ImportRun.created_at < now - STALE))


@periodic("people.resume_imports", crontab(minute="*"))
def resume_imports() -> None:
    """A run that stalled goes on where its last chunk ended."""
    for run_id in db.session.scalars(select(ImportRun.id).where(stalled(utcnow()))):
        log.warning("import run %d stalled; resuming it", run_id)
        enqueue("people.apply_import", run_id)


@periodic("people.expire_uploads", crontab(minute="15"))
def expire_uploads() -> None:
    """Waiting import files older than a day go, once a day (the hour after the first tick)."""
    run_once("people.expire_uploads", day_of(utcnow()), importing.remove_stale_uploads)


def recent_runs(user_id: int, limit: int = 20) -> list[ImportRun]:
    return list(db.session.scalars(select(ImportRun).where(ImportRun.user_id == user_id)
                                   .order_by(ImportRun.id.desc()).limit(limit)))


def run_of(run_id: int, user_id: int) -> ImportRun | None:
    """The run if this person started it; another person's run does not exist for them."""
    run = db.session.get(ImportRun, run_id)
    return run if run is not None and run.user_id == user_id else None


def resume(run: ImportRun) -> bool:
    """HR asks to go on with a failed or stalled run; False when it is running fine or done."""
    is_stalled = db.session.scalar(select(ImportRun.id).where(ImportRun.id == run.id, stalled(utcnow()))) is not None
    if not (run.status == "failed" and run.done < run.total) and not is_stalled:
        return False
    run.status, run.failure, run.finished_at = "queued", None, None
    enqueue("people.apply_import", run.id)
    return True

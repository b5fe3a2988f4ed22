"""Applying an import is a job: chunks, progress HR can watch and leave, resumable, nobody invited twice."""
from __future__ import annotations

import io
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from advocacy.core.jobs import queue_of
from advocacy.identity.models import AuthToken
from advocacy.people import applying
from advocacy.people.models import ImportRun

from ..conftest import START, login
from ..factories import create_user
from .test_import import apply_fields, org_csv, people_count, upload


class Killed(BaseException):
    """The worker process dies: nothing of the chunk at hand is committed, no handler runs."""


def start_import(client, n: int) -> str:
    html = upload(client, org_csv(n)).get_data(as_text=True)
    response = client.post("/people/import/apply", data=apply_fields(html))
    assert response.status_code == 303
    return response.headers["Location"]


def invitations_per_person(db) -> Counter:
    return Counter(db.session.scalars(select(AuthToken.user_id).where(AuthToken.purpose == "invite")))


@pytest.mark.slow
def test_a_3000_person_import_finishes_with_everyone_invited_exactly_once(client, db, hr, outbox):
    login(client, hr)
    page = client.get(start_import(client, 3000)).get_data(as_text=True)
    assert "Done." in page
    run = db.session.scalar(select(ImportRun))
    assert (run.status, run.total, run.done, run.created, run.invited) == ("done", 3000, 3000, 3000, 3000)
    assert people_count(db) == 3000
    assert Counter(m["To"] for m in outbox).most_common(1)[0][1] == 1 and len(outbox) == 3000
    assert set(invitations_per_person(db).values()) == {1}
    manager = db.session.scalar(select(func.count()).select_from(ImportRun))  # one run
    assert manager == 1


def test_a_run_killed_mid_way_resumes_where_it_stopped_and_invites_nobody_twice(app, client, db, hr, outbox,
                                                                                 monkeypatch, frozen):
    frozen(START)
    login(client, hr)
    chunks = {"n": 0}
    real_chunk = applying.apply_chunk

    def dies_in_the_third_chunk(run, chunk):
        chunks["n"] += 1
        real_chunk(run, chunk)
        if chunks["n"] == 3:
            raise Killed()  # after the chunk's people and invitations, before its commit

    monkeypatch.setattr(applying, "apply_chunk", dies_in_the_third_chunk)
    with pytest.raises(Killed):
        start_import(client, 1000)
    monkeypatch.undo()
    db.session.rollback()
    run = db.session.scalar(select(ImportRun))
    assert (run.status, run.done) == ("running", 2 * applying.CHUNK), "two chunks committed, the third rolled back"
    assert people_count(db) == 2 * applying.CHUNK and len(outbox) == 2 * applying.CHUNK
    page = client.get(f"/people/import/runs/{run.id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' in page and f'value="{2 * applying.CHUNK}"' in page

    with app.test_request_context():
        applying.resume_imports()  # too early: the heartbeat is fresh
    db.session.rollback()
    assert db.session.get(ImportRun, run.id).done == 2 * applying.CHUNK
    frozen(START + applying.STALE + timedelta(seconds=1))
    queue_of(app).tasks["people.resume_imports"].call_local()
    db.session.rollback()
    run = db.session.get(ImportRun, run.id)
    assert (run.status, run.done, run.created, run.invited) == ("done", 1000, 1000, 1000)
    assert people_count(db) == 1000
    assert Counter(m["To"] for m in outbox).most_common(1)[0][1] == 1 and len(outbox) == 1000
    assert set(invitations_per_person(db).values()) == {1}
    manager = db.session.scalar(select(ImportRun.id))
    assert manager == run.id


def test_managers_later_in_the_file_are_linked(client, db, hr):
    login(client, hr)
    lines = ["email,name,department,manager_email,start_date,roles"]
    lines += [f"p{i:04d}@example.com,P {i},Sales,boss@example.com,," for i in range(450)]
    lines.append("boss@example.com,Boss,Sales,,,manager")
    html = upload(client, ("\n".join(lines) + "\n").encode()).get_data(as_text=True)
    client.post("/people/import/apply", data=apply_fields(html))
    from advocacy.core.organisation import User
    first = db.session.scalar(select(User).where(User.email == "p0000@example.com"))
    assert first.manager is not None and first.manager.email == "boss@example.com"


def test_the_status_endpoint_and_the_list_of_recent_runs(client, db, hr):
    login(client, hr)
    location = start_import(client, 12)
    run_id = int(location.rsplit("/", 1)[1])
    status = client.get(f"/people/import/runs/{run_id}/status").get_json()
    assert status == {"id": run_id, "status": "done", "total": 12, "done": 12, "created": 12, "updated": 0,
                      "invited": 12, "failure": None, "finished": True}
    listing = client.get("/people/import/runs").get_data(as_text=True)
    assert location in listing and "12 / 12" in listing


def test_another_hr_cannot_see_or_resume_a_run_and_a_learner_is_refused(client, db, hr, employee):
    login(client, hr)
    run_id = int(start_import(client, 3).rsplit("/", 1)[1])
    colleague = create_user("hr2@example.com", "Hanna HR", roles=["hr"])
    db.session.commit()
    login(client, colleague)
    for path in (f"/people/import/runs/{run_id}", f"/people/import/runs/{run_id}/status"):
        assert client.get(path).status_code == 404
    assert client.post(f"/people/import/runs/{run_id}/resume").status_code == 404
    assert f"/people/import/runs/{run_id}\"" not in client.get("/people/import/runs").get_data(as_text=True)
    login(client, employee)
    assert client.get(f"/people/import/runs/{run_id}").status_code == 403
    assert client.get(f"/people/import/runs/{run_id}/status").status_code == 403
    assert client.get("/people/import/runs/99999999999999999999").status_code in (403, 404)


def test_resuming_a_finished_run_changes_nothing(client, db, hr, outbox):
    login(client, hr)
    location = start_import(client, 4)
    response = client.post(location + "/resume", follow_redirects=True)
    assert "nothing to resume" in response.get_data(as_text=True) and len(outbox) == 4


def test_the_waiting_file_is_read_through_one_function(app, db, hr):
    from advocacy.people import importing

    with app.test_request_context():
        token = importing.store_upload(b"email,name\n", hr.id)
        assert importing.read_upload(token, hr.id) == b"email,name\n"
        assert importing.read_upload(token, hr.id + 1) is None, "another person's upload is not theirs"
        assert importing.read_upload("../../etc/passwd", hr.id) is None


def test_a_run_whose_job_was_lost_is_started_by_the_periodic_resume(app, client, db, hr, outbox, monkeypatch, frozen):
    frozen(START)
    login(client, hr)

    def queue_down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(type(queue_of(app)), "enqueue_now", queue_down)
    page = client.get(start_import(client, 5)).get_data(as_text=True)
    monkeypatch.undo()
    assert "Waiting for a worker to start it." in page and people_count(db) == 0
    frozen(START + applying.STALE + timedelta(seconds=1))
    queue_of(app).tasks["people.resume_imports"].call_local()
    db.session.rollback()
    assert db.session.scalar(select(ImportRun.status)) == "done" and people_count(db) == 5 and len(outbox) == 5


def test_a_people_file_may_be_bigger_than_other_uploads(app, client, db, hr):
    login(client, hr)
    big = b"email,name\n" + b"x" * (5 * 1024 * 1024)
    response = client.post("/people/import", data={"file": (io.BytesIO(big), "people.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 422, "read and answered, not refused as too large"
    elsewhere = client.post("/account/privacy", data={"x": "y" * (5 * 1024 * 1024)})
    assert elsewhere.status_code == 413

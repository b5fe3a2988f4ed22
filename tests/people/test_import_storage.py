"""The waiting import file lives in the database: previewed on one host, applied on another; only
the uploader's token opens it; it expires after a day, and its bytes go with it."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from advocacy import create_app
from advocacy.core.blobs import Blob
from advocacy.people import importing
from advocacy.people.models import ImportUpload

from ..conftest import START, Client, login, make_config
from .test_import import apply_fields, org_csv, people_count, upload


@pytest.fixture
def host_b(app, tmp_path):
    """A second app instance on the same database, with an upload folder of its own (empty), as a
    second host behind a load balancer."""
    other = create_app(make_config(app.config["SQLALCHEMY_DATABASE_URI"], UPLOAD_FOLDER=str(tmp_path / "b")))
    other.test_client_class = Client
    yield other
    with other.app_context():
        other.extensions["sqlalchemy"].engines[None].dispose()


def blob_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Blob))


def test_an_import_previewed_on_one_host_is_applied_on_another(client, db, hr, host_b):
    login(client, hr)
    fields = apply_fields(upload(client, org_csv(20)).get_data(as_text=True))
    on_b = host_b.test_client()
    login(on_b, hr)
    response = on_b.post("/people/import/apply", data=fields, follow_redirects=True)
    page = response.get_data(as_text=True)  # the run's page: the job ran on host B's queue
    assert "Done." in page and 'data-field="created">20<' in page
    assert people_count(db) == 20
    assert len(host_b.extensions.get("mail_outbox", [])) == 20, "host B sent the invitations"
    assert db.session.scalar(select(func.count()).select_from(ImportUpload)) == 0
    assert blob_count(db) == 0, "an applied file is gone, bytes and all"
    again = client.post("/people/import/apply", data=fields, follow_redirects=True)
    assert "no longer available" in again.get_data(as_text=True)


def test_read_upload_gives_the_file_only_to_its_uploader(db, hr, admin):
    token = importing.store_upload(b"email,name\nann@example.com,Ann\n", hr.id)
    db.session.commit()
    assert importing.read_upload(token, hr.id) == b"email,name\nann@example.com,Ann\n"
    assert importing.read_upload(token, admin.id) is None
    for bad in ("", "../../etc/passwd", token + "'; --", token[:-1]):
        assert importing.read_upload(bad, hr.id) is None
    importing.discard_upload(token, admin.id)  # someone else's discard changes nothing
    db.session.commit()
    assert importing.read_upload(token, hr.id) is not None


def test_a_waiting_file_expires_after_a_day(db, hr, frozen):
    frozen(START)
    token = importing.store_upload(b"email,name\nann@example.com,Ann\n", hr.id)
    db.session.commit()
    frozen(START + timedelta(hours=23, minutes=59))
    assert importing.read_upload(token, hr.id) is not None
    frozen(START + timedelta(hours=24))
    assert importing.read_upload(token, hr.id) is None, "expired, even before it is cleaned up"
    assert importing.remove_stale_uploads(START + timedelta(hours=24)) == 1
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(ImportUpload)) == 0 and blob_count(db) == 0


def test_two_people_uploading_the_same_file_each_keep_theirs(client, db, hr, admin, outbox):
    admin.set_roles(["admin", "hr"])
    db.session.commit()
    login(client, hr)
    hr_fields = apply_fields(upload(client, org_csv(5)).get_data(as_text=True))
    login(client, admin)
    admin_fields = apply_fields(upload(client, org_csv(5)).get_data(as_text=True))
    assert blob_count(db) == 1, "the same bytes are stored once"
    login(client, hr)
    client.post("/people/import/apply", data=hr_fields)
    assert people_count(db) == 5
    assert importing.read_upload(admin_fields["token"], admin.id) == org_csv(5), "the other upload keeps its bytes"


def test_a_blob_a_post_still_shows_is_never_discarded_with_an_import(db, hr, marketing):
    from advocacy.core.images import store_image

    from ..feed.factories import create_post
    from ..feed.helpers import PNG

    create_post(marketing, image=(PNG, "image/png"))
    token = importing.store_upload(PNG, hr.id)  # the same bytes, uploaded as a "CSV"
    db.session.commit()
    importing.discard_upload(token, hr.id)
    db.session.commit()
    assert blob_count(db) == 1 and store_image(PNG, "image/png")

"""Mail through the outbox (core/mail.py): written with the change that caused it, sent once by a job,
over one connection, with TLS that cannot be skipped; tested against aiosmtpd on 127.0.0.1."""
from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from advocacy.core.db import db as _db
from advocacy.core.jobs import queue_of
from advocacy.core.mail import CLAIM_TIMEOUT, SWEEP_GRACE, OutboxMail, deliver, outbox_counts, send_mail, sweep
from advocacy.core.transaction import unit_of_work

from .conftest import START
from .test_smtp_transport import Recorder, pki, serve  # noqa: F401  (fixtures)


def mail(n: int = 0) -> None:
    send_mail(f"person{n}@example.org", f"Reminder {n}", f"Hello {n}.\n\nhttps://advocacy.test/learn")


def rows() -> list[OutboxMail]:
    _db.session.rollback()
    return list(_db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


@pytest.fixture
def held(app, db):
    """Jobs wait on the queue instead of running at once."""
    jobs = queue_of(app)
    jobs.huey.immediate = False
    jobs.huey.flush()
    yield jobs
    jobs.huey.flush()
    jobs.huey.immediate = True


@pytest.fixture
def relay(app, serve):  # noqa: F811
    """relay(handler, tls=None|context, use_tls=bool, **aiosmtpd options): the app sends there."""
    saved = {key: app.config.get(key) for key in ("MAIL_BACKEND", "MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS",
                                                  "MAIL_CA_FILE", "MAIL_USERNAME")}

    def start(handler, use_tls=False, ca_file=None, **options):
        port = serve(handler, **options)
        app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=use_tls,
                          MAIL_CA_FILE=ca_file or "", MAIL_USERNAME="")
        return handler

    yield start
    app.config.update(saved)


def test_a_rolled_back_change_takes_its_mail_with_it(app, db, outbox):
    with app.test_request_context(), pytest.raises(RuntimeError), unit_of_work():
        mail()
        raise RuntimeError("the change failed")
    assert rows() == [] and outbox == []


def test_a_mail_after_a_rollback_in_the_same_session_is_still_sent_at_its_commit(app, db, outbox):
    """The rolled-back transaction's batch goes with it (core/transaction.after_commit_batch): the
    next transaction's mail is enqueued at its own commit, not left for the sweep."""
    with app.test_request_context():
        with pytest.raises(RuntimeError), unit_of_work():
            mail(1)
            raise RuntimeError("the change failed")
        with unit_of_work():
            mail(2)
    assert [message["To"] for message in outbox] == ["person2@example.org"]


def test_a_committed_mail_is_sent_with_date_message_id_and_an_html_alternative(app, db, outbox):
    with app.test_request_context(), unit_of_work():
        mail()
    [message] = outbox
    assert message["Date"] and message["Message-ID"] and message["To"] == "person0@example.org"
    html = message.get_body(("html",)).get_content()
    assert '<a href="https://advocacy.test/learn">' in html and "<img" not in html
    assert "Hello 0." in message.get_body(("plain",)).get_content()
    [row] = rows()
    assert row.status == "sent" and row.attempts == 1 and row.body == "", "no copy kept once it went"


def test_the_mail_waits_in_the_database_until_the_commit_and_a_second_delivery_sends_nothing(app, held, outbox):
    with app.test_request_context(), unit_of_work():
        for n in range(3):
            mail(n)
    assert [row.status for row in rows()] == ["queued"] * 3 and held.pending() == 1, "one job for the batch"
    ids = [row.id for row in rows()]
    with app.test_request_context(), unit_of_work():
        deliver(ids)
    with app.test_request_context(), unit_of_work():
        deliver(ids)  # a duplicate job, or a second worker at once: the claim finds nothing left
    held.run_pending()
    assert sorted(m["To"] for m in outbox) == [f"person{n}@example.org" for n in range(3)]


def test_a_batch_goes_over_one_connection(app, db, relay):
    server = relay(Recorder())
    with app.test_request_context(), unit_of_work():
        for n in range(5):
            mail(n)
    assert len(server.messages) == 5 and len(server.connections) == 1
    assert all(m["Message-ID"] and m["Date"] for m in server.messages)


def test_starttls_on_a_trusted_certificate_sends(app, db, relay, pki):  # noqa: F811
    server = relay(Recorder(), use_tls=True, ca_file=pki["ca_file"], tls_context=pki["context"], require_starttls=True)
    with app.test_request_context(), unit_of_work():
        mail()
    assert len(server.messages) == 1 and [row.status for row in rows()] == ["sent"]


def test_a_server_without_starttls_gets_nothing_and_the_mail_waits(app, db, relay, caplog):
    server = relay(Recorder(), use_tls=True)  # MAIL_USE_TLS, but this server offers no STARTTLS
    with caplog.at_level(logging.ERROR, "advocacy.mail"), app.test_request_context(), unit_of_work():
        mail()
    assert server.messages == [] and server.connections == []
    [row] = rows()
    assert row.status == "queued" and "STARTTLS" in (row.last_error or ""), "kept to send once TLS works"
    assert any("STARTTLS" in record.getMessage() for record in caplog.records)
    assert not any("person0@example.org" in record.getMessage() for record in caplog.records)


def test_a_permanent_refusal_is_marked_failed_and_logged_without_the_address(app, db, relay, caplog):
    relay(Recorder(rcpt_replies={"person1@example.org": "550 5.1.1 <person1@example.org>: no such user"}))
    with caplog.at_level(logging.WARNING, "advocacy.mail"), app.test_request_context(), unit_of_work():
        mail(0)
        mail(1)
    assert [row.status for row in rows()] == ["sent", "failed"]
    assert "no such user" in rows()[1].last_error
    assert not any("person1@example.org" in record.getMessage() for record in caplog.records)


def test_a_temporary_refusal_retries_later_with_backoff_and_then_sends(app, db, relay, frozen):
    frozen(START)
    server = relay(Recorder(rcpt_replies={"person0@example.org": "451 4.3.0 try again later"}))
    with app.test_request_context(), unit_of_work():
        mail()
    [row] = rows()
    assert row.status == "queued" and row.attempts == 1 and row.next_attempt_at == START + timedelta(minutes=1)
    server.rcpt_replies.clear()
    queue_of(app).run_pending()
    assert rows()[0].status == "queued", "not before its time"
    frozen(START + timedelta(minutes=1))
    queue_of(app).run_pending()
    assert rows()[0].status == "sent" and len(server.messages) == 1


def test_the_sweep_sends_mail_whose_job_was_lost(app, held, outbox, frozen, monkeypatch):
    frozen(START)

    def queue_down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(type(held), "enqueue_now", queue_down)
    with app.test_request_context(), unit_of_work():
        mail()
    monkeypatch.undo()
    assert held.pending() == 0 and rows()[0].status == "queued", "committed, though its job was lost"
    with app.test_request_context(), unit_of_work():
        sweep()
    assert held.pending() == 0, "not yet: its job may simply be waiting in a long queue"
    frozen(START + SWEEP_GRACE + timedelta(seconds=1))
    with app.test_request_context(), unit_of_work():
        sweep()
    held.run_pending()
    assert len(outbox) == 1 and rows()[0].status == "sent"


def test_a_claim_left_by_a_killed_worker_is_taken_back_after_the_timeout(app, held, outbox, frozen):
    frozen(START)
    with app.test_request_context(), unit_of_work():
        mail()
    held.huey.flush()
    # a worker claimed it, then was killed before sending
    _db.session.execute(update(OutboxMail).values(status="sending", claim="dead-worker", claimed_at=START))
    _db.session.commit()
    ids = [row.id for row in rows()]
    with app.test_request_context(), unit_of_work():
        deliver(ids)
    assert outbox == [], "a live claim is left alone"
    frozen(START + CLAIM_TIMEOUT + timedelta(seconds=1))
    with app.test_request_context(), unit_of_work():
        sweep()
    held.run_pending()
    assert len(outbox) == 1 and outbox_counts()["sent"] == 1


def test_every_mail_of_the_app_goes_through_the_outbox(client, db, outbox, employee):
    client.post("/reset", data={"email": employee.email})
    assert len(outbox) == 1 and [row.status for row in rows()] == ["sent"]


@pytest.mark.parametrize("to, subject, headers", [
    ("victim@example.org\r\nBcc: everyone@example.org", "Hi", None),
    ("ada@example.org", "Hi\nBcc: everyone@example.org", None),
    ("ada@example.org", "Hi", {"List-Unsubscribe": "<x>\r\nBcc: everyone@example.org"}),
    ("not-an-address", "Hi", None),
])
def test_what_could_smuggle_a_header_in_is_refused_when_the_mail_is_written(app, db, outbox, to, subject, headers):
    with app.test_request_context(), pytest.raises(ValueError):
        send_mail(to, subject, "body", headers)
    assert rows() == [] and outbox == []

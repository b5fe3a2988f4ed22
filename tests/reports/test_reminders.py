"""`flask reminders send`: over real SMTP, never the same reminder twice within its interval."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from advocacy.core.db import db as _db
from advocacy.core.jobs import queue_of
from advocacy.core.mail import outbox_counts
from advocacy.reports.models import ReminderLog
from advocacy.reports.reminders import reminders_due, send_reminders

from ..conftest import START
from ..factories import create_department, create_user
from .conftest import free_port
from .factories import acknowledge, create_certification, create_policy


def at(year, month, day, hour=9):
    return datetime(year, month, day, hour, tzinfo=timezone.utc)


@pytest.fixture
def people(db, frozen):
    frozen(START)  # Monday 2 March 2026
    ops = create_department("Operations")
    late = create_user("late@example.com", "Lia Late", department=ops, start_date=date(2026, 1, 1))
    fresh = create_user("fresh@example.com", "Fred Fresh", department=ops, start_date=date(2026, 2, 25))
    expiring = create_user("expiring@example.com", "Eva Expiring", department=ops, start_date=date(2025, 1, 1))
    create_certification(expiring, "basic", passed_at=at(2025, 3, 20), expires_at=at(2026, 3, 20))
    gone = create_user("gone@example.com", "Gus Gone", department=ops, start_date=date(2025, 1, 1))
    gone.active = False
    policy = create_policy(1)
    for person in (late, expiring, gone):
        acknowledge(person, policy)
    _db.session.commit()
    return {"late": late, "fresh": fresh, "expiring": expiring, "gone": gone, "policy": policy}


def run(app, *args):
    return app.test_cli_runner().invoke(args=["reminders", "send", *args])


def logged():
    return _db.session.scalar(select(func.count(ReminderLog.id)))


def test_dry_run_lists_and_sends_nothing(app, people, smtp):
    result = run(app, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "late@example.com: overdue basic (2026-01-31)" in result.output
    assert "expiring@example.com: expiring30 basic (2026-03-20)" in result.output
    assert "fresh@example.com: policy 1" in result.output
    assert "gone@example.com" not in result.output
    assert "3 mail(s) would be sent" in result.output
    assert smtp.messages == [] and logged() == 0


def test_run_twice_only_the_first_sends(app, people, smtp):
    first = run(app)
    assert first.exit_code == 0, first.output
    assert "Queued 3 reminder mail(s)" in first.output
    assert sorted(m["to"][0] for m in smtp.messages) == ["expiring@example.com", "fresh@example.com",
                                                          "late@example.com"]
    late = smtp.to("late@example.com")[0]
    assert "basic course was due on 31 Jan 2026" in late["body"] and "http://advocacy.test/home" in late["body"]
    assert "expires on 20 Mar 2026" in smtp.to("expiring@example.com")[0]["body"]
    assert "new version (1) of the social media policy" in smtp.to("fresh@example.com")[0]["body"]
    second = run(app)
    assert "Queued 0 reminder mail(s)" in second.output
    assert len(smtp.messages) == 3


def test_weekly_reminders_repeat_next_week_and_expiry_reminders_go_once_each(app, people, smtp, frozen):
    run(app)
    frozen(at(2026, 3, 9))  # a week later: still late, still no policy; 11 days to expiry
    run(app)
    assert [m["to"][0] for m in smtp.messages[3:]] == ["fresh@example.com", "late@example.com"]
    frozen(at(2026, 3, 14))  # 6 days to expiry: the 7-day reminder, once
    run(app)
    run(app)
    expiring = smtp.to("expiring@example.com")
    assert len(expiring) == 2 and "expires on 20 Mar 2026" in expiring[1]["body"]


def test_a_reminder_already_claimed_by_another_run_is_not_sent_again(app, people, smtp):
    with app.test_request_context():
        due = reminders_due(START)
        # another cron run, at the same moment, sends Lia's reminder first
        _db.session.add(ReminderLog(user_id=people["late"].id, kind="overdue", subject="basic",
                                    period="2026-W10", sent_at=START))
        _db.session.commit()
        sent, failed = send_reminders(due, START)
    assert sent == 2 and failed == [] and smtp.to("late@example.com") == []


def test_a_mail_server_that_is_down_loses_nothing_and_sends_each_reminder_once_when_back(app, people, smtp,
                                                                                         frozen):
    working_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()  # nobody listens there
    assert run(app).exit_code == 0
    assert logged() == 3 and smtp.messages == [], "claimed, and waiting in the outbox"
    assert outbox_counts()["queued"] == 3
    assert "Queued 0" in run(app).output, "a second run does not queue them again"
    app.config["MAIL_PORT"] = working_port
    frozen(START + timedelta(minutes=2))  # the retry's time has come
    queue_of(app).run_pending()
    assert sorted(m["to"][0] for m in smtp.messages) == ["expiring@example.com", "fresh@example.com",
                                                        "late@example.com"]
    assert outbox_counts()["sent"] == 3 and outbox_counts()["queued"] == 0
    queue_of(app).run_pending()
    assert len(smtp.messages) == 3, "never twice"


def test_nobody_is_reminded_when_all_is_done(app, db, frozen, smtp):
    frozen(START)
    done = create_user("done@example.com", "Dora Done", start_date=date(2026, 1, 1))
    create_certification(done, "basic", passed_at=START - timedelta(days=5))
    _db.session.commit()
    assert "Queued 0" in run(app).output and smtp.messages == []

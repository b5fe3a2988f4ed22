"""Download my data, my choices, HR erasing a person who left, the audit log."""
import json

from sqlalchemy import func, select

from advocacy.learning.models.progress import TierGrant
from advocacy.core.organisation import User
from advocacy.learning.models.quizzes import Certification
from advocacy.core.audit import record
from advocacy.core.audit import AuditEntry

from ..conftest import START, login, login_with_form
from ..reports.factories import acknowledge, create_certification, create_policy


def test_everyone_downloads_their_own_data_as_json(client, db, employee, other_employee, frozen):
    frozen(START)
    create_certification(employee, "basic", passed_at=START)
    create_certification(other_employee, "basic", passed_at=START)
    acknowledge(employee, create_policy(1))
    db.session.commit()
    login(client, employee)
    response = client.get("/account/data")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["profile"]["email"] == "employee@example.com" and data["profile"]["department"] == "Operations"
    assert data["roles"] == ["employee"]
    assert [c["tier"] for c in data["certifications"]] == ["basic"]
    assert data["policy_acknowledgements"][0]["version"] == 1
    assert "other@example.com" not in response.get_data(as_text=True)


def test_choices_are_saved(client, db, employee):
    login(client, employee)
    assert employee.leaderboard_opt_in is False and employee.digest_unsubscribed_at is None
    client.post("/account/privacy", data={"leaderboard_opt_in": "y"})
    db.session.refresh(employee)
    assert employee.leaderboard_opt_in is True and employee.digest_unsubscribed_at is not None
    client.post("/account/privacy", data={"digest": "y"})
    db.session.refresh(employee)
    assert employee.leaderboard_opt_in is False and employee.digest_unsubscribed_at is None


def test_hr_erases_a_person_who_left_and_their_counts_stay(app, client, db, hr, other_employee, frozen):
    frozen(START)
    create_certification(other_employee, "basic", passed_at=START)
    db.session.add(TierGrant(user_id=other_employee.id, tier="expert", note="I post daily as @otto_other"))
    record("people.import", "upload: added other@example.com (Otto Other)", actor_id=hr.id)
    db.session.commit()
    thief = app.test_client()
    login(thief, other_employee)  # a session the person still had open
    assert thief.get("/account/data").status_code == 200

    login(client, hr)
    page = client.get(f"/people/{other_employee.id}/erase")
    assert page.status_code == 200 and "cannot be undone" in page.get_data(as_text=True)
    assert client.post(f"/people/{other_employee.id}/erase").status_code == 302

    person = db.session.get(User, other_employee.id)
    assert person.name == "Former employee" and person.email is None and person.password_hash is None
    assert person.erased_at is not None and not person.is_active
    assert db.session.scalar(select(func.count(Certification.id)).where(Certification.user_id == person.id)) == 1
    assert db.session.scalar(select(TierGrant.note).where(TierGrant.user_id == person.id)) == ""
    details = " ".join(db.session.scalars(select(AuditEntry.detail)))
    assert "other@example.com" not in details and "Otto Other" not in details and "[erased]" in details
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "person.erase")).actor_id == hr.id
    assert thief.get("/account/data").status_code == 302, "the old session no longer works"
    assert login_with_form(app.test_client(), "other@example.com").status_code == 200  # the form again: refused
    assert client.get(f"/people/{person.id}/erase").status_code == 404, "erased once is enough"
    html = client.get("/people").get_data(as_text=True)
    assert "Otto Other" not in html


def test_hr_cannot_erase_themselves_or_an_admin(client, db, hr, admin):
    login(client, hr)
    for person in (hr, admin):
        response = client.post(f"/people/{person.id}/erase")
        assert response.status_code == 409
        db.session.refresh(person)
        assert person.erased_at is None


def test_the_admin_reads_the_audit_log(client, db, hr, admin):
    login(client, admin)
    client.post("/admin", data={"name": "Acme", "timezone": "Europe/Amsterdam", "basic_due_days": 30,
                                "advanced_due_days": 60, "expert_due_days": 90})
    login(client, hr)
    client.post("/account/privacy", data={})  # not an HR action: not in the log
    client.post(f"/people/{admin.id}/due", data={"tier": "basic", "due_on": "2026-05-01"})
    login(client, admin)
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "organisation.settings" in html and "due_date.set" in html and "Hilde HR" in html and "Ada Admin" in html
    csv = client.get("/admin/audit.csv").get_data(as_text=True)
    assert csv.startswith("\ufeffwhen (UTC),who,action,about,detail") and "due_date.set" in csv


def test_the_person_list_searches_safely(client, db, hr, employee, other_employee):
    login(client, hr)
    html = client.get("/people?q=emma").get_data(as_text=True)
    assert "Emma Employee" in html and "Otto Other" not in html
    html = client.get("/people?q=%25").get_data(as_text=True)
    assert "Nobody matches" in html, "a % is a character, not a wildcard"


def test_my_data_holds_lessons_shares_and_the_clicks_they_brought(client, db, employee, marketing, reviewer, frozen):
    from datetime import timedelta

    from ..feed.factories import create_live_post
    from ..reports.factories import create_lesson, read_lesson
    from ..reports.test_analytics import click, share

    frozen(START)
    read_lesson(employee, create_lesson("basic", "platforms"))
    post = create_live_post(marketing, reviewer, title="Spring event")
    click(share(employee, post, "linkedin", START - timedelta(hours=5)), START - timedelta(hours=1), times=2)
    db.session.commit()
    login(client, employee)
    data = json.loads(client.get("/account/data").get_data(as_text=True))
    assert data["lessons_read"][0]["lesson"] == "platforms"
    assert data["shares"] == [{"post": "Spring event", "network": "linkedin",
                               "shared_at": (START - timedelta(hours=5)).isoformat()}]
    assert data["clicks_on_your_links"] == [{"post": "Spring event", "network": "linkedin", "clicks": 2}]
    assert data["quiz_attempts"] == []


def test_the_admin_finds_the_audit_log_from_the_admin_page(client, db, admin):
    login(client, admin)
    assert 'href="/admin/audit"' in client.get("/admin").get_data(as_text=True)

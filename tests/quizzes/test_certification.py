"""Certifications: written by a pass, extended by the next, locked when expired, checked in public,
revoked by HR."""
from datetime import timedelta

from sqlalchemy import func, select

from advocacy.core.db import db
from advocacy.learning.models.quizzes import Certification
from advocacy.learning.record import valid_tiers
from advocacy.core.audit import AuditEntry

from ..conftest import LATER_SAME_DAY, NEXT_DAY, START, YEAR_AND_A_DAY, login
from .factories import create_quiz_course, take


def the_certification() -> Certification:
    db.session.expire_all()
    return db.session.scalars(select(Certification)).one()


def test_a_pass_certifies_the_tier_for_the_configured_months(course, employee, frozen):
    frozen(START)
    attempt = take(employee, course, right=True, now=START)
    cert = the_certification()
    assert (cert.user_id, cert.tier, cert.passed_at, cert.first_passed_at) == (employee.id, "basic", START, START)
    assert cert.expires_at == START.replace(year=2027)
    assert (cert.attempt_id, cert.quiz_version_id) == (attempt.id, attempt.quiz_version_id)
    assert valid_tiers(employee.id, LATER_SAME_DAY) == {"basic"}


def test_a_fail_certifies_nothing(course, employee):
    take(employee, course, right=False, now=START)
    assert db.session.scalar(select(func.count(Certification.id))) == 0


def test_recertifying_before_expiry_extends_the_same_certification(course, employee):
    take(employee, course, right=True, now=START)
    first = the_certification()
    renewal = START + timedelta(days=300)
    take(employee, course, right=True, now=renewal, seed=2)
    cert = the_certification()
    assert cert.id == first.id and cert.code == first.code
    assert cert.expires_at == renewal.replace(year=renewal.year + 1) and cert.first_passed_at == START


def test_an_expired_certification_locks_the_tier_until_a_new_pass(course, employee):
    take(employee, course, right=True, now=START)
    assert valid_tiers(employee.id, YEAR_AND_A_DAY) == set()
    take(employee, course, right=True, now=YEAR_AND_A_DAY, seed=3)
    assert valid_tiers(employee.id, YEAR_AND_A_DAY) == {"basic"}
    assert db.session.scalar(select(func.count(Certification.id))) == 1


def test_my_certificates_shows_each_with_its_verification_link(client, course, employee, frozen):
    frozen(START)
    take(employee, course, right=True, now=START)
    cert = the_certification()
    login(client, employee)
    html = client.get("/certificates").get_data(as_text=True)
    assert "Basic tier" in html and "Valid until" in html and "2 Mar 2027" in html
    assert f'value="http://advocacy.test/verify/{cert.code}"' in html
    frozen(YEAR_AND_A_DAY)
    login(client, employee)
    html = client.get("/certificates").get_data(as_text=True)
    assert "Expired on" in html and "Pass the quiz again to renew it." in html


def test_my_certificates_shows_only_mine(client, course, employee, other_employee):
    take(other_employee, course, right=True, now=START)
    login(client, employee)
    html = client.get("/certificates").get_data(as_text=True)
    assert "No certificates yet" in html and the_certification().code not in html


def test_the_verification_page_shows_name_tier_dates_and_status_and_nothing_else(client, course, employee, frozen):
    frozen(NEXT_DAY)
    take(employee, course, right=True, now=START)
    cert = the_certification()
    response = client.get(f"/verify/{cert.code}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["X-Robots-Tag"] == "noindex"
    assert "Emma Employee" in html and "Basic" in html and ">Valid<" in html
    assert "2 Mar 2026" in html and "2 Mar 2027" in html
    for private in ("employee@example.com", "100%", "score", "Operations", "Log out"):
        assert private not in html
    frozen(YEAR_AND_A_DAY)
    assert ">Expired<" in client.get(f"/verify/{cert.code}").get_data(as_text=True)


def test_an_unknown_code_is_404(client, course):
    assert client.get("/verify/not-a-real-code").status_code == 404
    assert client.get("/verify/" + "x" * 300).status_code == 404


def test_an_erased_person_is_shown_as_a_former_employee(client, course, employee):
    take(employee, course, right=True, now=START)
    employee.erased_at = START
    db.session.commit()
    html = client.get(f"/verify/{the_certification().code}").get_data(as_text=True)
    assert "Former employee" in html and "Emma" not in html


def test_hr_revokes_with_a_reason_and_it_is_audited(client, course, employee, hr, frozen):
    frozen(LATER_SAME_DAY)
    take(employee, course, right=True, now=START)
    cert = the_certification()
    login(client, hr)
    assert "Emma Employee" in client.get("/certifications").get_data(as_text=True)
    assert "Revoke the certification" in client.get(f"/certifications/{cert.id}").get_data(as_text=True)
    response = client.post(f"/certifications/{cert.id}/revoke", data={"reason": "Shared a confidential deck."})
    assert response.status_code == 303
    cert = the_certification()
    assert cert.revoked_at == LATER_SAME_DAY and cert.revoked_by_id == hr.id
    assert cert.revoked_reason == "Shared a confidential deck."
    assert valid_tiers(employee.id, LATER_SAME_DAY) == set()
    entry = db.session.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.actor_id, entry.subject_id) == ("certification.revoke", hr.id, employee.id)
    assert "Shared a confidential deck." in entry.detail
    public = client.get(f"/verify/{cert.code}").get_data(as_text=True)
    assert ">Revoked<" in public and "confidential" not in public


def test_revoking_needs_a_reason_and_changes_nothing_without_one(client, course, employee, hr):
    take(employee, course, right=True, now=START)
    cert = the_certification()
    login(client, hr)
    response = client.post(f"/certifications/{cert.id}/revoke", data={"reason": "   "})
    assert response.status_code == 422 and "This field is required." in response.get_data(as_text=True)
    assert the_certification().revoked_at is None
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 0


def test_revoking_twice_keeps_the_first_revocation(client, course, employee, hr):
    take(employee, course, right=True, now=START)
    cert = the_certification()
    login(client, hr)
    client.post(f"/certifications/{cert.id}/revoke", data={"reason": "First"})
    client.post(f"/certifications/{cert.id}/revoke", data={"reason": "Second"})
    assert the_certification().revoked_reason == "First"
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 1


def test_a_pass_after_revocation_is_a_new_certification(course, employee, hr):
    from advocacy.learning.services.certificates import revoke_certification

    take(employee, course, right=True, now=START)
    revoke_certification(the_certification(), "Reason", hr.id, LATER_SAME_DAY)
    take(employee, course, right=True, now=NEXT_DAY, seed=4)
    certs = db.session.scalars(select(Certification).order_by(Certification.id)).all()
    assert [c.revoked_at is None for c in certs] == [False, True] and certs[0].code != certs[1].code
    assert valid_tiers(employee.id, NEXT_DAY) == {"basic"}


def test_a_pass_of_the_next_tier_needs_the_tier_below_to_be_valid(db, employee, department, tmp_path):
    department.advanced_eligible = True
    basic = create_quiz_course(tmp_path, slug="basic")
    advanced = create_quiz_course(tmp_path, slug="advanced", tier="advanced")
    from advocacy.learning.services.quizzes import QuizClosed

    try:
        take(employee, advanced, right=True, now=START)
        raise AssertionError("the advanced quiz should be closed without basic")
    except QuizClosed as closed:
        assert closed.reason == "tier_closed"
    take(employee, basic, right=True, now=START)
    take(employee, advanced, right=True, now=LATER_SAME_DAY)
    assert valid_tiers(employee.id, NEXT_DAY) == {"basic", "advanced"}


def test_the_hr_list_queries_do_not_grow_with_the_number_of_certifications(client, course, hr, db):
    from sqlalchemy import event

    from ..factories import create_user

    def add_people(n, offset):
        for i in range(n):
            person = create_user(f"p{offset + i}@example.com", f"Person {offset + i}")
            db.session.add(Certification(user_id=person.id, tier="basic", passed_at=START,
                                         expires_at=START + timedelta(days=365)))
        db.session.commit()

    def count_queries():
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/certifications").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    login(client, hr)
    add_people(3, 0)
    count_queries()  # the first page after start-up also reads the organisation's settings (kept per process)
    small = count_queries()
    add_people(30, 100)
    assert count_queries() == small

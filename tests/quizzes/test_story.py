"""The issue's "done when", end to end through the pages with a frozen clock."""
from datetime import timedelta

from sqlalchemy import select

from advocacy.learning.standing import eligibility_for
from advocacy.core.db import db
from advocacy.learning.models.quizzes import Attempt, Certification
from advocacy.learning.record import valid_tiers

from ..conftest import START, YEAR_AND_A_DAY, login
from .factories import answer_sheet, create_quiz_course


def latest_attempt() -> Attempt:
    db.session.expire_all()
    return db.session.scalars(select(Attempt).order_by(Attempt.id.desc())).first()


def hand_in(client, right):
    url = client.post("/courses/basic/quiz").headers["Location"]
    client.post(url, data=answer_sheet(latest_attempt(), right))
    return client.get(url).get_data(as_text=True)


def test_fail_review_cool_down_pass_certify_and_expire(client, db, employee, department, frozen, tmp_path):
    department.advanced_eligible = True
    create_quiz_course(tmp_path, attempts_before_cooldown=1, cooldown_hours=24)
    frozen(START)
    login(client, employee)

    # Fails, and sees what to review but not the answers.
    html = hand_in(client, right={1, 2, 3})
    assert "Not passed this time" in html and "What to review" in html
    assert html.count(">Wrong</span>") == 3
    assert "Yes, Amsterdam is the capital." not in html
    assert "Your next attempt opens on 3 Mar 2026, 10:00." in html

    # The cooldown holds an hour before it ends...
    frozen(START + timedelta(hours=23))
    assert client.post("/courses/basic/quiz").headers["Location"] == "/courses/basic/quiz"
    assert latest_attempt().submitted_at is not None

    # ...and is over a day later: a pass, with the full review and the certificate.
    frozen(START + timedelta(hours=24))
    html = hand_in(client, right=True)
    assert "You passed" in html and "Yes, Amsterdam is the capital." in html
    cert = db.session.scalars(select(Certification)).one()
    assert f"/verify/{cert.code}" in html
    mine = client.get("/certificates").get_data(as_text=True)
    assert f"http://advocacy.test/verify/{cert.code}" in mine and ">Valid<" in mine
    assert ">Valid<" in client.get(f"/verify/{cert.code}").get_data(as_text=True)
    assert eligibility_for(employee, START + timedelta(days=2))["advanced"].open

    # A year and a day later the tier is locked again, and the quiz page says how to renew.
    frozen(YEAR_AND_A_DAY)
    assert valid_tiers(employee.id, YEAR_AND_A_DAY) == set()
    advanced = eligibility_for(employee, YEAR_AND_A_DAY)["advanced"]
    assert not advanced.open and advanced.needs_tier == "basic"
    login(client, employee)
    start_page = client.get("/courses/basic/quiz").get_data(as_text=True)
    assert "It expired on 3 Mar 2027. Pass the quiz again to renew it." in start_page
    assert ">Expired<" in client.get(f"/verify/{cert.code}").get_data(as_text=True)
    assert ">Expired<" in client.get("/certificates").get_data(as_text=True)

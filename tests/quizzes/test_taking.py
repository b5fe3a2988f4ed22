"""Taking a quiz through the pages: start, answer, hand in, result, retry, cooldown, time limit."""
from datetime import timedelta

from sqlalchemy import func, select

from advocacy.core.db import db
from advocacy.learning.models.quizzes import Attempt, Certification

from ..conftest import START, csrf_token, login
from .factories import answer_sheet, create_quiz_course, load_quiz


def begin(client, slug="basic"):
    response = client.post(f"/courses/{slug}/quiz")
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def the_attempt() -> Attempt:
    db.session.expire_all()
    return db.session.scalars(select(Attempt).order_by(Attempt.id.desc())).first()


def hand_in(client, right=True):
    url = begin(client)
    attempt = the_attempt()
    response = client.post(url, data=answer_sheet(attempt, right))
    assert response.status_code == 303 and response.headers["Location"] == url
    return client.get(url).get_data(as_text=True), the_attempt()


def test_the_start_page_says_what_the_quiz_asks(client, course, employee, frozen):
    frozen(START)
    login(client, employee)
    html = client.get("/courses/basic/quiz").get_data(as_text=True)
    assert "Quiz: Social media basics" in html and "The platforms, our policy and the goals." in html
    assert "6 questions, drawn from a pool of 6." in html
    assert "You pass with 80% or more." in html
    assert "Time limit: 20 minutes" in html
    assert "2 attempts left before a pause." in html
    assert 'action="/courses/basic/quiz"' in html


def test_an_unknown_course_is_404(client, course, employee):
    login(client, employee)
    assert client.get("/courses/nope/quiz").status_code == 404
    assert client.post("/courses/nope/quiz").status_code == 404


def test_the_attempt_page_shows_every_drawn_question_on_one_page(client, course, employee):
    login(client, employee)
    html = client.get(begin(client)).get_data(as_text=True)
    assert html.count('<fieldset class="question"') == 6
    assert html.count('type="radio" name="q') == 3 + 2  # capital (3 options) and true/false (2)
    assert html.count('type="checkbox"') == 4
    assert html.count("<select id=\"q") == 3 and 'inputmode="decimal"' in html
    assert "Hand in by" in html


def test_a_failed_attempt_shows_what_was_wrong_and_the_general_feedback_but_not_the_answers(
        client, course, employee):
    login(client, employee)
    html, attempt = hand_in(client, right={1, 2})
    assert attempt.passed is False and 0 < attempt.score < 80
    assert "Not passed this time" in html
    assert html.count(">Right</span>") == 2 and html.count(">Wrong</span>") == 4
    for general in ("Geography is in lesson 1.", "Primes have exactly two divisors.", "Colours are in lesson 2.",
                    "The policy lists our hashtag.", "Lesson 3 has the owners.", "Count from Monday to Sunday."):
        assert (general in html) == (general not in _right_generals(attempt))
    for secret in ("Amsterdam is the capital", "Rotterdam is the big port", "Two is prime", "Right, it is blue",
                   "Look up once more", "demobv", "Microsoft", "Exactly.", "right:"):
        assert secret not in html
    assert "You can try again now" in html  # one failure of two before a pause


def _right_generals(attempt):
    from advocacy.learning.services.quizzes import questions_of

    questions = questions_of(attempt)
    return {questions[item["id"]]["general_feedback"] for item, result in zip(attempt.items, attempt.results)
            if result["fraction"] == 1}


def test_a_pass_shows_the_full_review_with_every_feedback_and_the_certificate(client, course, employee):
    login(client, employee)
    html, attempt = hand_in(client, right=True)
    assert attempt.passed is True and attempt.score == 100
    assert "You passed" in html and "Your score: 100%. You needed 80%." in html
    for feedback in ("Yes, Amsterdam is the capital.", "No, Rotterdam is the big port.", "Two is prime.",
                     "Four is two times two.", "Right, it is blue.", "Exactly.", "Geography is in lesson 1."):
        assert feedback in html
    certification = db.session.scalar(select(Certification))
    assert f"http://advocacy.test/verify/{certification.code}" in html


def test_handing_in_twice_returns_the_first_result(client, course, employee):
    login(client, employee)
    url = begin(client)
    attempt = the_attempt()
    client.post(url, data=answer_sheet(attempt, right=False))
    again = client.post(url, data=answer_sheet(attempt, right=True))
    assert again.status_code == 303 and again.headers["Location"] == url
    attempt = the_attempt()
    assert attempt.passed is False and attempt.score == 0
    assert db.session.scalar(select(func.count(Certification.id))) == 0
    assert "Not passed this time" in client.get(url).get_data(as_text=True)


def test_starting_twice_continues_the_open_attempt(client, course, employee):
    login(client, employee)
    first, second = begin(client), begin(client)
    assert first == second
    assert db.session.scalar(select(func.count(Attempt.id))) == 1
    assert "Continue the quiz" in client.get("/courses/basic/quiz").get_data(as_text=True)


def test_forged_or_missing_answers_score_nothing_and_change_nothing_else(client, course, employee):
    login(client, employee)
    url = begin(client)
    client.post(url, data={"q1": ["0", "1", "2"], "q2": "../../etc", "q99": "x", "q5-1": "nope"})
    attempt = the_attempt()
    assert attempt.score == 0 and attempt.passed is False


def test_after_two_failures_the_next_attempt_waits_out_the_cooldown(client, course, employee, frozen):
    frozen(START)
    login(client, employee)
    hand_in(client, right=False)
    html, _ = hand_in(client, right=False)
    assert "Your next attempt opens on 3 Mar 2026, 10:00." in html  # 09:00 UTC + 24 h, shown in Amsterdam time
    refused = client.post("/courses/basic/quiz")
    assert refused.status_code == 303 and refused.headers["Location"] == "/courses/basic/quiz"
    assert "Your next attempt opens on 3 Mar 2026, 10:00." in client.get("/courses/basic/quiz").get_data(as_text=True)
    assert db.session.scalar(select(func.count(Attempt.id))) == 2
    frozen(START + timedelta(hours=24))
    html, attempt = hand_in(client, right=True)
    assert attempt.passed and "You passed" in html


def test_answers_within_the_grace_period_count(client, course, employee, frozen):
    frozen(START)
    login(client, employee)
    url = begin(client)
    attempt = the_attempt()
    frozen(START + timedelta(minutes=20, seconds=30))
    client.post(url, data=answer_sheet(attempt, right=True))
    assert the_attempt().passed is True


def test_answers_after_the_time_limit_are_a_clear_failure(client, course, employee, frozen):
    frozen(START)
    login(client, employee)
    url = begin(client)
    attempt = the_attempt()
    frozen(START + timedelta(minutes=20, seconds=31))
    response = client.post(url, data=answer_sheet(attempt, right=True))
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    attempt = the_attempt()
    assert attempt.passed is False and attempt.timed_out and attempt.results is None
    assert attempt.submitted_at == START + timedelta(minutes=20, seconds=30)
    assert "Time ran out" in html and "not graded" in html
    assert db.session.scalar(select(func.count(Certification.id))) == 0


def test_an_abandoned_timed_attempt_closes_when_the_person_comes_back(client, course, employee, frozen):
    frozen(START)
    login(client, employee)
    first = begin(client)
    frozen(START + timedelta(hours=3))
    second = begin(client)
    assert second != first
    assert [a.timed_out for a in db.session.scalars(select(Attempt).order_by(Attempt.id))] == [True, False]


def test_without_a_time_limit_an_attempt_stays_open(client, db, employee, frozen, tmp_path):
    create_quiz_course(tmp_path, time_limit_minutes=None)
    frozen(START)
    login(client, employee)
    first = begin(client)
    assert "Hand in by" not in client.get(first).get_data(as_text=True)
    frozen(START + timedelta(days=5))
    assert begin(client) == first


def test_someone_elses_attempt_is_404_for_everyone_else(client, course, employee, other_employee, manager, hr):
    login(client, employee)
    url = begin(client)
    attempt = the_attempt()
    for person in (other_employee, manager, hr):
        login(client, person)
        assert client.get(url).status_code == 404
        assert client.post(url, data=answer_sheet(attempt, right=True)).status_code == 404
    assert the_attempt().submitted_at is None


def test_an_attempt_keeps_its_version_when_the_quiz_changes(client, course, employee, tmp_path):
    login(client, employee)
    url = begin(client)
    attempt = the_attempt()
    load_quiz(course, tmp_path / "content" / "basic", pass_mark=100,
              text=open(tmp_path / "content" / "basic" / "quiz.gift").read().replace("Utrecht", "Leiden"))
    db.session.commit()
    html = client.get(url).get_data(as_text=True)
    assert "Utrecht" in html and "Leiden" not in html
    client.post(url, data=answer_sheet(attempt, right=True))
    assert the_attempt().passed is True


def test_the_quiz_needs_the_tier_to_be_open(client, db, employee, tmp_path):
    create_quiz_course(tmp_path, slug="advanced-course", tier="advanced")
    login(client, employee)
    html = client.get("/courses/advanced-course/quiz").get_data(as_text=True)
    assert "This quiz is not open to you." in html and "Start the quiz" not in html
    refused = client.post("/courses/advanced-course/quiz")
    assert refused.status_code == 303
    assert db.session.scalar(select(func.count(Attempt.id))) == 0


def test_the_quiz_is_taken_in_the_persons_language(client, course, employee, tmp_path):
    nl_pool = (tmp_path / "content" / "basic" / "quiz.gift").read_text().replace(
        "What is the capital of the Netherlands?", "Wat is de hoofdstad van Nederland?")
    load_quiz(course, tmp_path / "nl", text=nl_pool, language="nl")
    employee.language = "nl"
    db.session.commit()
    login(client, employee)
    html = client.get(begin(client)).get_data(as_text=True)
    assert "Wat is de hoofdstad van Nederland?" in html


def test_csrf_protects_starting_and_handing_in(client, course, employee, csrf_on):
    login(client, employee)
    assert client.post("/courses/basic/quiz").status_code == 400
    token = csrf_token(client, "/courses/basic/quiz")
    url = client.post("/courses/basic/quiz", data={"csrf_token": token}).headers["Location"]
    assert client.post(url, data={"q1": "x"}).status_code == 400
    assert the_attempt().submitted_at is None


def test_question_text_is_sanitised(client, db, employee, tmp_path):
    pool = "[html]Pick <b>one</b> <script>alert(1)</script>{=A ~B}\n\n" \
           "[markdown]Is **this** true?{T}\n\n<img src=x onerror=alert(1)>Plain? {F}\n"
    create_quiz_course(tmp_path, questions=3, text=pool)
    login(client, employee)
    html = client.get(begin(client)).get_data(as_text=True)
    assert "<b>one</b>" in html and "<strong>this</strong>" in html
    assert "<script>alert" not in html and "onerror" not in html


def test_the_start_page_closes_an_attempt_whose_time_ran_out(client, course, employee, frozen):
    frozen(START)
    login(client, employee)
    begin(client)
    frozen(START + timedelta(hours=1))
    html = client.get("/courses/basic/quiz").get_data(as_text=True)
    assert "Continue the quiz" not in html and "1 attempt left before a pause." in html
    assert the_attempt().timed_out

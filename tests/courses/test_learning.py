"""The learner's side: home, course page, lesson reader, resume, locks, retirement, languages."""
from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import func, select

from advocacy.learning.models.progress import LessonProgress, TierGrant

from ..conftest import START, login, login_with_form
from .factories import QueryCounter, certify, sync, synced, write_course, write_lesson

LESSON_1 = "/courses/basic/lesson-1"


def text(response) -> str:
    return response.get_data(as_text=True)


def next_step(html: str) -> str:
    """The 'Your next step' card, the one obvious thing to do."""
    return html.split('id="next-step"', 1)[1].split("</section>", 1)[0]


def progress_count(db) -> int:
    return db.session.scalar(select(func.count(LessonProgress.id)))


def test_a_new_employee_acknowledges_reads_and_finds_their_place_again(client, db, curriculum, employee):
    login_with_form(client, employee.email)

    step = next_step(text(client.get("/home")))
    assert "Read the policy" in step and 'href="/policy"' in step
    assert "Be yourself" in text(client.get("/policy"))
    assert client.post("/policy/acknowledge", data={"version": 1}).headers["Location"] == "/home"

    assert "Reach new people" in text(client.get("/why"))

    step = next_step(text(client.get("/home")))
    assert "Start the first lesson" in step and f'href="{LESSON_1}"' in step
    page = text(client.get(LESSON_1))
    assert "Lesson 1 of 3" in page and "Done, next" in page
    assert client.post(LESSON_1 + "/done").headers["Location"] == "/courses/basic/lesson-2"
    assert "basic lesson 2 (en)" in text(client.get("/courses/basic/lesson-2"))

    client.post("/logout")
    assert client.get("/home").status_code == 302  # really logged out
    login_with_form(client, employee.email)  # "another device": a fresh login

    step = next_step(text(client.get("/home")))
    assert "Continue reading" in step and 'href="/courses/basic/lesson-2"' in step
    assert "Continue: basic lesson 2 (en)" in text(client.get("/courses/basic"))


def test_resume_goes_to_the_lesson_last_opened_then_back_to_the_first_unread(client, db, curriculum, employee):
    login(client, employee)
    client.post("/policy/acknowledge", data={"version": 1})
    client.get("/courses/basic/lesson-3")  # jumped ahead, on a phone
    assert 'href="/courses/basic/lesson-3"' in next_step(text(client.get("/home")))
    # "done" on the last lesson goes back to the first lesson not yet read
    assert client.post("/courses/basic/lesson-3/done").headers["Location"] == LESSON_1


def test_the_last_lesson_leads_to_the_quiz(client, db, curriculum, employee):
    login(client, employee)
    client.post("/policy/acknowledge", data={"version": 1})
    for n in (1, 2, 3):
        response = client.post(f"/courses/basic/lesson-{n}/done")
    assert response.headers["Location"] == "/courses/basic#quiz"
    assert 'href="/courses/basic/quiz"' in text(client.get("/courses/basic"))
    step = next_step(text(client.get("/home")))
    assert "Take the quiz" in step and 'href="/courses/basic/quiz"' in step


def test_done_twice_records_one_read_with_the_version_read(client, db, curriculum, employee):
    login(client, employee)
    client.post(LESSON_1 + "/done")
    client.post(LESSON_1 + "/done")
    progress = db.session.scalars(select(LessonProgress)).all()
    assert len(progress) == 1 and progress[0].lesson_version.version == 1


def test_the_lesson_page_shows_progress_minutes_left_and_neighbours(client, db, curriculum, employee):
    login(client, employee)
    client.post(LESSON_1 + "/done")
    page = text(client.get("/courses/basic/lesson-2"))
    assert "Lesson 2 of 3" in page
    assert "7 min left in this course" in page  # lessons 2 and 3: 3 + 4 minutes
    assert 'rel="prev" href="/courses/basic/lesson-1"' in page and 'rel="next" href="/courses/basic/lesson-3"' in page
    assert 'href="/why#goal-reach"' in page  # the goal the lesson serves


def test_a_locked_course_shows_why_and_its_lessons_cannot_be_read_or_marked(client, db, curriculum, employee):
    login(client, employee)
    course = text(client.get("/courses/advanced"))
    assert "This course is locked for you" in course and "ask HR to open it" in course
    assert 'href="/courses/advanced/lesson-1"' not in course

    response = client.get("/courses/advanced/lesson-1")
    assert response.status_code == 403 and "ask HR to open it" in text(response)
    assert client.post("/courses/advanced/lesson-1/done").status_code == 403
    assert progress_count(db) == 0


def test_an_advanced_department_opens_the_course_once_basic_is_passed(client, db, curriculum, employee, frozen):
    frozen(START)
    employee.department.advanced_eligible = True
    db.session.commit()
    login(client, employee)
    assert "Pass the basic quiz first" in text(client.get("/courses/advanced/lesson-1"))
    certify(employee, "basic", START - timedelta(days=1))
    db.session.commit()
    assert client.get("/courses/advanced/lesson-1").status_code == 200


def test_an_expired_certification_locks_the_tier_above_and_asks_to_renew(client, db, curriculum, employee, frozen):
    frozen(START)
    employee.department.advanced_eligible = True
    certify(employee, "basic", START - timedelta(days=400), expires_at=START - timedelta(days=5))
    db.session.commit()
    login(client, employee)
    client.post("/policy/acknowledge", data={"version": 1})
    for n in (1, 2, 3):
        client.post(f"/courses/basic/lesson-{n}/done")

    home = text(client.get("/home"))
    assert "Your basic certification expired on 25 Feb 2026: retake the quiz" in next_step(home)
    assert "Renew: take the quiz" in next_step(home)
    locked = text(client.get("/courses/advanced/lesson-1"))
    assert "Your basic certification expired on 25 Feb 2026: retake the basic quiz" in locked


def test_a_certification_expiring_soon_is_the_next_step_before_sharing(client, db, curriculum, employee, frozen):
    frozen(START)
    certify(employee, "basic", START - timedelta(days=350), expires_at=START + timedelta(days=10))
    db.session.commit()
    login(client, employee)
    client.post("/policy/acknowledge", data={"version": 1})
    step = next_step(text(client.get("/home")))
    assert "expires on 12 Mar 2026" in step

    frozen(START - timedelta(days=30))  # a month earlier it was not due yet: share
    login(client, employee)  # sessions do not survive a jump in time
    step = next_step(text(client.get("/home")))
    assert "Go to the share feed" in step and 'href="/feed"' in step


def test_the_home_page_shows_due_and_overdue(client, db, curriculum, employee, frozen):
    frozen(START)
    employee.start_date = date(2026, 2, 20)
    db.session.commit()
    login(client, employee)
    assert "Due 22 Mar 2026" in text(client.get("/home"))  # 30 days after the start date
    frozen(START + timedelta(days=30))
    login(client, employee)  # sessions do not survive a jump in time
    assert "Overdue since 22 Mar 2026" in text(client.get("/home"))


def test_a_due_date_hr_set_for_the_person_wins(client, db, curriculum, employee, frozen):
    from advocacy.learning.models.progress import DueDate

    frozen(START)
    employee.start_date = date(2026, 2, 20)
    db.session.add(DueDate(user_id=employee.id, tier="basic", due_on=date(2026, 4, 30), set_at=START))
    db.session.commit()
    login(client, employee)
    assert "Due 30 Apr 2026" in text(client.get("/home"))


def test_a_retired_lesson_disappears_but_its_progress_stays(app, client, db, curriculum, employee):
    login(client, employee)
    client.post("/courses/basic/lesson-3/done")
    (curriculum / "en/basic/03-lesson-3.md").unlink()
    synced(app, curriculum)

    assert client.get("/courses/basic/lesson-3").status_code == 404
    assert "lesson-3" not in text(client.get("/courses/basic"))
    assert "Lesson 2 of 2" in text(client.get("/courses/basic/lesson-2"))
    assert progress_count(db) == 1


def test_unknown_courses_and_lessons_are_404(client, db, curriculum, employee):
    login(client, employee)
    assert client.get("/courses/nothing").status_code == 404
    assert client.get("/courses/basic/nothing").status_code == 404
    assert client.post("/courses/basic/nothing/done").status_code == 404


def test_a_dutch_reader_gets_dutch_where_translated_and_english_elsewhere(client, db, curriculum, employee):
    employee.language = "nl"
    db.session.commit()
    login(client, employee)

    course = text(client.get("/courses/basic"))
    assert "<h1>Basiscursus</h1>" in course and "Basisles 1" in course and "basic lesson 2 (en)" in course
    translated = text(client.get(LESSON_1))
    assert "Basisles 1" in translated and 'lang="en"' not in translated.split("<main", 1)[1]
    fallback = text(client.get("/courses/basic/lesson-2"))
    assert "basic lesson 2 (en)" in fallback and '<article class="prose reader" lang="en">' in fallback
    assert "Course advanced (en)" in text(client.get("/home"))  # no Dutch course at all: English


def test_a_new_version_of_a_read_lesson_still_counts_as_read(app, client, db, curriculum, employee):
    login(client, employee)
    client.post(LESSON_1 + "/done")
    write_lesson(curriculum, "en", "basic", "01-lesson-1.md", "basic lesson 1 (en)", minutes=2, body="Rewritten.")
    synced(app, curriculum)
    page = text(client.get(LESSON_1))
    assert "Rewritten." in page and "Read</span>" in page


def test_asking_for_the_expert_course(client, db, curriculum, employee):
    employee.department.advanced_eligible = True
    db.session.commit()
    login(client, employee)
    assert "Ask for the expert course" in text(client.get("/home"))
    assert client.post("/tiers/expert/request").status_code == 302
    grant = db.session.scalar(select(TierGrant))
    assert (grant.user_id, grant.tier, grant.status) == (employee.id, "expert", "requested")
    assert "Marketing will decide soon" in text(client.get("/home"))
    client.post("/tiers/expert/request")
    assert db.session.scalar(select(func.count(TierGrant.id))) == 1


def home_and_lesson_queries(client, db) -> tuple[int, int]:
    with QueryCounter(db.engine) as home:
        assert client.get("/home").status_code == 200
    with QueryCounter(db.engine) as lesson:
        assert client.get(LESSON_1).status_code == 200
    return len(home), len(lesson)


def test_home_and_lesson_pages_use_as_many_queries_with_30_courses_as_with_3(app, client, db, curriculum, employee):
    login(client, employee)
    client.post(LESSON_1 + "/done")
    client.get("/courses/basic/lesson-2")
    client.get(LESSON_1)  # the resume point is now lesson 1: the counted visit writes nothing
    small = home_and_lesson_queries(client, db)

    for n in range(27):
        write_course(curriculum, "en", f"extra-{n}", "basic", order=10 + n, lessons=4)
    result = sync(app, curriculum)
    assert result.exit_code == 0, result.output
    for n in range(5):
        client.post(f"/courses/extra-{n}/lesson-1/done")
    client.get(LESSON_1)
    large = home_and_lesson_queries(client, db)

    assert large == small, (small, large)
    assert len(re.findall(r'href="/courses/extra-\d+"', text(client.get("/home")))) == 27

"""Learning order: the quiz opens once every lesson is read (a course setting, on by default), and
Learn never says "Take the quiz" while a cooldown runs."""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

import advocacy
from advocacy.learning.models.courses import Course

from ..conftest import START, login
from ..quizzes.factories import take
from .factories import GOALS_EN, sync, synced, write, write_course, write_policy


def text(response) -> str:
    return response.get_data(as_text=True)


def next_step(html: str) -> str:
    return re.search(r'id="next-step">(.*?)</section>', html, re.S).group(1)


def tree(root, setting: str | None = None):
    write(root, "en/goals.toml", GOALS_EN)
    write_policy(root)
    folder = write_course(root, "en", "basic", "basic", 1, lessons=3, quiz=True)
    if setting is not None:
        course_md = folder / "course.md"
        course_md.write_text(course_md.read_text().replace('unlocks = "Posts for basic"\n',
                                                           f'unlocks = "Posts for basic"\n{setting}\n'))
    return root


def ready(client, employee, frozen):
    frozen(START)
    login(client, employee)
    client.post("/policy/acknowledge", data={"version": 1})


def read(client, *numbers):
    for n in numbers:
        assert client.post(f"/courses/basic/lesson-{n}/done").status_code == 302


def test_the_quiz_opens_only_once_every_lesson_is_read(app, client, db, tmp_path, employee, frozen):
    synced(app, tree(tmp_path / "content"))
    assert db.session.scalar(select(Course.lessons_before_quiz)) is True  # on by default
    ready(client, employee, frozen)
    read(client, 1)
    refused = client.post("/courses/basic/quiz", follow_redirects=True)
    assert "The quiz opens once you have read every lesson of this course." in text(refused)
    start_page = text(client.get("/courses/basic/quiz"))
    assert "Left to read:" in start_page and "basic lesson 2 (en)" in start_page and "basic lesson 3 (en)" in start_page
    assert "Start the quiz" not in start_page
    course_page = text(client.get("/courses/basic"))
    assert "2 lessons left to read" in course_page and "Take the quiz" not in course_page
    read(client, 2, 3)
    assert "Take the quiz" in next_step(text(client.get("/home")))
    assert client.post("/courses/basic/quiz").headers["Location"].startswith("/attempts/")


def test_during_a_cooldown_learn_says_when_the_next_attempt_opens(app, client, db, tmp_path, employee, frozen):
    synced(app, tree(tmp_path / "content"))
    ready(client, employee, frozen)
    read(client, 1, 2, 3)
    course = db.session.scalar(select(Course))
    take(employee, course, right=False, now=START)
    take(employee, course, right=False, now=START + timedelta(minutes=5))
    home = next_step(text(client.get("/home")))
    assert "Take the quiz" not in home
    assert "Your next attempt opens on 3 Mar 2026" in home
    course_page = text(client.get("/courses/basic"))
    assert "Your next attempt opens on 3 Mar 2026" in course_page and "Take the quiz" not in course_page
    frozen(START + timedelta(hours=25))
    assert "Take the quiz" in next_step(text(client.get("/home")))


def test_the_setting_off_lets_the_quiz_open_before_reading(app, client, db, tmp_path, employee, frozen):
    synced(app, tree(tmp_path / "content", "lessons_before_quiz = false"))
    assert db.session.scalar(select(Course.lessons_before_quiz)) is False
    ready(client, employee, frozen)
    assert client.post("/courses/basic/quiz").headers["Location"].startswith("/attempts/")


def test_a_setting_that_is_not_true_or_false_is_refused_with_its_line(app, db, tmp_path):
    result = sync(app, tree(tmp_path / "content", 'lessons_before_quiz = "yes"'))
    assert result.exit_code == 1
    assert re.search(r"en/basic/course\.md:\d+: `lessons_before_quiz` must be true or false", result.stderr)


def test_the_shipped_content_has_it_on():
    files = sorted((Path(advocacy.__file__).parent / "content" / "en").glob("*/course.md"))
    assert len(files) == 3
    for course_md in files:
        assert "lessons_before_quiz = true" in course_md.read_text(), course_md

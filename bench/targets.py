"""What `make bench` measures: one row per page, beside the bare Flask page.

A target names who is logged in (a demo role, or None), the path (or a function of the logged-in
sessions, `sessions["employee"]` etc., that finds it by following the app's links, returning None
while the page does not exist yet), and for a POST a function building the form fields (CSRF
token included). Targets that cannot be
resolved, or answer 404, are skipped with a note; any other unexpected answer is an error.
"""
from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from typing import Callable

from .httpclient import Session


@dataclass(frozen=True)
class Target:
    name: str
    who: str | None
    path: str | Callable[[dict], str | None]
    method: str = "GET"
    form: Callable[[dict, str], dict] | None = None
    expect: int = 200
    # The issue asks employee pages and the redirect to reach half the bare page's speed.
    goal_ratio: float | None = 0.5

    def resolve(self, sessions) -> str | None:
        return self.path(sessions) if callable(self.path) else self.path


def first_link(session: Session, page: str, pattern: str) -> str | None:
    """The first href on `page` matching `pattern`: how a person would find it."""
    response = session.get(page)
    if response.status != 200:
        return None
    match = re.search(r'href="(' + pattern + r')"', response.text)
    return match.group(1) if match else None


def a_lesson(sessions) -> str | None:
    employee = sessions["employee"]
    return (first_link(employee, "/home", r"/courses/[\w-]+/(?!quiz\b)[\w-]+")
            or first_link(employee, "/courses/basic", r"/courses/basic/(?!quiz\b)[\w-]+"))


def a_tracked_link(sessions) -> str | None:
    """The demo employee (certified by WORLD_SETUP) shares the first post in their feed; the
    tracked link is in the address the share sends the browser on to."""
    employee = sessions["employee"]
    feed = employee.get("/feed")
    match = re.search(r'href="(/feed/\d+/share/(?!other\b)\w+)"', feed.text)
    if feed.status != 200 or not match:
        return None
    answer = employee.submit(match.group(1), {})
    code = re.search(r"/r/([\w-]+)", urllib.parse.unquote(answer.location or ""))
    return f"/r/{code.group(1)}" if code else None


def a_quiz_submission(sessions) -> str | None:
    """The demo manager starts the basic quiz and submits it once; what is measured is submitting
    that attempt again (a double tap, a second tab): one result, no second grading."""
    manager = sessions["manager"]
    begun = manager.submit("/courses/basic/quiz", {})
    if begun.status != 303 or "/attempts/" not in (begun.location or ""):
        return None
    path = urllib.parse.urlsplit(begun.location).path
    manager.submit(path, {})
    return path


def quiz_answers(sessions, path: str) -> dict:
    return {"csrf_token": sessions["manager"].csrf_token("/courses/basic/quiz")}


# Run once on the prepared database (python -c, the app's own services): what the measured
# pages need beyond `flask demo`. The demo employee has acknowledged the policy and holds a basic
# certification, so the feed shows posts and has something to share; the demo manager has read
# every basic lesson, so the basic quiz opens for them (learning order).
WORLD_SETUP = """
from advocacy import create_app
from advocacy.core.clock import utcnow
from advocacy.learning.models.courses import Course, Lesson, LessonVersion
from advocacy.learning.policy import current_policy
from advocacy.learning.services.reading import mark_lesson_read
from advocacy.learning.services.policy import acknowledge_policy
from advocacy.core.db import db
from advocacy.core.organisation import User
from advocacy.learning.services.certificates import record_pass
from advocacy.learning.services.quizzes import current_version, quiz_for
app = create_app()
with app.app_context():
    employee = db.session.scalar(db.select(User).where(User.email == "employee@demo.example"))
    course = db.session.scalar(db.select(Course).where(Course.slug == "basic"))
    acknowledge_policy(employee.id, current_policy(), utcnow())
    record_pass(employee.id, "basic", current_version(quiz_for(course.id, "en")), None, utcnow())
    manager = db.session.scalar(db.select(User).where(User.email == "manager@demo.example"))
    for lesson_id, version_id in db.session.execute(
            db.select(Lesson.id, LessonVersion.id).join(LessonVersion, LessonVersion.lesson_id == Lesson.id)
            .where(Lesson.course_id == course.id, Lesson.retired_at.is_(None), LessonVersion.current,
                   LessonVersion.language == "en")).all():
        mark_lesson_read(manager.id, lesson_id, version_id, utcnow())
    db.session.commit()
"""


TARGETS = [
    Target("login page", None, "/login"),
    Target("employee home", "employee", "/home"),
    Target("a lesson", "employee", a_lesson),
    Target("the feed", "employee", "/feed"),
    Target("quiz submission (again)", "manager", a_quiz_submission, method="POST", form=quiz_answers, expect=303),
    Target("tracked-link redirect", None, a_tracked_link, expect=302),
    Target("HR dashboard", "hr", "/hr", goal_ratio=None),
]

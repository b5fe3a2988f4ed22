"""What `make bench` measures: one row per page, beside the bare Flask page.

A target names who is logged in (a demo role, or None), the path (or a function of the logged-in
sessions, `sessions["employee"]` etc., that finds it by following the app's links, returning None
while the page does not exist yet), and for a POST a function building the form fields (CSRF
token included). Targets that cannot be
resolved, or answer 404, are skipped with a note; any other unexpected answer is an error.
"""
from __future__ import annotations

import re
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
    # To plug in once sharing works: share a live post (POST /feed/<id>/share/<network>) as the
    # demo employee and return the /r/<code> path it hands out.
    return None


def a_quiz_submission(sessions) -> str | None:
    # To plug in once quizzes work: the path a quiz form posts to; see quiz_answers below.
    return None


def quiz_answers(sessions, path: str) -> dict:
    # To plug in: the fields of a submission (CSRF token and answers) that the server accepts
    # again and again without a 4xx (a completed attempt answered as the double-submit case).
    raise NotImplementedError


TARGETS = [
    Target("login page", None, "/login"),
    Target("employee home", "employee", "/home"),
    Target("a lesson", "employee", a_lesson),
    Target("the feed", "employee", "/feed"),
    Target("quiz submission", "employee", a_quiz_submission, method="POST", form=quiz_answers),
    Target("tracked-link redirect", None, a_tracked_link, expect=302),
    Target("HR dashboard", "hr", "/hr", goal_ratio=None),
]

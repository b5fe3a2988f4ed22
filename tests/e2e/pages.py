"""The main pages the browser checks run on: add a page here and it is checked at both sizes,
with and without JavaScript (test_pages.py).

`who` is the demo role (or an EXTRA_PEOPLE name from conftest.py) that is logged in, None for a
visitor. `path` is a path, or a function of the Playwright page (logged in as `who`) that finds
the path by following the app's own links (for pages whose URL holds an id or slug).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class MainPage:
    name: str
    path: str | Callable
    who: str | None = None
    status: int = 200

    def resolve(self, page) -> str:
        return self.path(page) if callable(self.path) else self.path


PAGES = [
    MainPage("login", "/login"),
    MainPage("password reset request", "/reset"),
    MainPage("expired or unknown link", "/reset/no-such-token", status=404),
    MainPage("page not found", "/no-such-page", status=404),
    MainPage("not allowed", "/admin", who="employee", status=403),
    MainPage("employee home", "/home", who="employee"),
    MainPage("feed", "/feed", who="employee"),
    MainPage("change password", "/account/password", who="employee"),
    MainPage("manager's team", "/team", who="manager"),
    MainPage("HR dashboard", "/hr", who="hr"),
    MainPage("marketing's posts", "/posts", who="marketing"),
    MainPage("review queue", "/review", who="reviewer"),
    MainPage("organisation settings", "/admin", who="admin"),
    MainPage("course", "/courses/basic", who="employee"),
    MainPage("lesson", "/courses/basic/why-we-are-social", who="employee"),
    MainPage("locked lesson", "/courses/expert/dialogue-and-confrontation", who="employee", status=403),
    MainPage("why we are social", "/why", who="employee"),
    MainPage("policy", "/policy", who="employee"),
    MainPage("goals", "/goals", who="marketing"),
    MainPage("policy acknowledgements", "/hr/policy", who="hr"),
    MainPage("new policy version", "/admin/policy/new", who="admin"),
    MainPage("analytics", "/analytics", who="marketing"),
    MainPage("people", "/people", who="hr"),
    MainPage("import people", "/people/import", who="hr"),
    MainPage("transcript", lambda page: first_href(page, "/people", r"/people/\d+/transcript"), who="hr"),
    MainPage("overdue", "/hr/overdue", who="hr"),
    MainPage("audit log", "/admin/audit", who="admin"),
    MainPage("your data", "/account/privacy", who="employee"),
    MainPage("leaderboard", "/leaderboard", who="employee"),
    MainPage("API tokens", "/admin/api", who="admin"),
    MainPage("API documentation", "/api/v1/docs"),
    MainPage("quiz banks", "/studio/banks", who="admin"),
    MainPage("quiz bank", "/studio/banks/basic", who="admin"),
    MainPage("quiz bank item analysis", "/studio/banks/basic/analysis", who="admin"),
    MainPage("webhooks", "/admin/webhooks", who="admin"),
    MainPage("learning record store", "/admin/xapi", who="admin"),
    MainPage("SCIM tokens", "/admin/scim", who="admin"),
    MainPage("second factor", "/account/second-factor", who="employee"),
    MainPage("quiz questions in the Studio", "/studio/courses/basic/quiz/en", who="admin"),
    MainPage("a quiz question in the Studio", "/studio/courses/basic/quiz/en/1", who="admin"),
    MainPage("a new matching question", "/studio/courses/basic/quiz/en/new/matching", who="admin"),
]


def first_href(page, start: str, pattern: str) -> str:
    """The first link on `start` whose path matches `pattern`, as a person would follow it."""
    import re

    page.goto(start)
    for href in page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))"):
        if re.fullmatch(pattern, href):
            return href
    raise AssertionError(f"no link matching {pattern} on {start}")

# Where each role lands after logging in (advocacy/main/routes.py ROLE_HOMES).
ROLE_HOMES = {"employee": "/home", "manager": "/team", "hr": "/hr", "marketing": "/posts",
              "reviewer": "/review", "admin": "/admin"}

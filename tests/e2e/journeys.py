"""Helpers of the journey tests: the e2e server's own database, read and written the way a test
may (never through a switch in the app), and fresh people made with the app's own command.

The quiz key never reaches a browser before an attempt is handed in; a test that must pass the
quiz reads the attempt's drawn questions and option tokens from the database, as the server does
when it grades (advocacy/quizzes/engine.py: `lay_out`, `read_response`).
"""
from __future__ import annotations

import json
import secrets
import sqlite3
from contextlib import closing
from pathlib import Path
from datetime import datetime, timedelta, timezone

from bench import quizkey
from bench.liveserver import add_person

SAMPLE_POST = "Open day at our Utrecht office"
PHONE_BROWSER = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                 "Chrome/124.0 Mobile Safari/537.36")


class NetworkStub:
    """Stands in for a social network's host: the share URL the browser was sent to is
    remembered and answered here, so nothing leaves 127.0.0.1."""

    def __init__(self, context, *patterns):
        self.urls: list[str] = []
        for pattern in patterns:
            context.route(pattern, self)

    def __call__(self, route):
        self.urls.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<!doctype html><title>network</title>")


def database_path(live_app) -> str:
    url = live_app.server.env["DATABASE_URL"]
    assert url.startswith("sqlite:///"), f"the journeys read the e2e server's SQLite file, not {url}"
    return url[len("sqlite:///"):]


def query(live_app, sql: str, *params) -> list[tuple]:
    with closing(sqlite3.connect(database_path(live_app), timeout=10)) as connection:
        return connection.execute(sql, params).fetchall()


def execute(live_app, sql: str, *params) -> None:
    with closing(sqlite3.connect(database_path(live_app), timeout=10)) as connection:
        with connection:
            connection.execute(sql, params)


def fresh_person(live_app, label: str, roles: str = "employee") -> tuple[str, str]:
    """A new person (e-mail, name) made by `flask users create`, unique to this call."""
    tag = secrets.token_hex(3)
    email = f"{label}-{tag}@journey.example"
    name = f"{label.title()} {tag.upper()}"
    add_person(live_app.server.env, email, name, roles, live_app.password)
    return email, name


def user_id(live_app, email: str) -> int:
    return query(live_app, "SELECT id FROM user WHERE email = ?", email)[0][0]


def _sql_time(when: datetime) -> str:
    """As UTCDateTime stores it on SQLite: naive UTC."""
    return when.astimezone(timezone.utc).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def certify(live_app, email: str, tier: str = "basic") -> None:
    """A valid certification row, as a pass of the quiz would leave it."""
    now = datetime.now(timezone.utc)
    execute(live_app, "INSERT INTO certification (user_id, tier, code, passed_at, expires_at, revoked_reason, "
            "first_passed_at) VALUES (?, ?, ?, ?, ?, '', ?)", user_id(live_app, email), tier,
            secrets.token_urlsafe(12), _sql_time(now - timedelta(minutes=1)), _sql_time(now + timedelta(days=365)),
            _sql_time(now - timedelta(minutes=1)))


# -- the quiz ------------------------------------------------------------------------------------

def attempt_id_of(page) -> int:
    """The attempt shown on this page (/attempts/<id>)."""
    return int(page.url.split("/attempts/")[1].split("?")[0].split("#")[0])


def right_answers(live_app, attempt_id: int) -> dict[str, list[str]]:
    """Form field -> values that earn full marks on this attempt, from the stored key."""
    items = json.loads(query(live_app, "SELECT items FROM attempt WHERE id = ?", attempt_id)[0][0])
    data = {item["id"]: query(live_app, "SELECT data FROM quiz_question WHERE id = ?", item["id"])[0][0]
            for item in items}
    return quizkey.right_answers(items, data)


def answer_with(page, answers: dict[str, list[str]]) -> None:
    """Fill the attempt form in the browser as a person would: tick, choose, type."""
    for field, values in answers.items():
        control = page.locator(f"form.quiz [name='{field}']").first
        tag = control.evaluate("element => element.tagName.toLowerCase() + ':' + (element.type || '')")
        if tag.startswith("select"):
            control.select_option(value=values[0])
        elif tag.endswith((":radio", ":checkbox")):
            for value in values:
                page.locator(f"form.quiz input[name='{field}'][value='{value}']").check()
        else:
            control.fill(values[0])


def answer_wrongly(page) -> None:
    """What a guess without reading looks like: always the last option, no text typed."""
    for fieldset in page.locator("form.quiz fieldset.question").all():
        options = fieldset.locator("input[type=radio], input[type=checkbox]")
        if options.count():
            options.last.check()
        for select in fieldset.locator("select").all():
            select.select_option(index=select.locator("option").count() - 1)


# The shipped basic course: how many lessons the journeys read (the curriculum grows; tests follow it).
BASIC_LESSONS = len(list((Path(__file__).resolve().parents[2] / "advocacy" / "content" / "en" / "basic").glob("[0-9][0-9]-*.md")))

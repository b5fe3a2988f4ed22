"""The answer key never reaches the browser before an attempt is handed in.

Every response a person gets between opening the quiz and handing it in is fetched, headers, cookies
and static files included, and searched for anything that gives the key away.
"""
import re
from html.parser import HTMLParser

from sqlalchemy import select

from advocacy.core.db import db
from advocacy.learning.models.quizzes import Attempt, QuizQuestion

from ..conftest import login

ALLOWED_INPUT_ATTRIBUTES = {"type", "name", "value", "id", "maxlength", "autocomplete", "inputmode"}


def secrets_of_the_pool() -> set[str]:
    """Every text that would tell someone the answer: feedback, general feedback, accepted short answers."""
    found = set()
    for question in db.session.scalars(select(QuizQuestion)):
        data = question.data
        found.add(data.get("general_feedback"))
        for answer in data.get("answers", []):
            found.add(answer.get("feedback"))
            if data["type"] == "shortanswer":
                found.add(answer["text"])
    return {text for text in found if text}


class Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inputs, self.selects, self._select = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name", "").startswith("q"):
            self.inputs.append(attrs)
        elif tag == "select" and attrs.get("name", "").startswith("q"):
            self._select = []
            self.selects.append((attrs["name"], self._select))
        elif tag == "option" and self._select is not None:
            self._select.append(dict(attrs))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def everything_before_hand_in(client) -> list[tuple[str, str]]:
    """(what, text) for every response and cookie from the start page to the filled-in form."""
    seen = []

    def fetch(method, url):
        response = client.open(url, method=method)
        seen.append((f"{method} {url}", response.get_data(as_text=True)))
        seen.append((f"{method} {url} headers", str(response.headers)))
        return response

    fetch("GET", "/courses/basic/quiz")
    attempt_url = fetch("POST", "/courses/basic/quiz").headers["Location"]
    html = fetch("GET", attempt_url).get_data(as_text=True)
    fetch("GET", "/courses/basic/quiz")  # the start page again: "continue"
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        fetch("GET", asset)
    cookie = client.get_cookie("session")
    if cookie is not None:
        serializer = client.application.session_interface.get_signing_serializer(client.application)
        seen.append(("session cookie", repr(serializer.loads(cookie.value))))
    return seen


def test_no_response_before_hand_in_contains_the_answer_key(client, course, employee):
    login(client, employee)
    responses = everything_before_hand_in(client)
    secrets = secrets_of_the_pool()
    assert len(secrets) >= 10 and len(responses) >= 10
    for what, text in responses:
        for secret in secrets:
            assert secret not in text, f"{what} gives away {secret!r}"
        if "/static/" in what:
            continue  # the shared stylesheet names review classes; only pages and cookies carry data
        for word in ("fraction", "feedback", "is-right", "correct", "data-answer", "data-right", "weight"):
            assert word not in text.lower(), f"{what} contains {word!r}"


def test_the_form_marks_no_option_and_names_options_by_opaque_tokens(client, course, employee):
    login(client, employee)
    html = client.get(client.post("/courses/basic/quiz").headers["Location"]).get_data(as_text=True)
    parser = Inputs()
    parser.feed(html)
    assert len(parser.inputs) > 5
    for attrs in parser.inputs:
        assert set(attrs) <= ALLOWED_INPUT_ATTRIBUTES, attrs
        if attrs["type"] in ("radio", "checkbox"):
            assert re.fullmatch(r"[0-9a-f]{16}", attrs["value"]), "an option value is a random token"
    # Every item of a matching question offers the same choices, in the same order.
    lists = [[o.get("value") for o in options] for _, options in parser.selects]
    assert len(lists) == 3 and all(lst == lists[0] for lst in lists)
    assert not any("selected" in o for _, options in parser.selects for o in options)


def test_tokens_are_new_for_every_attempt(client, course, employee):
    """So a token seen once (and its verdict afterwards) says nothing about the next attempt."""
    login(client, employee)
    tokens = []
    for _ in range(2):
        client.post(client.post("/courses/basic/quiz").headers["Location"], data={})
        attempt = db.session.scalars(select(Attempt).order_by(Attempt.id.desc())).first()
        tokens.append({token for item in attempt.items for token, _ in item.get("options", [])})
    assert tokens[0] and not tokens[0] & tokens[1]

"""The core flows with JavaScript off, on a phone: a lesson and "Done, next", the quiz handed in
as a plain form, and a LinkedIn caption shown ready to select before LinkedIn opens."""
from urllib.parse import quote

import pytest

from .conftest import log_in
from .journeys import BASIC_LESSONS
from .journeys import (SAMPLE_POST, NetworkStub, answer_with, attempt_id_of, certify, fresh_person, query,
                       right_answers, user_id)

pytestmark = pytest.mark.e2e


def test_lesson_quiz_and_caption_work_without_javascript(open_context, live_app):
    email, _ = fresh_person(live_app, "nojs")
    context = open_context("phone", javascript=False)
    page = context.new_page()
    log_in(page, email, live_app.password)
    page.goto("/policy")
    page.get_by_role("button", name="I have read the policy").click()

    page.goto("/courses/basic/why-we-are-social")
    assert f"Lesson 1 of {BASIC_LESSONS}" in page.locator("main").inner_text()
    page.get_by_role("button", name="Done, next").click()
    assert f"Lesson 2 of {BASIC_LESSONS}" in page.locator("main").inner_text()
    for _ in range(2, BASIC_LESSONS):  # the quiz opens once every lesson is read
        page.get_by_role("button", name="Done, next").click()
    page.get_by_role("button", name="Done, to the quiz").click()

    page.goto("/courses/basic/quiz")
    page.get_by_role("button", name="Start the quiz").click()
    answer_with(page, right_answers(live_app, attempt_id_of(page)))
    page.get_by_role("button", name="Hand in my answers").click()
    assert page.locator("main h1").inner_text() == "You passed"

    page.goto("/feed")
    card = page.locator("article.post-card", has_text=SAMPLE_POST)
    card.get_by_role("link", name="LinkedIn").click()
    assert page.url.endswith("/share/linkedin")
    caption = page.get_by_label("Your text")
    assert caption.input_value().strip() and caption.get_attribute("readonly") is not None
    networks = NetworkStub(context, "https://www.linkedin.com/**")
    page.get_by_role("button", name="Open LinkedIn").click()
    page.wait_for_url("https://www.linkedin.com/**")
    post_id = query(live_app, "SELECT id FROM post WHERE title = ?", SAMPLE_POST)[0][0]
    code = query(live_app, "SELECT code FROM tracked_link WHERE user_id = ? AND post_id = ? AND network = ?",
                 user_id(live_app, email), post_id, "linkedin")[0][0]
    tracked = quote(f"{live_app.url}/r/{code}", safe="")
    assert networks.urls == [f"https://www.linkedin.com/sharing/share-offsite/?url={tracked}"]


def test_a_certified_person_sees_the_caption_page_without_javascript(open_context, live_app):
    """The feed's "See the text" link is the way to the caption for every network."""
    email, _ = fresh_person(live_app, "nojs-reader")
    certify(live_app, email)
    page = open_context("phone", javascript=False).new_page()
    log_in(page, email, live_app.password)
    page.goto("/policy")
    page.get_by_role("button", name="I have read the policy").click()
    page.goto("/feed")
    card = page.locator("article.post-card", has_text=SAMPLE_POST)
    card.get_by_role("link", name="See the text").click()
    assert page.locator("main h1").inner_text() == "Share on LinkedIn"
    assert page.get_by_label("Your text").input_value().strip()

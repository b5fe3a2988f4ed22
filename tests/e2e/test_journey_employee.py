"""The employee's whole journey on a phone: policy, lessons, a failed quiz, the cooldown, a pass,
the certificate and its public check, the feed, sharing on LinkedIn and X, and the first click."""
import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from .conftest import log_in
from .journeys import BASIC_LESSONS
from .journeys import (PHONE_BROWSER, SAMPLE_POST, NetworkStub, answer_with, answer_wrongly, attempt_id_of,
                       fresh_person, query, right_answers, user_id)

pytestmark = pytest.mark.e2e

def fail_the_quiz(page):
    answer_wrongly(page)
    page.get_by_role("button", name="Hand in my answers").click()
    assert page.locator("main h1").inner_text() == "Not passed this time"
    main = page.locator("main")
    assert main.get_by_text("Wrong", exact=True).count() >= 1, "the review says which questions were wrong"
    # Without a pass, the review names no right answer.
    assert page.locator("main .quiz-lines, main .is-right").count() == 0
    assert "Accepted answers" not in main.inner_text() and "your choice" not in main.inner_text()


def test_an_employee_learns_fails_waits_passes_and_shares(open_context, open_page, live_app):
    email, name = fresh_person(live_app, "journey")
    context = open_context("phone")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_app.url)
    page = context.new_page()
    log_in(page, email, live_app.password)
    assert page.url == live_app.url + "/home"

    # The policy, then the lessons: two of them, and the quiz stays shut until every one is read.
    page.locator("section.next").get_by_role("link", name="Read the policy").click()
    page.get_by_role("button", name="I have read the policy").click()
    assert page.get_by_text("Thank you for reading the policy.").is_visible()
    page.locator("section.next").get_by_role("link", name="Start the first lesson").click()
    assert f"Lesson 1 of {BASIC_LESSONS}" in page.locator("main").inner_text()
    page.get_by_role("button", name="Done, next").click()
    assert f"Lesson 2 of {BASIC_LESSONS}" in page.locator("main").inner_text()
    page.get_by_role("button", name="Done, next").click()
    assert f"Lesson 3 of {BASIC_LESSONS}" in page.locator("main").inner_text()
    page.goto("/courses/basic/quiz")
    assert page.get_by_text("Left to read:").is_visible()
    assert page.get_by_role("button", name="Start the quiz").count() == 0
    page.goto("/home")
    assert f"lesson 3 of {BASIC_LESSONS}" in page.locator("section.next").inner_text()
    page.locator("section.next").get_by_role("link", name="Continue reading").click()
    for number in range(3, BASIC_LESSONS):
        assert f"Lesson {number} of {BASIC_LESSONS}" in page.locator("main").inner_text()
        page.get_by_role("button", name="Done, next").click()
    page.get_by_role("button", name="Done, to the quiz").click()

    # Two failures in a row start the cooldown (attempts_before_cooldown = 2 in the content).
    page.goto("/courses/basic/quiz")
    page.get_by_role("button", name="Start the quiz").click()
    fail_the_quiz(page)
    page.get_by_role("button", name="Try again").click()
    fail_the_quiz(page)
    page.goto("/courses/basic/quiz")
    assert page.get_by_text(re.compile("Your next attempt opens on")).is_visible()
    assert page.get_by_role("button", name="Start the quiz").count() == 0
    page.goto("/home")  # Learn says when, not "Take the quiz"
    assert "Your next attempt opens on" in page.locator("section.next").inner_text()
    assert page.locator("section.next").get_by_role("link", name="Take the quiz").count() == 0
    page.goto("/courses/basic/quiz")

    # The e2e content's cooldown is 3.6 seconds: wait, reload, and the quiz opens again.
    for _ in range(20):
        page.wait_for_timeout(1000)
        page.reload()
        if page.get_by_role("button", name="Start the quiz").count():
            break
    page.get_by_role("button", name="Start the quiz").click()
    answer_with(page, right_answers(live_app, attempt_id_of(page)))
    page.get_by_role("button", name="Hand in my answers").click()
    assert page.locator("main h1").inner_text() == "You passed"
    verify_url = page.locator("main .next a[href*='/verify/']").get_attribute("href")
    assert re.fullmatch(re.escape(live_app.url) + r"/verify/[A-Za-z0-9_-]+", verify_url)

    # Anyone can check the certificate, logged out.
    visitor = open_page("phone")
    visitor.goto(verify_url)
    text = visitor.locator("main").inner_text()
    assert name in text and "Basic" in text and "Valid" in text

    # The feed is open now; share the demo's open day on LinkedIn: caption copied, LinkedIn opened.
    page.goto("/feed")
    card = page.locator("article.post-card", has_text=SAMPLE_POST)
    networks = NetworkStub(context, "https://www.linkedin.com/**", "https://twitter.com/**", "https://x.com/**")
    caption = card.get_by_role("link", name="LinkedIn").get_attribute("data-share-copy")
    assert caption
    with context.expect_page() as opened:
        card.get_by_role("link", name="LinkedIn").click()
    opened.value.wait_for_url("https://www.linkedin.com/**")
    assert page.evaluate("navigator.clipboard.readText()") == caption
    post_id = query(live_app, "SELECT id FROM post WHERE title = ?", SAMPLE_POST)[0][0]
    code = query(live_app, "SELECT code FROM tracked_link WHERE user_id = ? AND post_id = ? AND network = ?",
                 user_id(live_app, email), post_id, "linkedin")[0][0]
    tracked = f"{live_app.url}/r/{code}"
    assert networks.urls == [f"https://www.linkedin.com/sharing/share-offsite/?url={quote(tracked, safe='')}"]

    # X gets the caption and the link in its intent URL.
    with context.expect_page() as opened:
        card.locator("form.share-form").filter(has=page.get_by_role("button", name="X", exact=True)) \
            .get_by_role("button").click()
    opened.value.wait_for_url(re.compile(r"^https://(twitter|x)\.com/"))
    intent = urlsplit(networks.urls[-1])
    assert intent.netloc in ("twitter.com", "x.com") and intent.path == "/intent/tweet"
    params = parse_qs(intent.query)
    assert params["text"][0].strip() and params["url"][0].startswith(live_app.url + "/r/")

    # Someone else opens the LinkedIn link: one click, and on to the post's link with UTM tags.
    reader = open_context("desktop")
    response = reader.request.get(tracked, max_redirects=0, headers={"User-Agent": PHONE_BROWSER})
    assert response.status == 302
    stored_link = query(live_app, "SELECT link FROM post WHERE id = ?", post_id)[0][0]
    location = response.headers["location"]
    assert location.startswith(stored_link.split("?")[0].split("#")[0])
    assert urlsplit(location).netloc == urlsplit(stored_link).netloc != "127.0.0.1"
    utm = parse_qs(urlsplit(location).query)
    assert utm["utm_source"] == ["linkedin"] and "utm_medium" in utm and "utm_campaign" in utm

    page.goto("/feed/mine")
    row = page.locator("main ul.list li", has_text=SAMPLE_POST).filter(has_text="LinkedIn")
    assert row.locator(".badge").inner_text() == "1 click"

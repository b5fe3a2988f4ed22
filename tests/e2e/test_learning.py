"""A new employee on a phone, without JavaScript: policy, goals, the basic lessons, and their
place found again on another device after logging out."""
import pytest

from .journeys import BASIC_LESSONS
from .conftest import log_in

pytestmark = pytest.mark.e2e


def next_step(page):
    return page.locator("section.next")


def test_a_newcomer_reads_acknowledges_and_resumes_on_another_device(open_context, live_app):
    phone = open_context("phone", javascript=False).new_page()
    log_in(phone, live_app.email("newcomer"), live_app.password)
    assert phone.url == live_app.url + "/home"

    next_step(phone).get_by_role("link", name="Read the policy").click()
    phone.get_by_role("button", name="I have read the policy").click()
    assert phone.url == live_app.url + "/home"
    assert phone.get_by_text("Thank you for reading the policy.").is_visible()

    phone.locator("footer").get_by_role("link", name="Why we are social").click()
    assert phone.locator("main h1").inner_text() == "Why we are on social media"
    assert phone.locator("section.goal").count() >= 3

    phone.goto("/home")
    next_step(phone).get_by_role("link", name="Start the first lesson").click()
    assert f"Lesson 1 of {BASIC_LESSONS}" in phone.locator("main").inner_text()
    phone.get_by_role("button", name="Done, next").click()
    assert f"Lesson 2 of {BASIC_LESSONS}" in phone.locator("main").inner_text()
    phone.get_by_role("button", name="Done, next").click()
    third = phone.locator("main h1").inner_text()
    phone.get_by_role("button", name="Log out").click()
    phone.wait_for_url("**/login")

    laptop = open_context("desktop", javascript=False).new_page()
    log_in(laptop, live_app.email("newcomer"), live_app.password)
    next_step(laptop).get_by_role("link", name="Continue reading").click()
    assert laptop.locator("main h1").inner_text() == third
    for _ in range(BASIC_LESSONS - 3):
        laptop.get_by_role("button", name="Done, next").click()
    laptop.get_by_role("button", name="Done, to the quiz").click()
    assert laptop.url.endswith("/courses/basic#quiz")
    assert f"{BASIC_LESSONS} of {BASIC_LESSONS} lessons read" in laptop.locator("main").inner_text()
    laptop.goto("/home")
    assert next_step(laptop).get_by_role("link", name="Take the quiz").is_visible()

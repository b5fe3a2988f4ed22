"""The Studio on a phone: an author changes a lesson (live preview, then Preview without
JavaScript), publishes it, and an employee reads the new text. The Studio's pages pass the same
checks as every main page (axe, tap targets, no overflow)."""
import pytest

from . import checks

pytestmark = pytest.mark.e2e

LESSON = "/studio/courses/basic/lessons/start-small/en"
ADDED = "A line written in the Studio on a phone."


def test_an_author_publishes_a_lesson_that_an_employee_then_reads(open_page):
    author = open_page("phone", who="author")
    for path in ("/studio", "/studio/courses/basic", LESSON, "/studio/courses/basic/details/nl"):
        problems = checks.audit(author, path, phone=True)
        assert not problems, "\n".join(problems)

    author.goto(LESSON)
    body = author.get_by_label("Text (Markdown)")
    body.fill(body.input_value() + f"\n\n**{ADDED}**\n")
    author.locator("#lesson-preview strong", has_text=ADDED).wait_for()  # the live preview
    author.get_by_role("button", name="Save the draft").click()
    assert author.get_by_text("Draft saved.").is_visible()

    author.goto("/studio/courses/basic")
    author.get_by_role("button", name="Publish this draft").click()
    assert author.get_by_text("Published: learners see the new version now.").is_visible()

    reader = open_page("phone", javascript=False, who="employee")
    reader.goto("/courses/basic/start-small")
    assert reader.locator("main strong", has_text=ADDED).is_visible()


def test_preview_works_without_javascript(open_page):
    author = open_page("phone", javascript=False, who="author")
    author.goto(LESSON)
    author.get_by_label("Text (Markdown)").fill("## Heading\n\nSome **bold** words.")
    author.get_by_role("button", name="Preview").click()
    assert author.locator("#lesson-preview h2", has_text="Heading").is_visible()
    assert author.locator("#lesson-preview strong", has_text="bold").is_visible()

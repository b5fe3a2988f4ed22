"""An admin checks a real Moodle GIFT export in the browser, on a phone: the preview shows the
questions by type and the ones a certification quiz cannot take, with their reason, and publishes
nothing. The preview page passes the same checks as every main page."""
from pathlib import Path

import pytest

from . import checks
from .journeys import query

pytestmark = pytest.mark.e2e

MOODLE = Path(__file__).resolve().parents[1] / "quizzes" / "fixtures" / "moodle"


def test_an_admin_previews_a_moodle_export_on_a_phone(open_page, live_app):
    versions = query(live_app, "SELECT count(*) FROM quiz_version")[0][0]
    page = open_page("phone", who="admin")
    page.goto("/studio/banks/basic")
    page.locator("input#file").set_input_files(str(MOODLE / "moodle_export_shapes.gift"))
    page.get_by_role("button", name="Check the file").click()
    assert page.locator("main h1").inner_text() == "Check the quiz file"
    main = page.locator("main").inner_text()
    assert "8 questions read." in main and "Essay (1)" in main and "Description (1)" in main
    assert "A certification quiz cannot grade essay questions" in main
    assert page.get_by_role("button", name="Publish these questions as a new version").count() == 0
    problems = checks.audit(page, page.url, phone=True)
    assert not problems, "\n".join(problems)
    assert query(live_app, "SELECT count(*) FROM quiz_version")[0][0] == versions

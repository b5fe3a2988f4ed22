"""Every main page (pages.py) at phone and desktop size, and without JavaScript."""
import pytest

from . import checks
from .pages import PAGES

pytestmark = pytest.mark.e2e


def _page_id(main_page):
    return main_page.name.replace(" ", "-").replace("'", "")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("main_page", PAGES, ids=_page_id)
def test_main_page_passes_the_checks(open_page, main_page, viewport):
    page = open_page(viewport, who=main_page.who)
    path = main_page.resolve(page)
    problems = checks.audit(page, path, phone=viewport == "phone", expected_status=main_page.status)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("main_page", PAGES, ids=_page_id)
def test_main_page_shows_its_content_without_javascript(open_page, main_page):
    page = open_page("phone", javascript=False, who=main_page.who)
    path = main_page.resolve(page)
    response = page.goto(path)
    assert response.status == main_page.status
    heading = page.locator("main h1")
    assert heading.count() == 1 and heading.inner_text().strip(), f"{path} shows no heading without JavaScript"
    assert checks.horizontal_overflow(page) is None

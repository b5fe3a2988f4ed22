"""Logging in and out in a real browser, on a phone and a laptop, with and without JavaScript."""
import pytest

from .conftest import log_in
from .pages import ROLE_HOMES

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("role", sorted(ROLE_HOMES))
def test_each_role_logs_in_and_lands_on_its_home(open_page, live_app, role, viewport):
    page = open_page(viewport)
    log_in(page, live_app.email(role), live_app.password)
    assert page.url == live_app.url + ROLE_HOMES[role]
    assert page.get_by_role("button", name="Log out").is_visible()


def test_a_wrong_password_says_so_and_stays_on_the_login_page(open_page, live_app):
    page = open_page("phone")
    log_in(page, live_app.email("employee"), "not the password", expect_success=False)
    assert page.url.endswith("/login")
    assert page.get_by_text("That e-mail address and password do not match").is_visible()


def test_a_visitor_is_sent_to_log_in_and_then_back_to_the_page_asked_for(open_page, live_app):
    page = open_page("phone")
    page.goto("/hr")
    assert "/login" in page.url
    page.get_by_label("E-mail").fill(live_app.email("hr"))
    page.get_by_label("Password", exact=True).fill(live_app.password)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_url(live_app.url + "/hr")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_logging_out_ends_the_session_even_for_a_copied_cookie(open_context, live_app, javascript):
    context = open_context("phone", javascript=javascript)
    page = context.new_page()
    log_in(page, live_app.email("leaver"), live_app.password)
    copied = context.cookies()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login")
    assert page.get_by_text("You are logged out.").is_visible()

    thief = open_context("phone", javascript=javascript)
    thief.add_cookies(copied)
    stolen = thief.new_page()
    stolen.goto(ROLE_HOMES["employee"])
    assert "/login" in stolen.url, "a cookie copied before logging out must stop working"


def test_the_language_switch_works_without_javascript(open_page):
    page = open_page("phone", javascript=False)
    page.goto("/login")
    page.get_by_label("Language").select_option("nl")
    page.get_by_role("button", name="Change").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "nl"
    page.get_by_label("Taal").select_option("en")
    page.locator("footer").get_by_role("button").click()
    assert page.locator("html").get_attribute("lang") == "en"

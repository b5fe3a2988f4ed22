"""The second factor in a real browser, on a phone: the enrolment page (QR code as inline SVG, the
key as text) passes the page checks (axe, tap targets, width, budget), a first code turns it on and
shows the recovery codes, and the next sign-in asks for a code after the password. The pages have
no script of their own; the checks need JavaScript to run axe."""
import time

import pyotp
import pytest

from . import checks
from .conftest import log_in
from .journeys import fresh_person

pytestmark = pytest.mark.e2e


def _code(secret: str, steps_ahead: int = 0) -> str:
    return pyotp.TOTP(secret).generate_otp(int(time.time()) // 30 + steps_ahead)


def test_a_person_turns_on_a_second_factor_and_signs_in_with_it(open_context, live_app):
    email, _ = fresh_person(live_app, "twofactor")
    page = open_context("phone").new_page()
    log_in(page, email, live_app.password)
    problems = checks.audit(page, "/account/second-factor", phone=True)
    assert not problems, "\n".join(problems)
    assert page.locator("main .qr svg").count() == 1
    secret = page.locator("main code.secret").inner_text().replace(" ", "")
    page.get_by_label("Code").fill(_code(secret))
    page.get_by_role("button", name="Turn on").click()
    assert page.locator("main h1").inner_text() == "Your recovery codes"
    assert page.locator("main ul.codes li").count() == 10
    assert checks.horizontal_overflow(page) is None and not checks.small_tap_targets(page)
    assert not checks.axe_violations(page)

    page.get_by_role("button", name="Log out").click()
    log_in(page, email, live_app.password, expect_success=False)
    assert page.url.endswith("/login/code")
    assert not checks.axe_violations(page) and not checks.small_tap_targets(page)
    page.get_by_label("Code").fill(_code(secret, 1))  # the enrolment used this step's code
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Log out").is_visible()

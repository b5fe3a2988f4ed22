"""Browser tests: Playwright drives Debian's Chromium against a real gunicorn serving the app.

One server per test session, over its own SQLite file built from the models, the curriculum
(`flask content sync content`, once that command exists) and the demo people (`flask demo`).
It is configured through environment variables only (E2E_ENV below); the app has no test
switches. Playwright is imported lazily, so `make test` collects this folder without it.
"""
from __future__ import annotations

import re
import secrets
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bench.liveserver import (ROOT, Server, add_person, base_env, content_with_quiz_settings, demo_email,
                              prepare_database)

CHROMIUM = "/usr/bin/chromium"
# Never `playwright install`: Debian's Chromium, without the calls home that this network refuses.
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}
RESULTS = ROOT / "test-results"

# Settings the e2e server runs with, as a deployment would set them.
E2E_ENV: dict[str, str] = {}
# The curriculum is synced from a copy of content/ with these [quiz] settings changed, as an
# organisation would edit its course files: a cooldown of seconds instead of a day, so a journey
# can fail the quiz, wait, and pass.
E2E_QUIZ_SETTINGS = {"cooldown_hours": "0.001"}  # 3.6 seconds

# People besides the demo logins, for tests that must not disturb the shared logins
# (logging out rotates a person's session token, which ends their other sessions).
EXTRA_PEOPLE = {"leaver": ("leaver@demo.example", "Lee Leaver", "employee"),
                "newcomer": ("newcomer@demo.example", "Nina Newcomer", "employee")}


@dataclass
class LiveApp:
    url: str
    password: str
    server: Server
    notes: list[str] = field(default_factory=list)

    def email(self, who: str) -> str:
        return EXTRA_PEOPLE[who][0] if who in EXTRA_PEOPLE else demo_email(who)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory) -> LiveApp:
    workdir = tmp_path_factory.mktemp("e2e")
    RESULTS.mkdir(exist_ok=True)
    content = content_with_quiz_settings(workdir / "content", E2E_QUIZ_SETTINGS)
    env = base_env("sqlite:///" + str(workdir / "e2e.sqlite3"), CONTENT_PATH=str(content), **E2E_ENV)
    prepared = prepare_database(env, password=secrets.token_urlsafe(12), content=content)
    for email, name, roles in EXTRA_PEOPLE.values():
        add_person(env, email, name, roles, prepared.password)
    log = RESULTS / "e2e-server.log"
    log.unlink(missing_ok=True)
    server = Server(env, workers=2, threads=4, log_path=log).start()
    # The background worker beside gunicorn, as `make run` and the systemd units start it.
    worker_log = open(RESULTS / "e2e-worker.log", "w")
    worker = subprocess.Popen([sys.executable, "-m", "flask", "worker", "--workers", "2"], env=env,
                              stdout=worker_log, stderr=subprocess.STDOUT)
    try:
        yield LiveApp(server.url, prepared.password, server, prepared.notes)
    finally:
        worker.terminate()
        worker.wait(30)
        worker_log.close()
        server.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install chromium` (make e2e and .ci/run do).")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# -- contexts: one per browser "person", every request checked to stay on this machine ------------

class OffsiteGuard:
    """Routes every request: 127.0.0.1 goes through, anything else is refused and remembered."""

    def __init__(self):
        self.offsite: list[str] = []

    def __call__(self, route):
        url = route.request.url
        if url.startswith(("data:", "blob:")) or re.match(r"^https?://127\.0\.0\.1(:\d+)?/", url):
            route.continue_()
        else:
            self.offsite.append(url)
            route.abort("blockedbyclient")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


def _screenshot_name(nodeid: str, index: int) -> Path:
    return RESULTS / (re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid).strip("_")[:150] + f"-{index}.png")


@pytest.fixture(scope="session")
def _storage_states():
    return {}


@pytest.fixture
def open_context(request, browser, live_app, _storage_states):
    """open_context(viewport="phone", javascript=True, who=None) -> a new browser context.

    `who` (a demo role such as "employee", or an EXTRA_PEOPLE name) starts logged in: each person
    logs in through the form once per session, later contexts reuse the cookies. On failure every
    open page is saved as a screenshot under test-results/; a request to any host but 127.0.0.1
    fails the test."""
    contexts, guards = [], []

    def _open(viewport: str = "phone", javascript: bool = True, who: str | None = None, storage_state=None):
        phone = viewport == "phone"
        if who and storage_state is None:
            storage_state = _storage_states.get(who) or _log_in_once(who)
        context = browser.new_context(
            base_url=live_app.url, viewport=VIEWPORTS[viewport], is_mobile=phone, has_touch=phone,
            java_script_enabled=javascript, locale="en-GB", storage_state=storage_state,
        )
        guard = OffsiteGuard()
        context.route("**/*", guard)
        context.set_default_timeout(15_000)
        contexts.append(context)
        guards.append(guard)
        return context

    def _log_in_once(who: str):
        context = browser.new_context(base_url=live_app.url)
        page = context.new_page()
        log_in(page, live_app.email(who), live_app.password)
        _storage_states[who] = context.storage_state()
        context.close()
        return _storage_states[who]

    yield _open
    failed = getattr(request.node, "report_call", None) is not None and request.node.report_call.failed
    shot = 0
    for context in contexts:
        for page in context.pages:
            if failed:
                shot += 1
                try:
                    page.screenshot(path=str(_screenshot_name(request.node.nodeid, shot)), full_page=True)
                except Exception as error:  # a crashed page cannot be photographed; say so
                    print(f"screenshot failed: {error}")
        context.close()
    offsite = [url for guard in guards for url in guard.offsite]
    assert not offsite, f"requests left 127.0.0.1: {offsite}"


@pytest.fixture
def open_page(open_context):
    """open_page(viewport="phone", javascript=True, who=None) -> a page in a fresh context."""

    def _open(*args, **kwargs):
        return open_context(*args, **kwargs).new_page()

    return _open


def log_in(page, email: str, password: str, expect_success: bool = True):
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    if expect_success:
        assert not page.url.split("?")[0].endswith("/login"), f"{email} could not log in: {page.url}"
    return page

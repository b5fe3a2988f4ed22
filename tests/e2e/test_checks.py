"""The page checks themselves: each one finds the problem it is for (a check that cannot fail
would let every page through)."""
import pytest

from . import checks
from .conftest import OffsiteGuard

pytestmark = pytest.mark.e2e

FAKE = "http://127.0.0.1:9"  # answered by the test's own route; nothing listens there


@pytest.fixture
def bare_page(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def serve(page, html: str, headers: dict | None = None, path: str = "/page"):
    page.route(FAKE + "/**", lambda route: route.fulfill(
        status=200, body=html, headers={"Content-Type": "text/html; charset=utf-8", **(headers or {})}))
    return FAKE + path


def test_a_page_wider_than_the_phone_is_caught(bare_page):
    bare_page.set_content('<meta name="viewport" content="width=device-width"><div style="width:600px">wide</div>')
    assert "in a 360 px window" in checks.horizontal_overflow(bare_page)
    bare_page.set_content('<meta name="viewport" content="width=device-width"><p>fits</p>')
    assert checks.horizontal_overflow(bare_page) is None


def test_small_tap_targets_are_caught_and_links_in_sentences_are_not(bare_page):
    bare_page.set_content("""<meta name="viewport" content="width=device-width">
      <style>.big { min-height: 44px; min-width: 44px; } label { display: flex; min-height: 44px; }</style>
      <button>tiny</button>
      <button class="big">fine</button>
      <p><a href="/alone">standing alone</a></p>
      <p>Read <a href="/inline">our policy</a> before you post.</p>
      <label><input type="checkbox"> a checkbox with a tall label</label>
      <a href="/off" style="position:absolute; left:-999px">skip link, off-screen</a>""")
    small = checks.small_tap_targets(bare_page)
    assert any('button "tiny"' in s for s in small)
    assert any('a "standing alone"' in s for s in small)
    assert not any("fine" in s or "our policy" in s or "checkbox" in s or "skip" in s for s in small), small


def test_axe_reports_serious_problems(bare_page):
    bare_page.set_content('<html lang="en"><title>t</title><main><h1>x</h1><img src="data:,"><button></button></main></html>')
    found = " ".join(checks.axe_violations(bare_page))
    assert "image-alt" in found and "button-name" in found
    bare_page.set_content('<html lang="en"><title>t</title><main><h1>Fine</h1><p>Text.</p></main></html>')
    assert checks.axe_violations(bare_page) == []


def test_visit_counts_bytes_and_hears_the_content_security_policy(bare_page):
    html = "<!doctype html><title>t</title><script>1</script>" + "x" * 60_000
    url = serve(bare_page, html, {"Content-Security-Policy": "script-src 'self'"})
    visited = checks.visit(bare_page, url)
    assert visited.status == 200 and visited.bytes_by_type["document"] == len(html)
    assert "60" in checks.over_budget(visited)
    assert any(problem.startswith("CSP") for problem in visited.script_problems)


def test_a_request_to_another_host_is_refused_and_remembered(browser):
    context = browser.new_context()
    guard = OffsiteGuard()
    context.route("**/*", guard)
    page = context.new_page()
    page.route(FAKE + "/**", lambda route: route.fulfill(
        status=200, body='<img src="https://cdn.example.com/x.png" alt="">', headers={"Content-Type": "text/html"}))
    page.goto(FAKE + "/page")
    page.wait_for_load_state("load")
    context.close()
    assert guard.offsite == ["https://cdn.example.com/x.png"]

"""Checks every main page must pass (PRODUCT.md, Qualities), as plain functions over a Playwright page.

`audit(page, path)` visits a page and returns a list of problems in words (empty: all good).
Each check is also usable on its own in a journey, on whatever page the journey is on.

The rules, and why:
- No horizontal scrolling at phone size: the document is no wider than the window it was given.
- Tap targets of at least 44 x 44 CSS px (WCAG 2.5.5) for every visible link, button, input,
  select, textarea and summary. Two exceptions, as WCAG makes them:
  * a link inside running text (an inline link whose block also holds words that are not part of
    a link or button) is sized by the sentence around it;
  * a checkbox or radio button is measured together with its label, which is what a thumb hits.
  Elements off-screen (the skip link waits left of the page until focused) or hidden are skipped.
- axe-core finds nothing "serious" or "critical".
- HTML, CSS and JS together under 50 KB (50,000 bytes), counted as a first visit downloads them.
- No error from the Content Security Policy and no uncaught script error.
"""
from __future__ import annotations

from dataclasses import dataclass, field

PAGE_BUDGET_BYTES = 50_000
TAP_TARGET_PX = 44
AXE_IMPACTS = ("serious", "critical")
COUNTED_TYPES = ("document", "stylesheet", "script")

_TAP_TARGETS_JS = """
(minimum) => {
  const interactive = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]';
  // Only a plain inline link flows with the text; inline-block and inline-flex ones are boxes.
  const isInline = (el) => getComputedStyle(el).display === 'inline';
  const blockOf = (el) => { let b = el.parentElement; while (b && getComputedStyle(b).display.startsWith('inline')) b = b.parentElement; return b || document.body; };
  // Words in the block that belong to no link or button: the link is part of a sentence.
  const inRunningText = (el) => {
    if (el.tagName !== 'A' || !isInline(el)) return false;
    const block = blockOf(el).cloneNode(true);
    block.querySelectorAll('a, button, script, style').forEach((n) => n.remove());
    return /[\\p{L}\\p{N}]{2,}/u.test(block.textContent);
  };
  const box = (el) => {
    let r = el.getBoundingClientRect();
    if ((el.type === 'checkbox' || el.type === 'radio') && el.labels && el.labels.length) {
      const l = el.labels[0].getBoundingClientRect();
      const left = Math.min(r.left, l.left), top = Math.min(r.top, l.top);
      r = {left, top, width: Math.max(r.right, l.right) - left, height: Math.max(r.bottom, l.bottom) - top,
           right: Math.max(r.right, l.right), bottom: Math.max(r.bottom, l.bottom)};
    }
    return r;
  };
  const describe = (el) => {
    const name = (el.getAttribute('aria-label') || el.textContent || el.value || el.name || el.id || '').trim().replace(/\\s+/g, ' ');
    return el.tagName.toLowerCase() + (el.type && el.tagName === 'INPUT' ? '[' + el.type + ']' : '') + ' "' + name.slice(0, 40) + '"';
  };
  const small = [];
  for (const el of document.querySelectorAll(interactive)) {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= 0 || r.bottom <= 0) continue;  // hidden or off-screen
    if (inRunningText(el)) continue;
    const b = box(el);
    if (b.width < minimum - 0.5 || b.height < minimum - 0.5) {
      small.push(describe(el) + ' is ' + Math.round(b.width) + 'x' + Math.round(b.height) + ' px');
    }
  }
  return small;
}
"""


@dataclass
class Visit:
    """What the browser downloaded and complained about while showing one page."""

    status: int | None = None
    bytes_by_type: dict[str, int] = field(default_factory=dict)
    script_problems: list[str] = field(default_factory=list)

    @property
    def counted_bytes(self) -> int:
        return sum(self.bytes_by_type.values())


def visit(page, path: str) -> Visit:
    """Go to `path` in a fresh page and record sizes, CSP reports and script errors on the way."""
    result, responses = Visit(), []

    def on_console(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            result.script_problems.append(f"CSP: {message.text}")

    # Handlers only collect: reading a body inside an event handler would wait on the event loop.
    def on_response(response):
        responses.append(response)

    page.on("response", on_response)
    page.on("console", on_console)
    page.on("pageerror", lambda error: result.script_problems.append(f"script error: {error}"))
    response = page.goto(path, wait_until="load")
    result.status = response.status if response else None
    for seen in responses:
        kind = seen.request.resource_type
        if kind in COUNTED_TYPES and not (300 <= seen.status < 400):
            result.bytes_by_type[kind] = result.bytes_by_type.get(kind, 0) + _body_size(seen)
    page.remove_listener("response", on_response)
    return result


def _body_size(response) -> int:
    try:
        return len(response.body())
    except Exception:  # no body (aborted, or the page moved on): nothing was downloaded
        return 0


def horizontal_overflow(page) -> str | None:
    """On a phone, a page wider than the screen zooms out (window.innerWidth grows with it), so the
    document is compared with the layout viewport, the width the page was given."""
    scroll_width, layout_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    window_width = min(layout_width, page.viewport_size["width"]) if page.viewport_size else layout_width
    if scroll_width > window_width:
        return f"scrolls sideways: the page is {scroll_width} px wide in a {window_width} px window"
    return None


def small_tap_targets(page) -> list[str]:
    return page.evaluate(_TAP_TARGETS_JS, TAP_TARGET_PX)


def _axe_source() -> str:
    # axe-core as shipped inside the PyPI package axe-playwright-python (pinned in setup.cfg):
    # pip brings it with the other test tools, no npm step and no download at test time.
    from axe_playwright_python.base import AXE_FILE_PATH

    return AXE_FILE_PATH.read_text(encoding="utf-8")


def axe_violations(page, impacts=AXE_IMPACTS) -> list[str]:
    """axe-core's violations of the given impacts, one line each with the elements involved."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())  # evaluated by the browser's tooling, so the CSP allows it
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    lines = []
    for violation in results["violations"]:
        if violation["impact"] in impacts:
            where = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
            lines.append(f"axe {violation['impact']}: {violation['id']} ({violation['help']}) at {where}")
    return lines


def over_budget(visited: Visit, budget: int = PAGE_BUDGET_BYTES) -> str | None:
    if visited.counted_bytes >= budget:
        return f"{visited.counted_bytes} bytes of HTML+CSS+JS {visited.bytes_by_type}, budget {budget}"
    return None


def audit(page, path: str, *, phone: bool, expected_status: int = 200) -> list[str]:
    """Every check on one page; at desktop size the phone-only checks (width, taps) are left out."""
    visited = visit(page, path)
    problems = []
    if visited.status != expected_status:
        problems.append(f"status {visited.status}, expected {expected_status}")
    problems += visited.script_problems
    if budget := over_budget(visited):
        problems.append(budget)
    if phone:
        if overflow := horizontal_overflow(page):
            problems.append(overflow)
        problems += [f"tap target too small: {small}" for small in small_tap_targets(page)]
    problems += axe_violations(page)
    return [f"{path}: {problem}" for problem in problems]

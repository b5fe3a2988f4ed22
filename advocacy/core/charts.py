"""Charts drawn by the server as SVG: no script, no style attributes (the CSP forbids inline
style), only presentation attributes. Every chart is shown next to a table with its numbers,
so the SVG itself is decorative for screen readers (aria-hidden) and the table is the source."""
from __future__ import annotations

from markupsafe import Markup, escape

WIDTH = 320
ROW = 28
LABEL_WIDTH = 120
BAR_COLOUR = "#0b5cad"
TRACK_COLOUR = "#e3e7ec"
MARK_COLOUR = "#a4161a"
TEXT_COLOUR = "#1c1f24"


def shorten(text: str, length: int = 18) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def bar_chart(items: list[tuple[str, float]], *, maximum: float | None = None, unit: str = "") -> Markup:
    """Horizontal bars: one (label, value) per row, scaled to `maximum` (default: the largest value)."""
    if not items:
        return Markup("")
    top = maximum or max((value for _, value in items), default=0) or 1
    bar_space = WIDTH - LABEL_WIDTH - 48
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {ROW * len(items) + 4}" '
             f'aria-hidden="true" focusable="false" font-family="system-ui, sans-serif" font-size="12">']
    for index, (label, value) in enumerate(items):
        y = index * ROW + 4
        length = max(0.0, min(1.0, (value or 0) / top)) * bar_space
        parts.append(f'<text x="0" y="{y + 15}" fill="{TEXT_COLOUR}">{escape(shorten(str(label)))}</text>')
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{bar_space}" height="16" fill="{TRACK_COLOUR}"/>')
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{length:.1f}" height="16" fill="{BAR_COLOUR}"/>')
        parts.append(f'<text x="{LABEL_WIDTH + bar_space + 4}" y="{y + 15}" fill="{TEXT_COLOUR}">'
                     f'{escape(format_number(value))}{escape(unit)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def progress_chart(baseline: float, current: float | None, target: float) -> Markup:
    """A goal's track from baseline to target, with the current value marked on it."""
    low, high = min(baseline, target, current if current is not None else baseline), \
        max(baseline, target, current if current is not None else target)
    span = (high - low) or 1
    inner = WIDTH - 20

    def x(value):
        return 10 + (value - low) / span * inner

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} 56" aria-hidden="true" '
             f'focusable="false" font-family="system-ui, sans-serif" font-size="12">',
             f'<rect x="10" y="20" width="{inner}" height="12" fill="{TRACK_COLOUR}"/>']
    if current is not None:
        start, end = sorted((x(baseline), x(current)))
        parts.append(f'<rect x="{start:.1f}" y="20" width="{end - start:.1f}" height="12" fill="{BAR_COLOUR}"/>')
    for value, colour in ((baseline, TEXT_COLOUR), (target, MARK_COLOUR)):
        parts.append(f'<line x1="{x(value):.1f}" y1="14" x2="{x(value):.1f}" y2="38" stroke="{colour}" '
                     'stroke-width="2"/>')
    parts.append(f'<text x="10" y="52" fill="{TEXT_COLOUR}">{escape(format_number(baseline))}</text>')
    parts.append(f'<text x="{WIDTH - 10}" y="52" text-anchor="end" fill="{MARK_COLOUR}">'
                 f'{escape(format_number(target))}</text>')
    if current is not None:
        parts.append(f'<text x="{x(current):.1f}" y="11" text-anchor="middle" fill="{BAR_COLOUR}">'
                     f'{escape(format_number(current))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def format_number(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return f"{int(value)}"

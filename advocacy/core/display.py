"""The one way dates, times and numbers are shown: in the organisation's time zone and the
reader's language, the same shape on every page, in every mail and every CSV.

    when(moment)   3 Mar 2026, 10:00        (nl: 3 mrt 2026, 10:00)
    day(moment)    3 Mar 2026               a date, or the day of a moment in the organisation's zone
    number(x, 1)   1,234.5                  (nl: 1.234,5)
    time_tag(...)  <time datetime="2026-03-03">3 Mar 2026</time>: the same, machine-readable too
    csv_when(...)  2026-03-03 10:00         CSV cells: sortable, in the organisation's zone
Templates get them as filters (`|when`, `|day`, `|number`) and globals (`time_tag`, `zone_name`).
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from flask import Flask, g, has_request_context
from flask_babel import get_locale
from markupsafe import Markup, escape

from advocacy.core.settings import organisation_settings

WHEN_PATTERN = "d MMM y, HH:mm"
DAY_PATTERN = "d MMM y"


def organisation_zone() -> ZoneInfo:
    """The organisation's time zone (from the settings every process keeps; UTC if it is not a
    zone this machine knows)."""
    if has_request_context() and "display_zone" in g:
        return g.display_zone
    try:
        zone = ZoneInfo(organisation_settings().timezone)
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    if has_request_context():
        g.display_zone = zone
    return zone


def zone_name() -> str:
    return organisation_zone().key


def _locale():
    return get_locale() or "en"


def in_zone(moment: datetime) -> datetime:
    return moment.astimezone(organisation_zone())


def when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return format_datetime(moment, WHEN_PATTERN, tzinfo=organisation_zone(), locale=_locale())


def day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = in_zone(value).date()
    return format_date(value, DAY_PATTERN, locale=_locale())


def number(value, digits: int = 0) -> str:
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_locale())


def iso(value: date | datetime) -> str:
    """The machine-readable form: a date as YYYY-MM-DD, a moment in the organisation's zone."""
    if isinstance(value, datetime):
        return in_zone(value).isoformat(timespec="minutes")
    return value.isoformat()


def time_tag(value: date | datetime | None) -> Markup:
    """<time datetime="...">shown</time>, a moment with its time, a date without."""
    if value is None:
        return Markup("")
    shown = when(value) if isinstance(value, datetime) else day(value)
    return Markup(f'<time datetime="{escape(iso(value))}">{escape(shown)}</time>')


def input_value(moment: datetime | None) -> datetime | None:
    """For a datetime-local field: the naive wall-clock time in the organisation's zone."""
    return in_zone(moment).replace(tzinfo=None) if moment else None


def csv_when(moment: datetime) -> str:
    return in_zone(moment).strftime("%Y-%m-%d %H:%M")


def init_app(app: Flask) -> None:
    app.add_template_filter(when, "when")
    app.add_template_filter(day, "day")
    app.add_template_filter(number, "number")
    app.add_template_global(time_tag, "time_tag")
    app.add_template_global(zone_name, "zone_name")

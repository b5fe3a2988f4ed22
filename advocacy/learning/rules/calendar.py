"""Calendar files (iCalendar, RFC 5545): the one shape of an entry, and the file made from entries.

An entry is a due date (a day: an all-day event) or a certification's expiry (a moment: a timed
event in the organisation's time zone, written with TZID and the matching VTIMEZONE). Its UID is
fixed per (view, person, tier, kind), so a calendar app that fetches the feed again updates the
event instead of adding a second one. SEQUENCE is derived from LAST-MODIFIED (the moment the data
behind the entry last changed: a new certification, HR's date, the tier opening), so it rises
whenever the event moves, without keeping any state: reading a feed writes nothing.

Pure: no Flask, no database. The texts arrive translated (learning/services/calendar.py).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, vDuration

PRODID = "-//Advocacy//Calendar//EN"
ALARM_BEFORE = timedelta(days=3)
REFRESH = timedelta(hours=12)
# SEQUENCE counts seconds since this moment: an INTEGER (32 bits) until 2088.
_SEQUENCE_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
# The VTIMEZONE covers the entries' years with a year to spare on each side.
_ZONE_MARGIN = timedelta(days=366)


@dataclass(frozen=True)
class Entry:
    uid: str
    when: date | datetime       # a date: all-day; a datetime (aware): a moment
    summary: str
    description: str
    url: str
    modified: datetime          # aware; when what the entry shows last changed
    alarm: str                  # the reminder's text
    category: str


def sequence_of(modified: datetime) -> int:
    return max(0, int((modified - _SEQUENCE_EPOCH).total_seconds()))


def uid_for(view: str, person_id: int, tier: str, kind: str, host: str) -> str:
    """`view` tells a person's own feed ("me") from a department's or a team's, so one calendar
    app holding both never sees the same UID twice."""
    return f"{kind}-{tier}-{person_id}-{view}@{host}"


def _event(entry: Entry, zone: ZoneInfo) -> Event:
    event = Event()
    event.add("uid", entry.uid)
    modified = entry.modified.astimezone(UTC)
    # Without METHOD, DTSTAMP is the same as LAST-MODIFIED (RFC 5545 3.8.7.2): the file is then
    # the same bytes until the data changes.
    event.add("dtstamp", modified)
    event.add("last-modified", modified)
    event.add("sequence", sequence_of(entry.modified))
    if isinstance(entry.when, datetime):
        event.add("dtstart", entry.when.astimezone(zone))  # ends when it starts: a moment
    else:
        event.add("dtstart", entry.when)
        event.add("dtend", entry.when + timedelta(days=1))
    event.add("summary", entry.summary)
    event.add("description", entry.description)
    event.add("url", entry.url)
    event.add("categories", [entry.category])
    event.add("transp", "TRANSPARENT")  # a deadline, not a meeting: it keeps nobody busy
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", entry.alarm)
    alarm.add("trigger", -ALARM_BEFORE)
    event.add_component(alarm)
    return event


def calendar_file(name: str, zone_name: str, entries: Iterable[Entry], today: date) -> bytes:
    """The whole feed, entries in date order."""
    zone = ZoneInfo(zone_name)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", zone_name)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))  # written as PT12H, as Outlook reads it
    days = [today]
    for entry in sorted(entries, key=lambda e: (_day(e.when, zone), e.uid)):
        cal.add_component(_event(entry, zone))
        days.append(_day(entry.when, zone))
    if zone_name != "UTC":
        cal.add_missing_timezones(first_date=min(days) - _ZONE_MARGIN, last_date=max(days) + _ZONE_MARGIN)
    return cal.to_ical()


def _day(when: date | datetime, zone: ZoneInfo) -> date:
    return when.astimezone(zone).date() if isinstance(when, datetime) else when

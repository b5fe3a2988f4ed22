"""Calendar feeds: a person's secret address (made and renewed here), and the entries of a feed,
in the reader's language, from the same rules Learn and HR's lists use (learning/standing.py,
learning/rules/validity.py). learning/rules/calendar.py writes the file.

    own feed      /calendar/<token>.ics (no session: calendar apps fetch without cookies) and
                  /learn/calendar.ics (signed in): the person's due dates and expiries
    HR's feed     reports/calendar.py: the same entries for a department or a team, with names
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from advocacy.core.audit import record
from advocacy.core.clock import utcnow
from advocacy.core.db import db
from advocacy.core.organisation import User
from advocacy.core.settings import organisation_settings
from advocacy.learning.catalogue import catalogue
from advocacy.learning.models.calendar import CalendarFeed
from advocacy.learning.models.progress import DueDate
from advocacy.learning.record import learner_record
from advocacy.learning.rules.calendar import ALARM_BEFORE, Entry, calendar_file, uid_for
from advocacy.learning.rules.validity import CertificationState, states_from
from advocacy.learning.standing import due_dates_for
from advocacy.learning.tiers import TIERS, tier_label

TOKEN_BYTES = 32


# -- the secret address ---------------------------------------------------------------------------

def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def renew_address(user: User) -> str:
    """A new secret token for `user` (the raw value, shown once; only its hash is kept). Any address
    made before stops working."""
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    feed = db.session.get(CalendarFeed, user.id)
    if feed is None:
        db.session.add(CalendarFeed(user_id=user.id, token_hash=token_hash(raw), created_at=utcnow()))
    else:
        feed.token_hash, feed.created_at = token_hash(raw), utcnow()
    db.session.flush()
    record("calendar.address.renewed", f"calendar address for person #{user.id}", subject_id=user.id)
    return raw


def address_made_at(user_id: int) -> datetime | None:
    return db.session.scalar(select(CalendarFeed.created_at).where(CalendarFeed.user_id == user_id))


def person_for_token(raw: str) -> User | None:
    """The active person whose current address has this token; None for anything else (unknown,
    renewed since, a leaver, malformed)."""
    if not raw or len(raw) > 100:
        return None
    digest = token_hash(raw)
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == digest))
    if feed is None or not hmac.compare_digest(feed.token_hash, digest):
        return None
    person = db.session.get(User, feed.user_id)
    return person if person is not None and person.is_active else None


def forget_address(user_id: int) -> None:
    """On erasure: the address goes with the person."""
    feed = db.session.get(CalendarFeed, user_id)
    if feed is not None:
        db.session.delete(feed)


def subscription_url(raw: str) -> str:
    return absolute(url_for("calendar.subscription", token=raw))


# -- the entries ----------------------------------------------------------------------------------

@dataclass
class PersonDates:
    """What one person's entries are made of."""

    person_id: int
    name: str
    department: str | None
    due: Mapping[str, date | None]                       # tier -> due day (None: not open)
    due_changed: Mapping[str, datetime]                  # tier -> when that day last changed
    certifications: Mapping[str, CertificationState]     # tier -> the certification that matters
    held: set[str] = field(default_factory=set)          # tiers with a valid certification


def absolute(path: str) -> str:
    return current_app.config["PUBLIC_URL"] + path


def host() -> str:
    return urlsplit(current_app.config["PUBLIC_URL"]).hostname or "advocacy"


def course_link(tier: str) -> str:
    """The first course of the tier, else Learn's home page."""
    course = next((c for c in catalogue().courses if c.tier == tier), None)
    return absolute(url_for("courses.course", slug=course.slug) if course else url_for("courses.home"))


def due_changed_at(tier: str, created_at: datetime, basic_passed: datetime | None,
                   approved: Mapping[str, datetime | None], set_at: datetime | None) -> datetime:
    """When a tier's due day last changed: HR setting it, else the latest moment it depends on
    (the account, the first basic pass, the grant). A start date HR changes has no moment of its
    own; the feed's SEQUENCE then stays, and apps still show the new day on their next fetch."""
    if set_at is not None:
        return set_at
    moments = [created_at]
    if tier != "basic" and basic_passed is not None:
        moments.append(basic_passed)
    if approved.get(tier) is not None:
        moments.append(approved[tier])  # type: ignore[arg-type]
    return max(moments)


def entries_for(person: PersonDates, view: str, link: Callable[[PersonDates, str], str],
                named: bool) -> list[Entry]:
    """A due entry per tier that is open and not held, an expiry entry per tier certified (valid or
    expired; revoked ones do not count). `named`: for HR, with the person's name in every text."""
    entries, where = [], host()
    days = ALARM_BEFORE.days
    for tier in TIERS:
        label, url = tier_label(tier), link(person, tier)
        due = person.due.get(tier)
        if due is not None and tier not in person.held:
            if named:
                summary = _("%(name)s: %(tier)s course due", name=person.name, tier=label)
                text = _("%(name)s (%(department)s) completes the %(tier)s course and passes its quiz by this day.",
                         name=person.name, department=person.department or _("No department"), tier=label)
                alarm = _("%(name)s: the %(tier)s course is due in %(days)d days.", name=person.name, tier=label,
                          days=days)
            else:
                summary = _("%(tier)s course due", tier=label)
                text = _("Complete the %(tier)s course and pass its quiz by this day.", tier=label)
                alarm = _("Your %(tier)s course is due in %(days)d days.", tier=label, days=days)
            entries.append(Entry(uid_for(view, person.person_id, tier, "due", where), due, summary,
                                 f"{text}\n\n{url}", url, person.due_changed[tier], alarm, _("Due date")))
        state = person.certifications.get(tier)
        if state is not None:
            if named:
                summary = _("%(name)s: %(tier)s certification expires", name=person.name, tier=label)
                text = _("The %(tier)s certification of %(name)s (%(department)s) stops being valid at this "
                         "moment.", name=person.name, department=person.department or _("No department"),
                         tier=label)
                alarm = _("%(name)s: the %(tier)s certification expires in %(days)d days.", name=person.name,
                          tier=label, days=days)
            else:
                summary = _("%(tier)s certification expires", tier=label)
                text = _("Your %(tier)s certification stops being valid at this moment. Pass the quiz again "
                         "before then to renew it.", tier=label)
                alarm = _("Your %(tier)s certification expires in %(days)d days.", tier=label, days=days)
            entries.append(Entry(uid_for(view, person.person_id, tier, "expiry", where), state.expires_at,
                                 summary, f"{text}\n\n{url}", url, state.passed_at, alarm, _("Certification")))
    return entries


def own_dates(user: User, now: datetime) -> PersonDates:
    """The person's own dates, from their record (one query) and HR's dates (one more)."""
    rec = learner_record(user.id)
    set_at = dict(db.session.execute(select(DueDate.tier, DueDate.set_at).where(DueDate.user_id == user.id)).all())
    basic_passed = min((c.passed_at for c in rec.certifications if c.tier == "basic"), default=None)
    approved = {tier: g.decided_at for tier, g in rec.grants.items() if g.status == "approved"}
    created = user.created_at or now
    states = states_from(rec.certifications, now)
    return PersonDates(
        user.id, user.name, user.department.name if user.department else None, due_dates_for(user, rec),
        {tier: due_changed_at(tier, created, basic_passed, approved, set_at.get(tier)) for tier in TIERS},
        states, {tier for tier, state in states.items() if state.valid})


def own_feed(user: User, now: datetime) -> bytes:
    entries = entries_for(own_dates(user, now), "me", lambda _person, tier: course_link(tier), named=False)
    return feed_file(_("Social media training: %(name)s", name=user.name), entries, now)


def feed_file(name: str, entries: Iterable[Entry], now: datetime) -> bytes:
    return calendar_file(name, organisation_settings().timezone, entries, now.date())


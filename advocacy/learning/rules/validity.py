"""When a certification counts: the one rule, in Python and as the SQL expression reports use.

A certification is valid from the moment it was passed until it expires, unless it was revoked.
`is_valid` is the rule over plain values; `valid_sql` the same rule over columns (the
Certification model's hybrid `is_valid_at` uses both, and tests check they agree). Everything a
page needs from a person's certifications is derived here from loaded rows: the tiers held, the
state per tier, the tiers whose certification expired.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_


def is_valid(passed_at: datetime, expires_at: datetime, revoked_at: datetime | None, now: datetime) -> bool:
    return revoked_at is None and passed_at <= now < expires_at


def valid_sql(passed_at, expires_at, revoked_at, now):
    """is_valid over columns (and a bound `now`)."""
    return and_(revoked_at.is_(None), passed_at <= now, expires_at > now)


@dataclass(frozen=True)
class CertificationRow:
    """A certification as loaded for one person (learning/record.py)."""

    tier: str
    passed_at: datetime
    expires_at: datetime
    revoked_at: datetime | None

    def is_valid_at(self, now: datetime) -> bool:
        return is_valid(self.passed_at, self.expires_at, self.revoked_at, now)


@dataclass(frozen=True)
class CertificationState:
    """The certification that matters for a tier: the valid one, else the one that expired last."""

    valid: bool
    passed_at: datetime
    expires_at: datetime

    def expires_within(self, now: datetime, days: int) -> bool:
        return self.valid and (self.expires_at - now).days < days


def states_from(rows, now: datetime) -> dict[str, CertificationState]:
    """Per tier, the certification that matters. Revoked ones are ignored: they neither count nor
    'expire'."""
    states: dict[str, CertificationState] = {}
    for cert in rows:
        if cert.revoked_at is not None:
            continue
        state = CertificationState(cert.is_valid_at(now), cert.passed_at, cert.expires_at)
        best = states.get(cert.tier)
        if best is None or (state.valid, state.expires_at) > (best.valid, best.expires_at):
            states[cert.tier] = state
    return states


def valid_tiers(rows, now: datetime) -> set[str]:
    """The tiers held now."""
    return {cert.tier for cert in rows if cert.is_valid_at(now)}


def held_and_expired(rows, now: datetime) -> tuple[set[str], dict[str, datetime]]:
    """The tiers held now, and for tiers not held, when their certification expired, if it did.
    Revoked certifications count for neither."""
    tiers, expired = set(), {}
    for tier, state in states_from(rows, now).items():
        if state.valid:
            tiers.add(tier)
        elif state.expires_at <= now:
            expired[tier] = state.expires_at
    return tiers, expired

"""The one clock: every time in the app is aware UTC from utcnow().

Never call datetime.now() or use a database-side now(): freezegun cannot freeze the database.
"""
from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """An aware UTC datetime; naive input is refused so local times never sneak in."""
    if value.tzinfo is None:
        raise ValueError("naive datetime: use clock.utcnow() or attach a time zone")
    return value.astimezone(UTC)


class UTCDateTime(TypeDecorator):
    """Stores aware UTC; SQLite has no time zones, so it keeps naive UTC and gets it back aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = as_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

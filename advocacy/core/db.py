"""The database: the typed declarative base with stable constraint names, and one helper for
inserts that two requests may race on."""
from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, cast

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult, Engine
from sqlalchemy.orm import DeclarativeBase

# Constraint names are stable from the first migration on, so later migrations can drop them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

# Models subclass Model. Flask-SQLAlchemy makes db.Model at run time (a subclass of Base that
# names tables and binds the session); a type checker sees it as the typed Base it is built from.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model


def rows_changed(statement, params=None) -> int:
    """Run an UPDATE or DELETE and say how many rows it changed (the compare-and-set of
    exactly-once: "only if nobody did it yet")."""
    result = db.session.execute(statement, params)
    return cast(CursorResult, result).rowcount


def insert_ignoring_conflict(model, **values) -> int:
    """INSERT ... ON CONFLICT DO NOTHING on SQLite and PostgreSQL: concurrent requests never fail,
    and the database decides which one wins. Returns how many rows were inserted (0 or 1)."""
    session = db.session
    session.flush()  # what the row may refer to goes first
    connection = session.connection()
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    table = model.__table__
    statement = (dialect.insert(table).values(**values).on_conflict_do_nothing()
                 .returning(*table.primary_key.columns))
    # Count the rows RETURNING gives back: psycopg reports no row count (-1) for this statement.
    return len(connection.execute(statement).all())


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite: enforce foreign keys, let readers and a writer work at once, wait instead of failing."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA busy_timeout = 10000")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()


def insert_many_ignoring_conflicts(model, rows: list[dict], *returning) -> list[tuple]:
    """One INSERT ... ON CONFLICT DO NOTHING for many rows (SQLite and PostgreSQL); returns the
    `returning` columns of the rows that went in: the claims this caller won."""
    if not rows:
        return []
    session = db.session
    session.flush()
    connection = session.connection()
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(model.__table__).values(rows).on_conflict_do_nothing().returning(*returning)
    return [tuple(row) for row in connection.execute(statement).all()]

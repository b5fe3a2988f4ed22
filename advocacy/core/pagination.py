"""A page of rows (plain rows, not model objects, which db.paginate expects), with what the
`pager` macro reads. The page number is clamped to the pages there are."""
from __future__ import annotations

from flask import request
from sqlalchemy import func, select
from werkzeug.routing import IntegerConverter

from advocacy.core.db import db


class RowPage:
    def __init__(self, query, page: int, per_page: int = 50):
        self.total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
        self.pages = max(1, -(-self.total // per_page))
        self.page = min(max(1, page), self.pages)
        self.items = db.session.execute(query.limit(per_page).offset((self.page - 1) * per_page)).all()
        self.has_prev, self.has_next = self.page > 1, self.page < self.pages
        self.prev_num, self.next_num = self.page - 1, self.page + 1


MAX_PAGE = 100_000           # far beyond any list here; keeps OFFSET within every database's range
MAX_ID = 2**31 - 1           # the largest id a PostgreSQL integer column holds


def page_number(name: str = "page") -> int:
    """The page asked for in the query string: a whole number from 1 to MAX_PAGE (anything else,
    huge, negative or not a number, is the nearest page there is, never an error)."""
    return query_int(name, 1, 1, MAX_PAGE) or 1


def query_int(name: str, default: int | None, low: int, high: int) -> int | None:
    """A whole number from the query string, clamped to low..high; `default` when absent or not a
    number. Ids use high=MAX_ID, so a huge id is simply not found instead of overflowing."""
    value = request.args.get(name, type=int)
    if value is None:
        return default
    return min(max(value, low), high)


def query_id(name: str) -> int | None:
    """An id from the query string (None when absent, not a number or out of range)."""
    value = request.args.get(name, type=int)
    return value if value is not None and 1 <= value <= MAX_ID else None


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in a route, up to MAX_ID: a larger number in the path is simply not found (404)
    instead of overflowing a PostgreSQL integer (a 500)."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

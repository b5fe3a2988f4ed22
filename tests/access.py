"""The (route, role) -> status table that every route joins.

Each feature keeps a table in its own tests as a module-level `ACCESS` list of rows:

    Row("GET", "/hr", anon=302, employee=403, manager=403, hr=200, marketing=403, reviewer=403, admin=403)

`url` may be a function of the world (a dict with every role's person, `other_employee`, and
whatever the feature's `world` fixture adds) returning the path, for routes with ids in them.
`test_every_route_is_in_a_table.py` fails when a route of the app is in no table.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pytest

ROLES = ("anon", "employee", "manager", "hr", "marketing", "reviewer", "admin", "author", "webcare")


@dataclass
class Row:
    method: str
    url: str | Callable[[dict], str]
    expected: dict = field(default_factory=dict)
    data: dict | Callable[[dict], dict] | None = None
    rule: str | None = None  # the URL rule it covers, when `url` is a function

    def __init__(self, method, url, data=None, rule=None, **expected):
        self.method, self.url, self.data, self.rule = method, url, data, rule
        unknown = set(expected) - set(ROLES)
        assert not unknown, f"unknown roles in access row: {unknown}"
        self.expected = expected

    def covers(self) -> str:
        return self.rule or (self.url if isinstance(self.url, str) else "?")


def cases(table: list[Row]):
    """pytest parameters, one per (row, role) pair."""
    return [pytest.param(row, role, id=f"{row.method} {row.covers()} as {role}")
            for row in table for role in ROLES if role in row.expected]


def check(client, world: dict, row: Row, role: str) -> None:
    from .conftest import login

    if role != "anon":
        login(client, world[role])
    url = row.url(world) if callable(row.url) else row.url
    data = row.data(world) if callable(row.data) else row.data
    response = client.open(url, method=row.method, data=data)
    expected = row.expected[role]
    assert response.status_code == expected, f"{row.method} {url} as {role}: {response.status_code}, wanted {expected}"
    if role == "anon" and expected == 302:
        assert "/login" in response.headers["Location"], "anonymous visitors go to the login page"

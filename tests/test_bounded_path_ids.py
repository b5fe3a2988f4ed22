"""A number in a route's path beyond any integer column is simply not found, never a 500 (a
PostgreSQL integer overflows at 2**31 - 1)."""
from __future__ import annotations

import pytest

from advocacy.core.pagination import MAX_ID

from .conftest import login

PATHS = ["/feed/{n}", "/posts/{n}", "/review/{n}", "/people/{n}/transcript", "/analytics/posts/{n}",
         "/admin/roles/{n}", "/people/import/runs/{n}", "/hr/departments/{n}/calendar.ics"]


@pytest.mark.parametrize("path", PATHS)
def test_a_path_id_beyond_any_integer_column_is_not_found(client, admin, path):
    login(client, admin)
    assert client.get(path.format(n=MAX_ID + 1)).status_code == 404
    assert client.get(path.format(n=10**30)).status_code == 404


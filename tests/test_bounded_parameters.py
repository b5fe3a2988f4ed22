"""Numbers in the query string never cause an error page: a huge, negative or odd page number, or
an id beyond what the database holds, is the nearest sensible value (or simply not found)."""
from __future__ import annotations

import pytest

from .conftest import login

HUGE = "9" * 40
PAGES = ["/people", "/hr/policy", "/certifications", "/admin/audit", "/posts", "/feed", "/feed/mine", "/hr/overdue",
         "/team/overdue"]


@pytest.mark.parametrize("value", [HUGE, "-5", "0", "abc", "1e9", str(2**63)])
@pytest.mark.parametrize("path", PAGES)
def test_a_page_number_out_of_range_is_no_error(client, world, path, value):
    person = world["hr"] if not path.startswith(("/posts", "/feed", "/team", "/admin")) else None
    person = person or {"/posts": world["marketing"], "/admin/audit": world["admin"], "/team/overdue": world["manager"]}.get(
        path, world["employee"])
    login(client, person)
    response = client.get(f"{path}?page={value}")
    assert response.status_code == 200, (path, value, response.status_code)


@pytest.mark.parametrize("path", ["/people?department=", "/hr?department=", "/hr?manager="])
def test_an_id_beyond_the_database_s_range_is_no_error(client, world, path):
    login(client, world["hr"])
    assert client.get(path + HUGE).status_code == 200

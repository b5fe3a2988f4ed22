"""Who may open the quiz bank pages: authors and admins; everyone else 403, anonymous to login."""
import pytest

from ..access import Row, cases, check
from ..quizzes.factories import create_quiz_course

AUTHORS = dict(employee=403, manager=403, hr=403, marketing=403, reviewer=403, webcare=403, admin=200, author=200)
AUTHORS_POST = {**AUTHORS, "admin": 303, "author": 303}


@pytest.fixture
def world(world, tmp_path):
    create_quiz_course(tmp_path)
    return world


ACCESS = [
    Row("GET", "/studio/banks", anon=302, **AUTHORS),
    Row("GET", "/studio/banks/basic", rule="/studio/banks/<slug>", anon=302, **AUTHORS),
    Row("GET", "/studio/banks/unknown", rule="/studio/banks/<slug>", anon=302, author=404, admin=404, employee=403),
    Row("GET", "/studio/banks/basic/export.gift", rule="/studio/banks/<slug>/export.<kind>", anon=302, **AUTHORS),
    Row("GET", "/studio/banks/basic/export.xml", rule="/studio/banks/<slug>/export.<kind>", anon=302, **AUTHORS),
    Row("GET", "/studio/banks/basic/export.exe", rule="/studio/banks/<slug>/export.<kind>", anon=302, author=404),
    Row("POST", "/studio/banks/basic/upload", rule="/studio/banks/<slug>/upload", anon=302, **AUTHORS_POST),
    Row("GET", "/studio/banks/basic/upload/" + "x" * 43, rule="/studio/banks/<slug>/upload/<token>", anon=302,
        employee=403, author=404, admin=404),
    Row("POST", "/studio/banks/basic/upload/" + "x" * 43, rule="/studio/banks/<slug>/upload/<token>", anon=302,
        employee=403, author=404, admin=404),
    Row("GET", "/studio/banks/basic/analysis", rule="/studio/banks/<slug>/analysis", anon=302, **AUTHORS),
    Row("GET", "/studio/banks/basic/analysis.csv", rule="/studio/banks/<slug>/analysis.csv", anon=302, **AUTHORS),
]


@pytest.mark.parametrize("row, role", cases(ACCESS))
def test_access(client, world, row, role):
    check(client, world, row, role)

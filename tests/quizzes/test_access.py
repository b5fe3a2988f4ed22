import pytest

from advocacy.core.db import db
from advocacy.learning.models.quizzes import Certification

from ..access import Row, cases, check
from ..conftest import START
from .factories import create_quiz_course, start

EVERYONE = dict(employee=200, manager=200, hr=200, marketing=200, reviewer=200, admin=200)
HR_ONLY = dict(employee=403, manager=403, hr=200, marketing=403, reviewer=403, admin=403)
HR_POSTS = dict(employee=403, manager=403, hr=303, marketing=403, reviewer=403, admin=403)
OWNER_ONLY = dict(employee=200, manager=404, hr=404, marketing=404, reviewer=404, admin=404)
OWNER_POSTS = dict(employee=303, manager=404, hr=404, marketing=404, reviewer=404, admin=404)


@pytest.fixture
def world(world, tmp_path):
    """Adds the employee's open attempt and certification (the manager manages the employee)."""
    course = create_quiz_course(tmp_path)
    attempt = start(world["employee"], course)
    certification = Certification(user_id=world["employee"].id, tier="basic", passed_at=START,
                                  expires_at=START.replace(year=2099))
    db.session.add(certification)
    db.session.commit()
    return {**world, "attempt": attempt, "certification": certification}


ACCESS = [
    Row("GET", "/courses/basic/quiz", rule="/courses/<slug>/quiz", anon=302, **EVERYONE),
    Row("GET", "/courses/unknown/quiz", rule="/courses/<slug>/quiz", anon=302, employee=404, hr=404),
    Row("POST", "/courses/basic/quiz", rule="/courses/<slug>/quiz", anon=302, employee=303, manager=303, hr=303),
    Row("GET", lambda w: f"/attempts/{w['attempt'].id}", rule="/attempts/<int:attempt_id>", anon=302, **OWNER_ONLY),
    Row("GET", "/attempts/999999", rule="/attempts/<int:attempt_id>", anon=302, employee=404),
    Row("POST", lambda w: f"/attempts/{w['attempt'].id}", rule="/attempts/<int:attempt_id>", anon=302, **OWNER_POSTS),
    Row("GET", "/certificates", anon=302, **EVERYONE),
    Row("GET", lambda w: f"/verify/{w['certification'].code}", rule="/verify/<code>", anon=200, **EVERYONE),
    Row("GET", "/verify/unknown-code", rule="/verify/<code>", anon=404, employee=404),
    Row("GET", "/certifications", anon=302, **HR_ONLY),
    Row("GET", lambda w: f"/certifications/{w['certification'].id}", rule="/certifications/<int:certification_id>",
        anon=302, **HR_ONLY),
    Row("GET", "/certifications/999999", rule="/certifications/<int:certification_id>", anon=302, hr=404,
        employee=403),
    Row("POST", lambda w: f"/certifications/{w['certification'].id}/revoke", data={"reason": "Test"},
        rule="/certifications/<int:certification_id>/revoke", anon=302, **HR_POSTS),
]


@pytest.mark.parametrize("row, role", cases(ACCESS))
def test_access(client, world, row, role):
    check(client, world, row, role)

import pytest
from sqlalchemy import select

from advocacy.learning.models.goals import Goal
from advocacy.learning.models.progress import TierGrant
from advocacy.core.db import db

from ..access import Row, cases, check
from .factories import standard_tree, synced

EVERYONE = dict(employee=200, manager=200, hr=200, marketing=200, reviewer=200, admin=200)
EVERYONE_POSTS = dict(employee=302, manager=302, hr=302, marketing=302, reviewer=302, admin=302)
NOBODY = dict(employee=403, manager=403, hr=403, marketing=403, reviewer=403, admin=403)
GOAL_KEEPERS = dict(employee=403, manager=403, hr=403, marketing=200, reviewer=403, admin=200)
GOAL_KEEPERS_POST = dict(employee=403, manager=403, hr=403, marketing=302, reviewer=403, admin=302)
ADMIN_ONLY = dict(employee=403, manager=403, hr=403, marketing=403, reviewer=403, admin=200)
HR_ONLY = dict(employee=403, manager=403, hr=200, marketing=403, reviewer=403, admin=403)
HR_POSTS = dict(employee=403, manager=403, hr=302, marketing=403, reviewer=403, admin=403)
MARKETING_ONLY = dict(employee=403, manager=403, hr=403, marketing=200, reviewer=403, admin=403)
MARKETING_POSTS = dict(employee=403, manager=403, hr=403, marketing=302, reviewer=403, admin=403)

GOAL = dict(slug="new-goal", name="A goal", why="Because.", kpi="Count", unit="", measure="", baseline="0",
            baseline_date="2026-01-01", target="10")


@pytest.fixture
def world(app, world, tmp_path):
    """Adds the loaded test curriculum, a goal, an expert request and an advanced assignment."""
    synced(app, standard_tree(tmp_path / "content"))
    other = world["other_employee"]
    expert = TierGrant(user_id=other.id, tier="expert", status="requested")
    advanced = TierGrant(user_id=other.id, tier="advanced", status="approved")
    db.session.add_all([expert, advanced])
    db.session.commit()
    goal = db.session.scalar(select(Goal).where(Goal.slug == "reach"))
    return {**world, "goal": goal, "expert_request": expert}


ACCESS = [
    Row("GET", "/home", anon=302, **EVERYONE),
    Row("GET", "/courses/basic", rule="/courses/<slug>", anon=302, **EVERYONE),
    Row("GET", "/courses/advanced", rule="/courses/<slug>", anon=302, **EVERYONE),  # locked, but shown
    Row("GET", "/courses/nothing", rule="/courses/<slug>", anon=302, employee=404, admin=404),
    Row("GET", "/courses/basic/lesson-1", rule="/courses/<slug>/<lesson_slug>", anon=302, **EVERYONE),
    Row("GET", "/courses/advanced/lesson-1", rule="/courses/<slug>/<lesson_slug>", anon=302, **NOBODY),
    Row("GET", "/courses/basic/nothing", rule="/courses/<slug>/<lesson_slug>", anon=302, employee=404),
    Row("POST", "/courses/basic/lesson-1/done", rule="/courses/<slug>/<lesson_slug>/done", anon=302, **EVERYONE_POSTS),
    Row("POST", "/courses/advanced/lesson-1/done", rule="/courses/<slug>/<lesson_slug>/done", anon=302, **NOBODY),
    Row("POST", "/tiers/expert/request", anon=302, **EVERYONE_POSTS),
    Row("GET", "/why", anon=302, **EVERYONE),
    Row("GET", "/goals", anon=302, **GOAL_KEEPERS),
    Row("GET", "/goals/new", anon=302, **GOAL_KEEPERS),
    Row("POST", "/goals/new", data=GOAL, anon=302, **GOAL_KEEPERS_POST),
    Row("GET", lambda w: f"/goals/{w['goal'].id}/edit", rule="/goals/<int:goal_id>/edit", anon=302, **GOAL_KEEPERS),
    Row("POST", lambda w: f"/goals/{w['goal'].id}/edit", data={**GOAL, "slug": "reach"},
        rule="/goals/<int:goal_id>/edit", anon=302, **GOAL_KEEPERS_POST),
    Row("GET", "/goals/999999/edit", rule="/goals/<int:goal_id>/edit", anon=302, employee=403, admin=404),
    Row("POST", lambda w: f"/goals/{w['goal'].id}/measurements", data={"value": "3", "measured_on": "2026-02-01"},
        rule="/goals/<int:goal_id>/measurements", anon=302, **GOAL_KEEPERS_POST),
    Row("POST", "/goals/999999/measurements", rule="/goals/<int:goal_id>/measurements", anon=302, marketing=404),
    Row("POST", lambda w: f"/goals/{w['goal'].id}/retire", rule="/goals/<int:goal_id>/retire", anon=302,
        **GOAL_KEEPERS_POST),
    Row("POST", lambda w: f"/goals/{w['goal'].id}/restore", rule="/goals/<int:goal_id>/restore", anon=302,
        **GOAL_KEEPERS_POST),
    Row("POST", "/goals/999999/retire", rule="/goals/<int:goal_id>/retire", anon=302, admin=404),
    Row("GET", "/policy", anon=302, **EVERYONE),
    Row("POST", "/policy/acknowledge", data={"version": "1"}, anon=302, **EVERYONE_POSTS),
    Row("POST", "/policy/acknowledge", data={}, anon=302, employee=400),
    Row("GET", "/admin/policy/new", anon=302, **ADMIN_ONLY),
    Row("POST", "/admin/policy/new", data={"title": "T", "body": "B", "publish": "1"}, anon=302, employee=403,
        manager=403, hr=403, marketing=403, reviewer=403, admin=302),
    Row("GET", "/hr/policy", anon=302, **HR_ONLY),
    Row("GET", "/hr/advanced", anon=302, **HR_ONLY),
    Row("POST", "/hr/advanced", data={"email": "employee@example.com"}, anon=302, **HR_POSTS),
    Row("POST", lambda w: f"/hr/advanced/{w['other_employee'].id}/remove", rule="/hr/advanced/<int:user_id>/remove",
        anon=302, **HR_POSTS),
    Row("POST", "/hr/advanced/999999/remove", rule="/hr/advanced/<int:user_id>/remove", anon=302, hr=404),
    Row("GET", "/expert-requests", anon=302, **MARKETING_ONLY),
    Row("POST", lambda w: f"/expert-requests/{w['expert_request'].id}", data={"decision": "approve"},
        rule="/expert-requests/<int:grant_id>", anon=302, **MARKETING_POSTS),
    Row("POST", "/expert-requests/999999", data={"decision": "approve"}, rule="/expert-requests/<int:grant_id>",
        anon=302, marketing=404),
]


@pytest.mark.parametrize("row, role", cases(ACCESS))
def test_access(client, world, row, role):
    check(client, world, row, role)

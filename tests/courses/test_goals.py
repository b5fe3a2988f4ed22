"""Goals: the "why we're social" page, keeping goals, measurements and the measure registry."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from advocacy.learning.goals import GoalValue, current_value, measured_value
from advocacy.learning.models.goals import Goal, GoalMeasurement

from ..conftest import START, login
from ..factories import create_user
from .factories import certify, synced


def text(response) -> str:
    return response.get_data(as_text=True)


def goal(db, slug: str) -> Goal:
    return db.session.scalar(select(Goal).where(Goal.slug == slug))


GOAL_FORM = dict(slug="webcare", name="Answer fast", why="People watch how we answer.", kpi="Median hours to reply",
                 unit="hours", measure="", baseline="11", baseline_date="2026-01-01", target="2")


def test_why_page_lists_goals_with_progress_in_the_readers_language(client, db, curriculum, employee):
    talent = goal(db, "talent")
    talent.measurements.append(GoalMeasurement(value=25, measured_on=date(2026, 2, 1)))
    db.session.commit()
    login(client, employee)
    page = text(client.get("/why"))
    assert 'id="goal-talent"' in page and "Attract talent" in page
    assert "50% of the way from baseline to target" in page  # 10 -> 25 of 10 -> 40
    assert "1 Feb 2026" in page

    employee.language = "nl"
    db.session.commit()
    assert "Nieuwe mensen bereiken" in text(client.get("/why"))


@pytest.mark.parametrize("baseline, target, value, expected", [
    (10, 40, 25, 0.5), (11, 2, 5, 2 / 3), (0, 100, 150, 1.0), (0, 100, -5, 0.0), (0, 100, None, None),
])
def test_progress_runs_from_baseline_to_target_either_way(baseline, target, value, expected):
    progress = GoalValue(value, None, False).progress(Goal(baseline=baseline, target=target))
    assert progress == pytest.approx(expected) if expected is not None else progress is None


def test_certified_is_measured_by_the_app(db, employee, other_employee):
    certify(employee, "basic", START - timedelta(days=1))
    certify(employee, "advanced", START - timedelta(days=1))
    certify(other_employee, "basic", START - timedelta(days=800), months=12)  # expired
    gone = create_user("gone@example.com", "Gone")
    certify(gone, "basic", START - timedelta(days=1))
    gone.erased_at = START
    db.session.commit()
    certified = Goal(slug="c", name="n", kpi="k", measure="certified", baseline=0, baseline_date=date(2026, 1, 1),
                     target=10)
    assert measured_value(certified, START) == 1
    assert current_value(certified, START) == GoalValue(1, None, True)


def test_other_features_register_their_measures(db, monkeypatch):
    monkeypatch.setitem(current_app.extensions["advocacy.measures"], "shares", lambda goal, now: 42.0)
    shares = Goal(slug="s", name="n", kpi="k", measure="shares", baseline=0, baseline_date=date(2026, 1, 1), target=9)
    assert measured_value(shares, START) == 42.0
    hand = Goal(slug="h", name="n", kpi="k", measure=None, baseline=0, baseline_date=date(2026, 1, 1), target=9)
    assert measured_value(hand, START) is None


def test_a_measure_without_a_function_falls_back_to_the_latest_hand_entered_value(db, monkeypatch):
    monkeypatch.delitem(current_app.extensions["advocacy.measures"], "clicks", raising=False)  # as if no feature added it
    clicks = Goal(slug="c", name="n", kpi="k", measure="clicks", baseline=0, baseline_date=date(2026, 1, 1), target=9)
    clicks.measurements = [GoalMeasurement(value=3, measured_on=date(2026, 2, 1)),
                           GoalMeasurement(value=5, measured_on=date(2026, 3, 1)),
                           GoalMeasurement(value=4, measured_on=date(2026, 1, 15))]
    assert current_value(clicks, START) == GoalValue(5, date(2026, 3, 1), False)


def test_marketing_adds_a_goal_and_it_shows_on_the_why_page(client, db, marketing, employee):
    login(client, marketing)
    assert client.post("/goals/new", data=GOAL_FORM).status_code == 302
    created = goal(db, "webcare")
    assert (created.name, created.measure, created.target, created.edited_at is not None) == (
        "Answer fast", None, 2, True)
    login(client, employee)
    assert "Answer fast" in text(client.get("/why"))


def test_a_goal_form_with_mistakes_changes_nothing(client, db, admin, curriculum):
    login(client, admin)
    response = client.post("/goals/new", data={**GOAL_FORM, "slug": "reach", "target": "11"})
    page = text(response)
    assert response.status_code == 200 and "The target must differ from the baseline" in page
    response = client.post("/goals/new", data={**GOAL_FORM, "slug": "reach"})
    assert "Another goal already uses this short name" in text(response)
    response = client.post("/goals/new", data={**GOAL_FORM, "slug": "Bad Slug!"})
    assert "Use only a-z" in text(response)
    assert db.session.scalar(select(Goal).where(Goal.name == "Answer fast")) is None


def test_editing_a_goal_keeps_its_slug_drops_stale_translations_and_protects_it_from_sync(
        app, client, db, admin, curriculum):
    reach = goal(db, "reach")
    login(client, admin)
    response = client.post(f"/goals/{reach.id}/edit", data={**GOAL_FORM, "slug": "hacked", "name": "Reach, rewritten"})
    assert response.status_code == 302
    db.session.refresh(reach)
    assert (reach.slug, reach.name, reach.edited_at is not None, reach.texts) == ("reach", "Reach, rewritten", True, [])
    synced(app, curriculum)
    db.session.refresh(reach)
    assert reach.name == "Reach, rewritten"


def test_adding_a_measurement_and_retiring_and_restoring(client, db, marketing, employee, curriculum):
    talent = goal(db, "talent")
    login(client, marketing)
    client.post(f"/goals/{talent.id}/measurements", data={"value": "31", "measured_on": "2026-03-01"})
    assert [(m.value, m.measured_on) for m in talent.measurements] == [(31, date(2026, 3, 1))]
    assert "31" in text(client.get(f"/goals/{talent.id}/edit"))
    client.post(f"/goals/{talent.id}/measurements", data={"value": "lots", "measured_on": ""})
    db.session.refresh(talent)
    assert len(talent.measurements) == 1

    client.post(f"/goals/{talent.id}/retire")
    login(client, employee)
    assert 'id="goal-talent"' not in text(client.get("/why"))
    login(client, marketing)
    assert "Retired" in text(client.get("/goals"))
    client.post(f"/goals/{talent.id}/restore")
    login(client, employee)
    assert 'id="goal-talent"' in text(client.get("/why"))


def test_text_typed_into_a_goal_is_shown_as_text(client, db, marketing, employee):
    login(client, marketing)
    client.post("/goals/new", data={**GOAL_FORM, "name": "<script>alert(1)</script>", "why": "<b>bold</b>"})
    login(client, employee)
    page = text(client.get("/why"))
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>bold</b>" not in page

"""What each endpoint answers: the figures of the features' own read models, erased people as
former employees, no answers in attempts, pages by cursor that add up to the whole, filters by
department and date, and a refused filter as a 400 problem naming the parameter."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from advocacy.api.models import ApiToken
from advocacy.core import config
from advocacy.feed import stats

from ..conftest import START


def walk(api, path, limit, **query):
    """Every row of a list, page by page; the pages it took."""
    rows, pages, cursor = [], 0, None
    while True:
        answer = api.get(path, limit=limit, **({"cursor": cursor} if cursor else {}), **query)
        assert answer.status_code == 200, answer.get_json()
        body = answer.get_json()
        rows += body["data"]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return rows, pages
        assert pages < 100


def test_people_with_department_manager_status_roles_and_the_erased_as_former_employees(api, org, manager):
    rows, pages = walk(api, "/people", 2)
    by_email = {row["email"]: row for row in rows}
    assert pages == -(-len(rows) // 2) or pages == len(rows) // 2 + 1
    seller = by_email["seller@example.com"]
    assert seller == {"id": org["seller"].id, "name": "Sam Seller", "email": "seller@example.com",
                      "former_employee": False, "department_id": org["sales"].id, "department": "Sales",
                      "manager_id": manager.id, "status": "active", "roles": ["employee", "hr"], "start_date": None}
    assert by_email["leaver@example.com"]["status"] == "deactivated"
    erased = next(row for row in rows if row["id"] == org["erased"].id)
    assert erased["former_employee"] and erased["name"] is None and erased["email"] is None and erased["roles"] == []
    assert "Eve" not in str(rows) and "erased@example.com" not in str(rows)
    assert [row["id"] for row in rows] == sorted(row["id"] for row in rows)


def test_the_fields_the_organisation_withholds_never_leave(api, org, app):
    app.config["API_WITHHOLD"] = ("name", "email", "roles")
    try:
        rows, _pages = walk(api, "/people", 50)
    finally:
        app.config["API_WITHHOLD"] = ()
    seller = next(row for row in rows if row["id"] == org["seller"].id)
    assert seller["name"] is None and seller["email"] is None and seller["roles"] == []
    assert seller["department"] == "Sales" and seller["status"] == "active"
    assert "seller@example.com" not in str(rows) and "Sam Seller" not in str(rows)


def test_an_unknown_withheld_field_stops_the_start(monkeypatch, tmp_path):
    monkeypatch.setenv("API_WITHHOLD", "email,salary")
    settings = config.from_environment(str(tmp_path))
    assert settings["API_WITHHOLD"] == ("email",)
    assert any("API_WITHHOLD: salary unknown" in problem for problem in settings["CONFIG_PROBLEMS"])


def test_filters_by_department_and_start_date(api, org, db):
    org["seller"].start_date = START.date() - timedelta(days=3)
    db.session.commit()
    sales = api.get("/people", department=org["sales"].id).get_json()["data"]
    assert {row["department"] for row in sales} == {"Sales"} and len(sales) == 3
    started = api.get("/people", since=str(START.date() - timedelta(days=5)), until=str(START.date())).get_json()
    assert [row["id"] for row in started["data"]] == [org["seller"].id]
    assert api.get("/people", department=999999).get_json() == {"data": [], "next_cursor": None}
    departments = api.get("/departments").get_json()["data"]
    assert {"id": org["sales"].id, "name": "Sales"} in departments


@pytest.mark.parametrize("query, parameter", [
    ({"limit": 0}, "limit"), ({"limit": 201}, "limit"), ({"limit": "ten"}, "limit"),
    ({"department": 0}, "department"), ({"department": 10**20}, "department"), ({"department": "sales"}, "department"),
    ({"since": "2026-02-30"}, "since"), ({"until": "yesterday"}, "until"),
    ({"since": "2026-03-02", "until": "2026-03-01"}, "until"),
    ({"cursor": "not-a-cursor"}, "cursor"), ({"cursor": "W10"}, "cursor"), ({"cursor": "x" * 401}, "cursor"),
])
@pytest.mark.parametrize("path", ["/people", "/certifications", "/attempts", "/posts", "/shares/daily"])
def test_a_bad_filter_is_a_400_problem_naming_the_parameter(api, db, path, query, parameter):
    answer = api.get(path, **query)
    assert answer.status_code == 400 and answer.content_type == "application/problem+json"
    body = answer.get_json()
    assert body["status"] == 400 and body["parameter"] == parameter and parameter in body["detail"]


def test_a_cursor_of_another_endpoint_is_refused(api, org):
    cursor = api.get("/shares/daily", limit=1).get_json()["next_cursor"]
    assert cursor and api.get("/people", cursor=cursor).get_json()["parameter"] == "cursor"


def test_training_status_per_person_and_tier_is_hr_s(api, org):
    rows, _ = walk(api, "/learning/status", 2)
    by_person = {row["person_id"]: {t["tier"]: t for t in row["tiers"]} for row in rows}
    assert org["erased"].id not in by_person and org["leaver"].id not in by_person  # active people only
    basic = by_person[org["seller"].id]["basic"]
    assert basic["assigned"] and basic["certified"] and not basic["overdue"] and basic["due_on"]
    assert not by_person[org["employee"].id]["basic"]["certified"]
    assert by_person[org["seller"].id]["expert"]["assigned"] is False
    only_sales = api.get("/learning/status", department=org["sales"].id).get_json()["data"]
    assert [row["person_id"] for row in only_sales] == [org["seller"].id]


def test_certifications_earned_valid_until_and_revoked(api, org, db, frozen):
    rows = api.get("/certifications").get_json()["data"]
    assert len(rows) == 1
    cert = rows[0]
    assert cert["person_id"] == org["seller"].id and cert["tier"] == "basic" and cert["valid"]
    assert cert["revoked_at"] is None and cert["valid_until"] > cert["earned_at"]
    assert api.get("/certifications", since=str(START.date() + timedelta(days=1))).get_json()["data"] == []
    frozen(START + timedelta(days=800))
    assert api.get("/certifications").get_json()["data"][0]["valid"] is False


def test_attempts_carry_no_questions_or_answers(api, org):
    answer = api.get("/attempts")
    rows = answer.get_json()["data"]
    assert [(row["passed"], row["person_id"]) for row in rows] == [(False, org["seller"].id), (True, org["seller"].id)]
    assert rows[1]["score"] == 100.0 and rows[1]["course"] == "basic" and rows[1]["quiz_version"] >= 1
    assert rows[0]["finished_at"] and rows[0]["started_at"] <= rows[0]["finished_at"]
    text = answer.get_data(as_text=True)
    assert "Amsterdam" not in text and "items" not in text and "results" not in text


def test_posts_with_their_totals_and_never_drafts(api, org, marketing):
    rows = api.get("/posts").get_json()["data"]
    assert [row["title"] for row in rows] == ["Spring event"]
    assert rows[0]["phase"] == "live" and rows[0]["shares"] == 2 and rows[0]["clicks"] == 4


def test_daily_totals_per_post_network_department_and_day_add_up_to_the_reports(api, org):
    rows, pages = walk(api, "/shares/daily", 1)
    assert pages == len(rows) == 3
    day = START.date()
    assert rows == [
        {"day": str(day), "post_id": org["post"].id, "network": "linkedin", "department_id": org["sales"].id,
         "shares": 1, "clicks": 2},
        {"day": str(day + timedelta(days=1)), "post_id": org["post"].id, "network": "linkedin",
         "department_id": org["sales"].id, "shares": 0, "clicks": 1},
        {"day": str(day + timedelta(days=1)), "post_id": org["post"].id, "network": "x",
         "department_id": org["employee"].department_id, "shares": 1, "clicks": 1},
    ]
    assert sum(r["shares"] for r in rows) == stats.count_shares()
    assert sum(r["clicks"] for r in rows) == stats.count_clicks()
    assert len(api.get("/shares/daily", since=str(day + timedelta(days=1))).get_json()["data"]) == 2
    assert len(api.get("/shares/daily", until=str(day)).get_json()["data"]) == 1
    assert len(api.get("/shares/daily", department=org["sales"].id).get_json()["data"]) == 2


def test_unknown_paths_and_other_methods_are_problems_not_pages(api, client, org):
    assert api.get("/nothing").content_type == "application/problem+json"
    answer = client.post("/api/v1/people", headers={"Authorization": f"Bearer {api.token}"})
    assert answer.status_code == 405 and answer.get_json()["status"] == 405


def test_a_get_writes_only_the_token_s_last_use_once_a_minute(api, org, db, frozen):
    assert api.get("/people").status_code == 200
    first = db.session.scalar(select(ApiToken.last_used_at))
    assert first is not None
    frozen(START + timedelta(seconds=30))
    assert api.get("/people").status_code == 200
    assert db.session.scalar(select(ApiToken.last_used_at)) == first
    assert api.get("/people").headers["Cache-Control"] == "no-store"

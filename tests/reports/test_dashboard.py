"""HR's dashboard and the manager's team view: completion matrix, overdue, expiring, policy."""
from __future__ import annotations

import contextlib
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import event, select

from advocacy.core.db import db as _db
from advocacy.reports import hr as tables
from advocacy.learning.rules.deadlines import DueFacts, default_due_date, is_overdue
from advocacy.learning.standing import due_date_for
from advocacy.core.audit import AuditEntry
from advocacy.learning.models.progress import DueDate
from advocacy.learning.status import Scope

from ..conftest import START, login
from ..factories import create_department, create_user
from .factories import acknowledge, create_certification, create_lesson, create_policy, grant, read_lesson

DAYS = {"basic": 30, "advanced": 60, "expert": 90}


def at(year, month, day):
    return datetime(year, month, day, 9, tzinfo=timezone.utc)


# -- the rule, over plain values ------------------------------------------------------------------

@pytest.mark.parametrize("tier, facts, expected", [
    ("basic", DueFacts(date(2026, 1, 1)), date(2026, 1, 31)),
    ("advanced", DueFacts(date(2026, 1, 1)), None),  # not open: no basic certification
    ("advanced", DueFacts(date(2026, 1, 1), at(2026, 1, 10), advanced_department=True), date(2026, 3, 11)),
    ("advanced", DueFacts(date(2026, 1, 1), at(2026, 1, 10)), None),  # no department, not assigned
    ("advanced", DueFacts(date(2026, 1, 1), at(2026, 1, 10), advanced_granted=at(2026, 2, 1)), date(2026, 4, 2)),
    ("expert", DueFacts(date(2026, 1, 1), expert_granted=at(2026, 2, 1)), date(2026, 5, 2)),
    ("expert", DueFacts(date(2026, 1, 1)), None),
])
def test_default_due_dates(tier, facts, expected):
    assert default_due_date(tier, facts, DAYS) == expected


def test_overdue_means_past_due_and_not_certified():
    today = date(2026, 3, 2)
    assert is_overdue(date(2026, 3, 1), False, today)
    assert not is_overdue(date(2026, 3, 2), False, today), "due today is not late yet"
    assert not is_overdue(date(2026, 3, 1), True, today)
    assert not is_overdue(None, False, today)


# -- a small organisation -------------------------------------------------------------------------

@pytest.fixture
def org(db, frozen, hr):
    """At START (2 March 2026): Sales takes advanced, Operations does not."""
    frozen(START)
    sales, ops = create_department("Sales", advanced=True), create_department("Operations")
    boss = create_user("boss@example.com", "Bea Boss", roles=["manager"], department=sales,
                       start_date=date(2025, 1, 1))
    people = {
        "ann": create_user("ann@example.com", "Ann Late", department=sales, start_date=date(2026, 1, 1)),
        "bo": create_user("bo@example.com", "Bo Done", department=sales, start_date=date(2026, 1, 1)),
        "cy": create_user("cy@example.com", "Cy New", department=ops, start_date=date(2026, 2, 20)),
        "di": create_user("di@example.com", "Di Extended", department=ops, start_date=date(2025, 12, 1)),
        "ed": create_user("ed@example.com", "Ed Expiring", department=ops, start_date=date(2025, 1, 1)),
    }
    people["ann"].manager = people["bo"].manager = boss
    create_certification(boss, "basic", passed_at=at(2026, 1, 2))
    create_certification(people["bo"], "basic", passed_at=at(2026, 1, 10))
    create_certification(people["ed"], "basic", passed_at=at(2025, 3, 20), expires_at=at(2026, 3, 20))
    _db.session.add(DueDate(user_id=people["di"].id, tier="basic", due_on=date(2026, 4, 1)))
    read_lesson(people["cy"], create_lesson("basic"))
    hr.start_date = date(2026, 3, 1)
    _db.session.commit()
    return {"sales": sales, "ops": ops, "boss": boss, **people}


def cells(matrix, department):
    return next(row for row in matrix if row.department == department).cells


def test_the_matrix_counts_per_department_and_tier(org):
    matrix = tables.completion_matrix(START, Scope())
    sales, ops = cells(matrix, "Sales"), cells(matrix, "Operations")
    assert sales["basic"] == {"assigned": 3, "certified": 2, "started": 0, "overdue": 1, "percent": 67}
    assert sales["advanced"]["assigned"] == 3 and sales["advanced"]["overdue"] == 0
    assert ops["basic"] == {"assigned": 3, "certified": 1, "started": 1, "overdue": 0, "percent": 33}
    assert ops["advanced"]["assigned"] == 0 and ops["advanced"]["percent"] is None
    total = matrix[-1]
    assert total.total and total.people == 7 and total.cells["basic"]["certified"] == 3


def test_the_overdue_list_follows_the_deadlines(org, frozen):
    people, total = tables.overdue_people(START, Scope())
    assert [p["name"] for p in people] == ["Ann Late"] and total == 1
    assert people[0]["overdue"] == [("basic", date(2026, 1, 31))] and people[0]["days_late"] == 30
    # bo's advanced tier opened with his basic certification on 10 January: due 11 March
    frozen(at(2026, 3, 12))
    names = {p["name"]: p["overdue"] for p in tables.overdue_people(at(2026, 3, 12), Scope())[0]}
    assert names["Bo Done"] == [("advanced", date(2026, 3, 11))]
    assert "Di Extended" not in names, "HR gave Di until 1 April"
    assert due_date_for(org["di"], "basic") == date(2026, 4, 1)
    assert due_date_for(org["bo"], "advanced") == date(2026, 3, 11)


def test_an_expired_certification_makes_the_tier_overdue_again_and_a_grant_opens_advanced(org, frozen):
    frozen(at(2026, 3, 21))
    overdue = {p["name"]: p["overdue"] for p in tables.overdue_people(at(2026, 3, 21), Scope())[0]}
    assert overdue["Ed Expiring"] == [("basic", date(2025, 1, 31))]
    grant(org["cy"], "advanced", at(2026, 3, 21))
    _db.session.commit()
    assert cells(tables.completion_matrix(at(2026, 3, 21), Scope()), "Operations")["advanced"]["assigned"] == 1


def test_expiring_within_30_days_and_policy_coverage(org):
    expiring = tables.expiring_certifications(START, Scope())
    assert [(c.name, c.tier) for c in expiring] == [("Ed Expiring", "basic")]
    v1, v2 = create_policy(1), create_policy(2, "Policy, second edition")
    for person in ("ann", "bo", "cy"):
        acknowledge(org[person], v1)
    acknowledge(org["bo"], v2)
    _db.session.commit()
    coverage = tables.policy_coverage(Scope())
    assert [(p["version"], p["acknowledged"], p["people"], p["percent"]) for p in coverage] == [(2, 1, 7, 14),
                                                                                               (1, 3, 7, 43)]
    team = tables.policy_coverage(Scope(within=org["boss"].id))
    assert [(p["acknowledged"], p["people"]) for p in team] == [(1, 2), (2, 2)]


def test_filters_by_department_and_manager(org):
    only_ops = tables.completion_matrix(START, Scope(department_id=org["ops"].id))
    assert [row.department for row in only_ops if not row.total] == ["Operations"]
    under_boss = tables.completion_matrix(START, Scope(manager_id=org["boss"].id))
    assert under_boss[-1].people == 2


def test_hr_sees_the_dashboard_with_matrix_overdue_and_a_chart(client, org, hr):
    login(client, hr)
    html = client.get("/hr").get_data(as_text=True)
    assert "Completion by department and tier" in html and "Ann Late" in html and "Ed Expiring" in html
    assert "<svg" in html and "style=" not in html.split("<main")[1] and "<script" not in html.split("<main")[1]
    assert "67%" in html
    html = client.get(f"/hr?department={org['ops'].id}").get_data(as_text=True)
    assert "Ann Late" not in html and "Ed Expiring" in html


def test_hr_sets_a_due_date_and_it_is_audited(client, org, hr):
    login(client, hr)
    response = client.post(f"/people/{org['cy'].id}/due", data={"tier": "basic", "due_on": "2026-03-01"})
    assert response.status_code == 302
    assert "Cy New" in [p["name"] for p in tables.overdue_people(START, Scope())[0]]
    entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "due_date.set"))
    assert entry.actor_id == hr.id and entry.subject_id == org["cy"].id
    client.post(f"/people/{org['cy'].id}/due", data={"tier": "basic", "due_on": ""})
    assert _db.session.scalar(select(DueDate).where(DueDate.user_id == org["cy"].id)) is None
    bad = client.post(f"/people/{org['cy'].id}/due", data={"tier": "wizard", "due_on": "2026-03-01"},
                      follow_redirects=True)
    assert "Not a valid choice" in bad.get_data(as_text=True)


def test_the_transcript_shows_lessons_certifications_acknowledgements_and_due_dates(client, org, hr):
    v1 = create_policy(1)
    acknowledge(org["cy"], v1)
    _db.session.commit()
    login(client, hr)
    html = client.get(f"/people/{org['cy'].id}/transcript").get_data(as_text=True)
    assert "Cy New" in html and "platforms" in html and "Version 1" in html and "2026-03-22" in html
    csv = client.get(f"/people/{org['cy'].id}/transcript.csv").get_data(as_text=True)
    assert csv.startswith("\ufeffsection,tier,item") and "lesson,basic" in csv and "policy" in csv


# -- managers see their own reports and nobody else --------------------------------------------------

def test_a_manager_sees_only_their_team(client, org):
    login(client, org["boss"])
    html = client.get("/team").get_data(as_text=True)
    assert "Ann Late" in html and "Ed Expiring" not in html
    assert client.get(f"/people/{org['ann'].id}/transcript").status_code == 200
    for outsider in ("ed", "cy", "di"):
        assert client.get(f"/people/{org[outsider].id}/transcript").status_code == 404
        assert client.get(f"/people/{org[outsider].id}/transcript.csv").status_code == 404
    csv = client.get("/team/export/overdue.csv").get_data(as_text=True)
    assert "ann@example.com" in csv and "ed@example.com" not in csv
    assert "Ed Expiring" not in client.get("/team/export/expiring.csv").get_data(as_text=True)
    assert client.get(f"/team?department={org['ops'].id}").status_code == 200  # narrows, never widens
    assert "Ed Expiring" not in client.get(f"/team?department={org['ops'].id}").get_data(as_text=True)


def test_a_manager_cannot_filter_on_another_managers_team(client, org):
    other = create_user("other.boss@example.com", "Otto Boss", roles=["manager"])
    org["ed"].manager = other
    _db.session.commit()
    login(client, org["boss"])
    assert client.get(f"/team?manager={other.id}").status_code == 404
    assert client.get(f"/team/export/completion.csv?manager={other.id}").status_code == 404
    assert client.get(f"/team/overdue?manager={other.id}").status_code == 404


def test_hr_filters_by_a_managers_email(client, org, hr):
    login(client, hr)
    html = client.get("/hr?manager=BOSS@example.com").get_data(as_text=True)
    assert "Ann Late" in html and "Ed Expiring" not in html and 'value="boss@example.com"' in html
    html = client.get("/hr?manager=nobody@example.com").get_data(as_text=True)
    assert "Nobody has the e-mail address nobody@example.com" in html and "Ed Expiring" in html
    login(client, org["boss"])
    assert client.get("/team?manager=hr@example.com").status_code == 404
    assert client.get("/team?manager=nobody@example.com").status_code == 404
    assert client.get("/team?manager=boss@example.com").status_code == 200


def test_an_unknown_export_is_404(client, org, hr):
    login(client, hr)
    assert client.get("/hr/export/passwords.csv").status_code == 404


# -- queries do not grow with the number of people ---------------------------------------------------

@contextlib.contextmanager
def counted_queries():
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = _db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def add_people(n, department, manager, start):
    for i in range(n):
        person = create_user(f"extra{department.id}-{start.toordinal()}-{i}@example.com", f"Extra {i}",
                             department=department, start_date=start, password=None)
        person.manager = manager
        if i % 3 == 0:
            create_certification(person, "basic", passed_at=at(2026, 1, 5))
    _db.session.commit()


@pytest.mark.parametrize("path_of", [lambda org: "/hr", lambda org: "/team",
                                     lambda org: f"/people/{org['ann'].id}/transcript",
                                     lambda org: "/hr/export/overdue.csv"])
def test_dashboard_queries_do_not_grow_with_people(client, org, hr, path_of):
    hr.set_roles(["hr", "manager"])
    create_policy(1)
    _db.session.commit()
    login(client, hr)
    path = path_of(org)
    org["boss"].manager = hr
    _db.session.commit()
    client.get(path)
    with counted_queries() as small:
        assert client.get(path).status_code == 200
    add_people(40, org["sales"], org["boss"], date(2025, 6, 1))
    add_people(40, org["ops"], org["boss"], date(2026, 2, 25))
    with counted_queries() as large:
        assert client.get(path).status_code == 200
    assert len(large) == len(small), f"{path}: {len(small)} queries with 8 people, {len(large)} with 88"

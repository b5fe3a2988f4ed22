"""Each rule that SQL needs is written twice, side by side in one module: once over plain values,
once over columns. These tests hold the two to the same answers over tables of cases, by
evaluating the SQL form on the database with the case's values."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from itertools import product

import pytest
from sqlalchemy import Boolean, Date, Integer, bindparam, case, literal, select

from advocacy.core.clock import UTCDateTime
from advocacy.core.db import db as _db
from advocacy.learning.rules.deadlines import DueFacts, default_due_date, default_due_passed_sql, due_passed_sql
from advocacy.learning.rules.eligibility import assigned_sql, permission
from advocacy.learning.rules.validity import is_valid, valid_sql

TODAY = date(2026, 3, 2)
DAYS = {"basic": 30, "advanced": 60, "expert": 90}


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.utc)


def evaluate(expression) -> bool:
    """The SQL expression's value, as the database computes it."""
    return bool(_db.session.scalar(select(case((expression, 1), else_=0))))


def param(name, value, type_):
    return bindparam(name, value, type_=type_)


MOMENTS = (None, at(TODAY - timedelta(days=200)), at(TODAY - timedelta(days=61)), at(TODAY - timedelta(days=59)),
           at(TODAY - timedelta(days=1), hour=23))
STARTS = (None, TODAY - timedelta(days=31), TODAY - timedelta(days=30), TODAY - timedelta(days=29))


@pytest.mark.parametrize("tier", ["basic", "advanced", "expert"])
def test_the_default_due_date_has_passed_exactly_when_the_python_rule_says_so(db, tier):
    created = at(TODAY - timedelta(days=45))
    for start, basic, department, advanced, expert in product(STARTS, MOMENTS, (False, True), MOMENTS[:3], MOMENTS[:3]):
        facts = DueFacts(start or created.date(), basic, department, advanced, expert)
        due = default_due_date(tier, facts, DAYS)
        expected = due is not None and due < TODAY
        sql = default_due_passed_sql(
            tier, TODAY, DAYS, start_date=param("start", start, Date()), created_at=param("created", created, UTCDateTime()),
            basic_passed_at=param("basic", basic, UTCDateTime()), advanced_department=param("dept", department, Boolean()),
            advanced_granted_at=param("adv", advanced, UTCDateTime()), expert_granted_at=param("exp", expert, UTCDateTime()))
        assert evaluate(sql) == expected, (tier, start, basic, department, advanced, expert)


@pytest.mark.parametrize("chosen, default_passed, expected", [
    (None, True, True), (None, False, False),
    (TODAY - timedelta(days=1), False, True), (TODAY, True, False), (TODAY + timedelta(days=3), True, False),
])
def test_a_date_hr_chose_replaces_the_default(db, chosen, default_passed, expected):
    sql = due_passed_sql(param("chosen", chosen, Date()), literal(default_passed, Boolean()) == literal(True), TODAY)
    assert evaluate(sql) == expected


@pytest.mark.parametrize("tier, department, status", list(product(
    ["basic", "advanced", "expert"], [False, True, None], [None, "requested", "approved", "declined"])))
def test_who_is_assigned_a_tier_is_the_same_rule_in_sql(db, tier, department, status):
    grants = {tier: status} if status else {}
    expected, _ = permission(tier, bool(department), grants)
    sql = assigned_sql(tier, param("dept", department, Boolean()), literal(status == "approved", Boolean()) == literal(True))
    assert evaluate(sql) == expected


@pytest.mark.parametrize("passed, expires, revoked", list(product(
    [at(TODAY - timedelta(days=10)), at(TODAY)], [at(TODAY), at(TODAY + timedelta(days=5))], [None, at(TODAY)])))
def test_a_certification_is_valid_by_the_same_rule_in_sql(db, passed, expires, revoked):
    now = at(TODAY)
    sql = valid_sql(param("passed", passed, UTCDateTime()), param("expires", expires, UTCDateTime()),
                    param("revoked", revoked, UTCDateTime()), param("now", now, UTCDateTime()))
    assert evaluate(sql) == is_valid(passed, expires, revoked, now)

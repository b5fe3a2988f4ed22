"""Who may take which tier: the pure rule over a table of cases, and the loader around it."""
from __future__ import annotations

from datetime import timedelta

import pytest
from advocacy.learning.standing import eligibility_for
from advocacy.learning.rules.eligibility import tier_status
from advocacy.learning.models.progress import TierGrant

from ..conftest import START
from .factories import QueryCounter, certify

CASES = [
    # tier, department_advanced, grants, valid tiers -> open, reason, needs_tier, can_request
    ("basic", False, {}, set(), True, "everyone", None, False),
    ("basic", False, {}, {"basic"}, True, "everyone", None, False),
    ("advanced", True, {}, {"basic"}, True, "department", None, False),
    ("advanced", True, {}, set(), False, "needs_lower_tier", "basic", False),
    ("advanced", False, {}, {"basic"}, False, "not_assigned", "", False),
    ("advanced", False, {}, set(), False, "not_assigned", "basic", False),
    ("advanced", False, {"advanced": "approved"}, {"basic"}, True, "granted", None, False),
    ("advanced", False, {"advanced": "approved"}, set(), False, "needs_lower_tier", "basic", False),
    ("advanced", False, {"advanced": "approved"}, {"advanced"}, False, "needs_lower_tier", "basic", False),
    ("expert", True, {}, {"basic", "advanced"}, False, "not_requested", "", True),
    ("expert", False, {"expert": "requested"}, {"basic", "advanced"}, False, "requested", "", False),
    ("expert", False, {"expert": "declined"}, {"basic", "advanced"}, False, "declined", "", True),
    ("expert", False, {"expert": "approved"}, {"basic", "advanced"}, True, "granted", None, False),
    ("expert", False, {"expert": "approved"}, {"basic"}, False, "needs_lower_tier", "advanced", False),
    # an approved expert whose advanced certification expired waits for advanced again
    ("expert", True, {"expert": "approved"}, {"expert"}, False, "needs_lower_tier", "advanced", False),
    # grants of another tier do not count
    ("advanced", False, {"expert": "approved"}, {"basic"}, False, "not_assigned", "", False),
    ("expert", False, {"advanced": "approved"}, {"basic", "advanced"}, False, "not_requested", "", True),
]


@pytest.mark.parametrize("tier, department, grants, valid, is_open, reason, needs, can_request", CASES)
def test_tier_status(tier, department, grants, valid, is_open, reason, needs, can_request):
    status = tier_status(tier, department_advanced=department, grants=grants, valid_tiers=valid)
    assert (status.open, status.reason, status.can_request) == (is_open, reason, can_request)
    if needs != "":
        assert status.needs_tier == needs


def test_an_unknown_tier_is_refused():
    with pytest.raises(ValueError):
        tier_status("guru", department_advanced=True, grants={}, valid_tiers=set())


def test_eligibility_for_reads_the_database_in_one_query(db, employee, frozen):
    frozen(START)
    employee.department.advanced_eligible = True
    certify(employee, "basic", START - timedelta(days=10))
    certify(employee, "advanced", START - timedelta(days=400), months=12)  # expired
    db.session.add(TierGrant(user_id=employee.id, tier="expert", status="approved"))
    db.session.commit()
    employee.department  # loaded with the person, as for the logged-in user

    with QueryCounter(db.engine) as queries:
        result = eligibility_for(employee, START)

    assert len(queries) == 1  # the person's record: one query (it was two before the record held it all)
    assert result["basic"].open and result["advanced"].open
    assert not result["expert"].open and result["expert"].needs_tier == "advanced"


def test_a_revoked_certification_does_not_open_the_next_tier(db, employee):
    cert = certify(employee, "basic", START - timedelta(days=1))
    cert.revoked_at = START - timedelta(hours=1)
    employee.department.advanced_eligible = True
    db.session.commit()
    assert eligibility_for(employee, START)["advanced"].reason == "needs_lower_tier"

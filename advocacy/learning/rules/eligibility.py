"""Who may take which tier.

tier_status(...) is a pure function over plain values: the rule, tested over a table of cases;
`assigned_sql` is the permission part over columns, for the HR dashboard (learning/status.py).
learning/standing.py gathers the values for one person from their record.

    basic     everyone
    advanced  people in a department the admin marked advanced_eligible, or whom HR assigned it
    expert    people who asked and whom marketing approved
    and each tier above basic needs a valid certification of the tier below.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import false, func, or_, true

from advocacy.learning.tiers import TIERS, tier_below

# Reason codes (templates turn them into sentences).
OPEN_EVERYONE = "everyone"
OPEN_DEPARTMENT = "department"
OPEN_GRANTED = "granted"
NOT_ASSIGNED = "not_assigned"          # advanced: not in an advanced department, HR has not assigned it
NOT_REQUESTED = "not_requested"        # expert: the person has not asked yet
REQUESTED = "requested"                # expert: waiting for marketing
DECLINED = "declined"                  # expert: marketing said no (the person may ask again)
NEEDS_LOWER_TIER = "needs_lower_tier"  # permitted, but no valid certification of the tier below


@dataclass(frozen=True)
class TierStatus:
    tier: str
    open: bool
    reason: str
    permitted: bool             # allowed by department, assignment or approval (ignoring the tier below)
    needs_tier: str | None      # the tier whose valid certification is missing, if any
    can_request: bool = False   # expert: the person may ask marketing now


def permission(tier: str, department_advanced: bool, grants: dict[str, str]) -> tuple[bool, str]:
    """Whether the person may take `tier` at all, and why (before the tier-below rule)."""
    status = grants.get(tier)
    if tier == "basic":
        return True, OPEN_EVERYONE
    if tier == "advanced":
        if department_advanced:
            return True, OPEN_DEPARTMENT
        return (True, OPEN_GRANTED) if status == "approved" else (False, NOT_ASSIGNED)
    if status == "approved":
        return True, OPEN_GRANTED
    return False, {"requested": REQUESTED, "declined": DECLINED}.get(status or "", NOT_REQUESTED)


def tier_status(tier: str, *, department_advanced: bool, grants: dict[str, str], valid_tiers: set[str]) -> TierStatus:
    """The rule. `grants` maps tier -> TierGrant status; `valid_tiers` are the tiers the person holds
    a valid certification for now. When both are missing, the permission is the reason shown:
    getting the tier below would not help someone who may not take this tier anyway."""
    if tier not in TIERS:
        raise ValueError(f"unknown tier: {tier!r}")
    permitted, reason = permission(tier, department_advanced, grants)
    below = tier_below(tier)
    missing = below if below is not None and below not in valid_tiers else None
    can_request = tier == "expert" and reason in (NOT_REQUESTED, DECLINED)
    if permitted and missing:
        return TierStatus(tier, False, NEEDS_LOWER_TIER, True, missing, can_request)
    return TierStatus(tier, permitted, reason, permitted, missing, can_request)


def statuses(*, department_advanced: bool, grants: dict[str, str], valid_tiers: set[str]) -> dict[str, TierStatus]:
    return {tier: tier_status(tier, department_advanced=department_advanced, grants=grants, valid_tiers=valid_tiers)
            for tier in TIERS}


def assigned_sql(tier: str, department_advanced, grant_approved):
    """`permission(...)[0]` over columns: whether the tier is assigned to a person (before the
    tier-below rule). `department_advanced` and `grant_approved` are boolean column expressions
    (the person's department is an advanced one; HR or marketing approved a grant of this tier)."""
    if tier == "basic":
        return true()
    if tier == "advanced":
        return or_(func.coalesce(department_advanced, false()), grant_approved)
    return grant_approved

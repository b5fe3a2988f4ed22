"""The reports feature's KPI for the strategy's goals (see courses/goals.py for the registry)."""
from __future__ import annotations

from datetime import datetime

from advocacy.reports.analytics import active_advocates


def active_advocates_last_30_days(goal, now: datetime) -> float:
    """Certified people who shared at least once in the last 30 days."""
    return float(active_advocates(now, 30))

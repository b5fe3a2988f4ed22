"""The feed's KPIs for the strategy's goals: shares and clicks in the last 30 days ("per month")."""
from __future__ import annotations

from datetime import datetime, timedelta

from advocacy.feed import stats

MONTH = timedelta(days=30)


def shares_last_30_days(goal, now: datetime) -> float:
    return float(stats.count_shares(now - MONTH, now))


def clicks_last_30_days(goal, now: datetime) -> float:
    return float(stats.count_clicks(now - MONTH, now))

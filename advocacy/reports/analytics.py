"""Marketing's numbers: shares and clicks per post, network and department, click rate,
participation, training joined to sharing, and the goals against their baselines.

Every table is one or two grouped queries over a period (the last N days); nothing loops over
people or shares in Python. A click belongs to the post, network and person of its tracked link,
and to that person's department as it is now. Erased people's shares and clicks still count.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from advocacy.core.db import db
from advocacy.core.organisation import Department, User
from advocacy.feed import stats
from advocacy.feed.models import Click, Post, Share, TrackedLink
from advocacy.learning.goals import current_value
from advocacy.learning.models.goals import Goal
from advocacy.learning.models.quizzes import Certification
from advocacy.reports.hr import percent

PERIODS = (7, 30, 90, 365)


@dataclass(frozen=True)
class Period:
    days: int
    until: datetime

    @property
    def since(self) -> datetime:
        return self.until - timedelta(days=self.days)


def click_rate(clicks: int, shares: int) -> float | None:
    """Clicks per share: how far one share carries."""
    return round(clicks / shares, 1) if shares else None


def valid_certified_ids(now: datetime):
    return select(Certification.user_id).where(Certification.is_valid_at(now)).distinct()


def current_people():
    return (User.is_active,)


# -- the headline numbers ----------------------------------------------------------------------------

def headline(period: Period) -> dict:
    certified = valid_certified_ids(period.until).subquery()
    sharers = stats.sharers_query(period.since, period.until).subquery()
    row = db.session.execute(
        select(func.count(certified.c.user_id).label("certified"),
               func.count(sharers.c.user_id).label("advocates"))
        .select_from(User).outerjoin(certified, certified.c.user_id == User.id)
        .outerjoin(sharers, and_(sharers.c.user_id == User.id, certified.c.user_id.is_not(None)))
        .where(*current_people())
    ).one()
    shares = stats.count_shares(period.since, period.until)
    clicks = stats.count_clicks(period.since, period.until)
    return {"certified": row.certified, "advocates": row.advocates,
            "participation": percent(row.advocates, row.certified), "shares": shares, "clicks": clicks,
            "click_rate": click_rate(clicks, shares)}


def active_advocates(now: datetime, days: int = 30) -> int:
    """Certified people who shared in the last `days` days."""
    return headline(Period(days, now))["advocates"]


# -- by network, department and post --------------------------------------------------------------

def merged(shares: dict, clicks: dict, order=None) -> list[dict]:
    keys = sorted(shares.keys() | clicks.keys(), key=order or (lambda k: (-clicks.get(k, 0), str(k))))
    return [{"key": k, "shares": shares.get(k, 0), "clicks": clicks.get(k, 0),
             "click_rate": click_rate(clicks.get(k, 0), shares.get(k, 0))} for k in keys]


def by_network(period: Period, post_id: int | None = None) -> list[dict]:
    """Shares and clicks per network, for all posts or one (two queries)."""
    share_where = [Share.shared_at >= period.since, Share.shared_at < period.until]
    click_where = [Click.clicked_at >= period.since, Click.clicked_at < period.until]
    if post_id is not None:
        share_where.append(Share.post_id == post_id)
        click_where.append(TrackedLink.post_id == post_id)
    shares = dict(db.session.execute(select(Share.network, func.count(Share.id)).where(*share_where)
                                     .group_by(Share.network)).all())
    clicks = dict(db.session.execute(select(TrackedLink.network, func.count(Click.id))
                                     .join(Click, Click.link_id == TrackedLink.id).where(*click_where)
                                     .group_by(TrackedLink.network)).all())
    return merged(shares, clicks)


def by_department_for_post(period: Period, post_id: int) -> list[dict]:
    """A post's shares and clicks by the sharer's department (two queries)."""
    names = stats.department_names()
    shares = dict(db.session.execute(
        select(User.department_id, func.count(Share.id)).select_from(Share).outerjoin(User, User.id == Share.user_id)
        .where(Share.post_id == post_id, Share.shared_at >= period.since, Share.shared_at < period.until)
        .group_by(User.department_id)).all())
    clicks = dict(db.session.execute(
        select(User.department_id, func.count(Click.id)).select_from(Click)
        .join(TrackedLink, TrackedLink.id == Click.link_id).outerjoin(User, User.id == TrackedLink.user_id)
        .where(TrackedLink.post_id == post_id, Click.clicked_at >= period.since, Click.clicked_at < period.until)
        .group_by(User.department_id)).all())
    rows = merged(shares, clicks)
    for row in rows:
        row["department"] = names.get(row["key"])
    return rows


def by_department(period: Period) -> list[dict]:
    """Per department: people, certified, who shared, shares, clicks, and the gap between training
    and sharing (three queries)."""
    certified = valid_certified_ids(period.until).subquery()
    sharers = stats.sharers_query(period.since, period.until).subquery()
    people = db.session.execute(
        select(User.department_id, Department.name, func.count(User.id).label("people"),
               func.count(certified.c.user_id).label("certified"), func.count(sharers.c.user_id).label("sharing"))
        .outerjoin(Department, Department.id == User.department_id)
        .outerjoin(certified, certified.c.user_id == User.id).outerjoin(sharers, sharers.c.user_id == User.id)
        .where(*current_people()).group_by(User.department_id, Department.name).order_by(Department.name)
    ).all()
    shares = stats.shares_by(User.department_id, period.since, period.until, (User, User.id == Share.user_id))
    clicks = stats.clicks_by(User.department_id, period.since, period.until, (User, User.id == TrackedLink.user_id))
    rows = []
    for p in people:
        s, c = shares.get(p.department_id, 0), clicks.get(p.department_id, 0)
        rows.append({"department_id": p.department_id, "department": p.name, "people": p.people,
                     "certified": p.certified, "sharing": p.sharing, "shares": s, "clicks": c,
                     "click_rate": click_rate(c, s), "trained_percent": percent(p.certified, p.people),
                     "sharing_percent": percent(p.sharing, p.people), "gap": training_gap(p.certified, p.sharing,
                                                                                          p.people)})
    return rows


def training_gap(certified: int, sharing: int, people: int) -> str | None:
    """Where training and sharing part ways: trained people who do not share, or a department
    sharing while most of it is not (or no longer) certified."""
    if certified and not sharing:
        return "trained_not_sharing"
    if sharing and people and certified * 2 < people:
        return "sharing_ahead_of_training"
    return None


def by_post(period: Period, limit: int = 50) -> list[dict]:
    """The posts shared or clicked in the period, most clicked first (three queries)."""
    shares = stats.shares_by(Share.post_id, period.since, period.until)
    rows = merged(shares, stats.clicks_by(TrackedLink.post_id, period.since, period.until))[:limit]
    titles = dict(db.session.execute(select(Post.id, Post.title).where(Post.id.in_([r["key"] for r in rows]))).all()) \
        if rows else {}
    for row in rows:
        row["title"] = titles.get(row["key"], "")
    return rows


# -- goals -------------------------------------------------------------------------------------------

def goal_progress(now: datetime) -> list[dict]:
    """Every active goal: baseline, current value (measured by the app or entered), target, progress."""
    goals = db.session.scalars(select(Goal).options(selectinload(Goal.measurements), selectinload(Goal.texts))
                               .where(Goal.retired_at.is_(None)).order_by(Goal.id)).all()
    result = []
    for goal in goals:
        value = current_value(goal, now)
        progress = value.progress(goal)
        result.append({"goal": goal, "value": value.value, "measured": value.measured, "on": value.on,
                       "change": None if value.value is None else value.value - goal.baseline,
                       "progress": None if progress is None else round(progress * 100)})
    return result

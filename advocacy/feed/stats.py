"""Counts of shares and clicks, for a person's own page and for marketing's reports.

Every function is a fixed number of grouped queries. A share counts at its `shared_at`, a click at
its `clicked_at`; a click belongs to the post, network and person of the tracked link it came
through, and to that person's department as it is now. Times are aware UTC; None means unbounded.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, func, literal, select, tuple_, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from advocacy.core.db import db
from advocacy.core.organisation import Department, User
from advocacy.feed.models import Click, Post, Share, TrackedLink


def _between(column, since: datetime | None, until: datetime | None):
    conditions = []
    if since is not None:
        conditions.append(column >= since)
    if until is not None:
        conditions.append(column < until)
    return conditions


def count_shares(since: datetime | None = None, until: datetime | None = None) -> int:
    return db.session.scalar(select(func.count(Share.id)).where(*_between(Share.shared_at, since, until))) or 0


def count_clicks(since: datetime | None = None, until: datetime | None = None) -> int:
    return db.session.scalar(select(func.count(Click.id)).where(*_between(Click.clicked_at, since, until))) or 0


def sharers_query(since: datetime | None = None, until: datetime | None = None):
    """The ids of everyone who shared at least once in the period, as a query to join with."""
    return (select(Share.user_id).where(Share.user_id.is_not(None), *_between(Share.shared_at, since, until))
            .distinct())


def sharer_ids(since: datetime | None = None, until: datetime | None = None) -> set[int]:
    """Everyone who shared at least once in the period (join with certifications for participation)."""
    return set(db.session.scalars(sharers_query(since, until)))


def shares_by(key, since, until, *joins) -> dict:
    """Shares in the period grouped by `key`, with outer joins to reach it (one query)."""
    query = select(key, func.count(Share.id)).select_from(Share)
    for target, on in joins:
        query = query.outerjoin(target, on)
    return dict(db.session.execute(query.where(*_between(Share.shared_at, since, until)).group_by(key)).all())


def clicks_by(key, since, until, *joins) -> dict:
    """Clicks in the period grouped by `key`, through their tracked link (one query)."""
    query = select(key, func.count(Click.id)).select_from(Click).join(TrackedLink, TrackedLink.id == Click.link_id)
    for target, on in joins:
        query = query.outerjoin(target, on)
    return dict(db.session.execute(query.where(*_between(Click.clicked_at, since, until)).group_by(key)).all())


def _merge(shares: dict, clicks: dict) -> dict:
    return {key: {"shares": shares.get(key, 0), "clicks": clicks.get(key, 0)} for key in shares.keys() | clicks.keys()}


def totals_by_network(since=None, until=None) -> dict[str, dict]:
    """{"linkedin": {"shares": 12, "clicks": 40}, ...}"""
    return _merge(shares_by(Share.network, since, until), clicks_by(TrackedLink.network, since, until))


def totals_by_post(since=None, until=None) -> dict[int, dict]:
    """{post_id: {"shares": n, "clicks": n}}; titles via Post (see posts_with_totals)."""
    return _merge(shares_by(Share.post_id, since, until), clicks_by(TrackedLink.post_id, since, until))


def totals_by_department(since=None, until=None) -> dict[int | None, dict]:
    """{department_id or None: {"shares": n, "clicks": n}}, by the sharer's current department."""
    shares = shares_by(User.department_id, since, until, (User, User.id == Share.user_id))
    clicks = clicks_by(User.department_id, since, until, (User, User.id == TrackedLink.user_id))
    return _merge(shares, clicks)


def posts_with_totals(since=None, until=None) -> list[dict]:
    """Every post that was shared or clicked in the period, with its title, busiest first."""
    totals = totals_by_post(since, until)
    titles = dict(db.session.execute(select(Post.id, Post.title).where(Post.id.in_(totals))).all()) if totals else {}
    rows = [{"post_id": pid, "title": titles.get(pid, ""), **counts} for pid, counts in totals.items()]
    return sorted(rows, key=lambda r: (-r["clicks"], -r["shares"], r["post_id"]))


def department_names() -> dict[int, str]:
    return dict(db.session.execute(select(Department.id, Department.name)).all())


def link_totals(link_ids: list[int]) -> dict[int, dict]:
    """Shares, last share and clicks for each of these tracked links (two queries)."""
    if not link_ids:
        return {}
    shares = {row[0]: row[1:] for row in db.session.execute(
        select(Share.link_id, func.count(Share.id), func.max(Share.shared_at))
        .where(Share.link_id.in_(link_ids)).group_by(Share.link_id))}
    clicks = dict(db.session.execute(select(Click.link_id, func.count(Click.id))
                                     .where(Click.link_id.in_(link_ids)).group_by(Click.link_id)).all())
    return {i: {"shares": shares.get(i, (0, None))[0], "last_shared_at": shares.get(i, (0, None))[1],
                "clicks": clicks.get(i, 0)} for i in link_ids}


def clicks_per_day(link_id: int, since: datetime):
    return db.session.execute(select(Click.day, func.count(Click.id)).where(Click.link_id == link_id,
                                                                           Click.clicked_at >= since)
                              .group_by(Click.day).order_by(Click.day.desc())).all()


def post_totals(post_ids: list[int]) -> dict[int, dict]:
    """Shares and clicks of these posts, all time (two queries)."""
    if not post_ids:
        return {}
    shares = dict(db.session.execute(select(Share.post_id, func.count(Share.id))
                                     .where(Share.post_id.in_(post_ids)).group_by(Share.post_id)).all())
    clicks = dict(db.session.execute(select(TrackedLink.post_id, func.count(Click.id))
                                     .join(Click, Click.link_id == TrackedLink.id)
                                     .where(TrackedLink.post_id.in_(post_ids)).group_by(TrackedLink.post_id)).all())
    return {i: {"shares": shares.get(i, 0), "clicks": clicks.get(i, 0)} for i in post_ids}


# -- per day, post, network and department (the REST API's feed totals) ------------------------

class utc_day(FunctionElement):
    """The UTC calendar day of an aware timestamp column (SQLite keeps naive UTC already)."""

    type = Date()
    name = "utc_day"
    inherit_cache = True


@compiles(utc_day)
def _utc_day_default(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(utc_day, "postgresql")
def _utc_day_postgresql(element, compiler, **kw):
    return f"CAST(timezone('UTC', {compiler.process(element.clauses, **kw)}) AS DATE)"


def daily_totals(since: datetime | None, until: datetime | None, department_id: int | None = None,
                 after: list | None = None, limit: int = 50) -> list[dict]:
    """Shares and clicks per (day, post, network, the person's department now), in that order, as
    one grouped query over both (the same attribution as the functions above: a share at its
    shared_at, a click at its clicked_at through its tracked link). `after` is the key to continue
    after (keyset pagination; department 0 stands for none)."""
    share_department = func.coalesce(User.department_id, 0)
    shares = (select(utc_day(Share.shared_at).label("day"), Share.post_id.label("post_id"),
                     Share.network.label("network"), share_department.label("department"),
                     literal(1).label("shares"), literal(0).label("clicks"))
              .select_from(Share).outerjoin(User, User.id == Share.user_id)
              .where(*_between(Share.shared_at, since, until)))
    clicks = (select(Click.day.label("day"), TrackedLink.post_id.label("post_id"),
                     TrackedLink.network.label("network"), share_department.label("department"),
                     literal(0).label("shares"), literal(1).label("clicks"))
              .select_from(Click).join(TrackedLink, TrackedLink.id == Click.link_id)
              .outerjoin(User, User.id == TrackedLink.user_id).where(*_between(Click.clicked_at, since, until)))
    if department_id is not None:
        in_department = User.department_id == department_id
        shares, clicks = shares.where(in_department), clicks.where(in_department)
    rows = union_all(shares, clicks).subquery("events")
    key = (rows.c.day, rows.c.post_id, rows.c.network, rows.c.department)
    query = select(*key, func.sum(rows.c.shares), func.sum(rows.c.clicks)).group_by(*key).order_by(*key)
    if after is not None:
        query = query.where(tuple_(*key) > tuple_(*(literal(v) for v in after)))
    return [{"day": day if isinstance(day, date) else date.fromisoformat(day), "post_id": post_id,
             "network": network, "department_id": department or None, "shares": int(s), "clicks": int(c)}
            for day, post_id, network, department, s, c in db.session.execute(query.limit(limit))]

"""The feed's page: the cards of the visible posts, the page count and the tiers still locked.

The feed is the page employees open most, so it reads plain rows instead of Post entities and runs
statements built once per process with only the values bound: building the department test alone
costs more than running it. It makes a fixed number of queries whatever the page size: the
page of posts joined with their captions, and one count of live posts per tier that gives both
the page total and the posts waiting in the locked tiers (skipped when page 1 holds everything).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from math import ceil

from sqlalchemy import bindparam, func, select

from advocacy.core.clock import UTCDateTime
from advocacy.core.db import db
from advocacy.feed.models import Caption, Post
from advocacy.feed.visibility import Reach, targets_department
from advocacy.learning.catalogue import GoalInfo, catalogue
from advocacy.learning.tiers import TIERS


@dataclass
class CardPost:
    """What a post's card and share buttons use: the same names as on Post, so the card macro and
    offer_for take either."""

    id: int
    title: str
    body: str
    link: str
    image_name: str | None
    image_alt: str
    hashtags: str
    goal_id: int | None
    goal: GoalInfo | None = None
    captions: list = field(default_factory=list)  # rows with network, position and text, in Post's order

    captions_for = Post.captions_for  # the same rule: blank variants do not count


@dataclass
class FeedPage:
    """One page of cards with what the `pager` macro reads, and the tiers the person lacks."""

    items: list[CardPost]
    page: int
    per_page: int
    total: int
    locked: list[dict]

    @property
    def pages(self) -> int:
        return ceil(self.total / self.per_page)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


def _live_here():
    """Post.is_live_at and targets_department with the time and the department as parameters."""
    return Post.is_live_at(bindparam("now", type_=UTCDateTime())), targets_department(bindparam("department_id"))


@lru_cache(maxsize=1)
def page_statement():
    """The card columns of the visible posts of some tiers, newest first, from an offset, each with
    its captions in the order of Post.captions: one row per caption (one without, for a post that
    has none). The page is chosen first, so the limit counts posts, not captions."""
    page = (select(Post.id, Post.title, Post.body, Post.link, Post.image_name, Post.image_alt, Post.hashtags,
                   Post.goal_id, Post.publish_at)
            .where(*_live_here(), Post.min_tier.in_(bindparam("tiers", expanding=True)))
            .order_by(Post.publish_at.desc(), Post.id.desc())
            .limit(bindparam("limit")).offset(bindparam("offset"))).subquery("page")
    return (select(*(page.c[name] for name in CARD_COLUMNS), Caption.network, Caption.position, Caption.text)
            .select_from(page).outerjoin(Caption, Caption.post_id == page.c.id)
            .order_by(page.c.publish_at.desc(), page.c.id.desc(), Caption.network, Caption.position))


CARD_COLUMNS = ("id", "title", "body", "link", "image_name", "image_alt", "hashtags", "goal_id")


@lru_cache(maxsize=1)
def counts_statement():
    """How many live posts each tier holds for the department."""
    return select(Post.min_tier, func.count(Post.id)).where(*_live_here()).group_by(Post.min_tier)


def read_rows(statement, values: dict):
    """Rows of a statement built above, on the session's connection: their WHERE clauses use Post's
    rules (mapped attributes), so the session would route them through the ORM's result handling,
    about half the cost of such a small query. Nothing is flushed first: the feed only reads."""
    return db.session.connection().execute(statement, values)


def goals_by_id(goal_ids: set[int]) -> dict[int, GoalInfo]:
    """The cards' goals, from the process's catalogue of course content (no query); retired goals
    are in it too, as a post may still name one."""
    goals = catalogue().goals
    return {goal_id: goals[goal_id] for goal_id in goal_ids if goal_id in goals}


def feed_page(reach: Reach, now: datetime, page: int, per_page: int) -> FeedPage:
    """Page `page` of the person's feed. One row more than a page is read, so a first page that
    holds every post needs no count unless a tier is locked."""
    values = {"now": now, "department_id": reach.department_id}
    posts = []
    if reach.tiers:
        rows = read_rows(page_statement(), {**values, "tiers": sorted(reach.tiers),
                                            "limit": per_page + 1, "offset": (page - 1) * per_page})
        by_id: dict[int, CardPost] = {}
        for row in rows:
            post = by_id.get(row.id)
            if post is None:
                post = by_id[row.id] = CardPost(*row[:len(CARD_COLUMNS)])
            if row.network is not None:
                post.captions.append(row)  # has .network, .position and .text, as a Caption
        posts = list(by_id.values())
    more, posts = len(posts) > per_page, posts[:per_page]
    missing = [tier for tier in TIERS if tier not in reach.tiers]
    if missing or more or page > 1:
        counts = dict(read_rows(counts_statement(), values).all())
        total = sum(counts.get(tier, 0) for tier in reach.tiers)
    else:
        counts, total = {}, len(posts)
    if posts:
        goals = goals_by_id({post.goal_id for post in posts if post.goal_id is not None})
        for post in posts:
            post.goal = goals.get(post.goal_id) if post.goal_id is not None else None
    locked = [{"tier": tier, "waiting": counts.get(tier, 0), "expired_at": reach.expired.get(tier)}
              for tier in missing]
    return FeedPage(posts, page, per_page, total, locked)

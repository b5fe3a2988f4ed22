"""Who may see which post: one rule for the feed, a post's page, its image and sharing it."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import abort
from sqlalchemy import false, or_, select
from sqlalchemy.orm import selectinload

from advocacy.core.db import db
from advocacy.core.organisation import Department, User
from advocacy.feed.models import Post
from advocacy.learning.models.goals import Goal
from advocacy.learning.policy import acknowledged_current
from advocacy.learning.record import learner_record
from advocacy.learning.rules.validity import held_and_expired


@dataclass
class Reach:
    """What a person's feed holds right now: the policy acknowledged, the tiers unlocked, and when
    the certification of a tier they no longer hold expired."""

    user_id: int
    department_id: int | None
    policy_ok: bool
    tiers: set[str] = field(default_factory=set)
    expired: dict[str, datetime] = field(default_factory=dict)

    @property
    def unlocked(self) -> bool:
        return self.policy_ok and bool(self.tiers)


def reach_of(user: User, now: datetime) -> Reach:
    """From the person's record (courses/record.py): one query, the content stamp included."""
    record = learner_record(user.id)
    policy_ok = acknowledged_current(record)
    tiers, expired = held_and_expired(record.certifications, now) if policy_ok else (set(), {})
    return Reach(user.id, user.department_id, policy_ok, tiers, expired)


def reaches(min_tier: str, department_ids, tiers: set[str], department_id: int | None) -> bool:
    """The rule for one post already loaded: a tier the person holds, and their department among the
    targeted ones (none targeted: everyone). `visible_posts` is the same rule in SQL."""
    departments = set(department_ids)
    return min_tier in tiers and (not departments or department_id in departments)


def targets_department(department_id: int | None):
    """No departments chosen means everyone; otherwise the person's department must be one. (Given
    as a bound parameter, a person without a department binds NULL, which matches no department.)"""
    everyone = ~Post.departments.any()
    if department_id is None:
        return everyone
    return or_(everyone, Post.departments.any(Department.id == department_id))


def visible_posts(reach: Reach, now: datetime):
    """Live posts of the tiers the person holds, for their department, newest first."""
    query = select(Post).where(Post.is_live_at(now), Post.min_tier.in_(sorted(reach.tiers)),
                               targets_department(reach.department_id))
    if not reach.policy_ok:
        query = query.where(false())
    return query.order_by(Post.publish_at.desc(), Post.id.desc())


def with_card_data(query):
    """What a card shows, loaded in a fixed number of queries whatever the page size."""
    goal = selectinload(Post.goal)
    if hasattr(Goal, "texts"):  # the goal's words in other languages
        goal = goal.selectinload(Goal.texts)
    return query.options(selectinload(Post.captions), goal)


def visible_post_or_404(user: User, post_id: int, now: datetime) -> Post:
    """A post this person may see and share. Anything else, including a post that exists but is
    outside their tiers, department or time window, is a 404: we do not confirm it exists."""
    reach = reach_of(user, now)
    post = db.session.scalar(with_card_data(visible_posts(reach, now).where(Post.id == post_id)))
    if post is None:
        abort(404)
    return post

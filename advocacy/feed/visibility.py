"""Who may see which post: one rule for the feed, a post's page, its image and sharing it."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import abort
from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import selectinload

from ..courses.models import Goal
from ..courses.policy import has_acknowledged_current
from ..courses.tiers import TIERS
from ..extensions import db
from ..people.models import Department, User
from ..quizzes.models import Certification, valid_tiers
from .models import Post


@dataclass
class Reach:
    """What a person's feed holds right now: the policy acknowledged, and the tiers unlocked."""

    user_id: int
    department_id: int | None
    policy_ok: bool
    tiers: set[str] = field(default_factory=set)

    @property
    def unlocked(self) -> bool:
        return self.policy_ok and bool(self.tiers)


def reach_of(user: User, now: datetime) -> Reach:
    policy_ok = has_acknowledged_current(user.id)
    tiers = valid_tiers(user.id, now) if policy_ok else set()
    return Reach(user.id, user.department_id, policy_ok, tiers)


def targets_department(department_id: int | None):
    """No departments chosen means everyone; otherwise the person's department must be one."""
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


def locked_tiers(reach: Reach, now: datetime) -> list[dict]:
    """For every tier the person lacks: how many live posts wait there for them, and when their
    certification expired, if it did (two queries)."""
    missing = [t for t in TIERS if t not in reach.tiers]
    if not missing:
        return []
    waiting = dict(db.session.execute(
        select(Post.min_tier, func.count(Post.id))
        .where(Post.is_live_at(now), Post.min_tier.in_(missing), targets_department(reach.department_id))
        .group_by(Post.min_tier)).all())
    expired = dict(db.session.execute(
        select(Certification.tier, func.max(Certification.expires_at))
        .where(Certification.user_id == reach.user_id, Certification.tier.in_(missing),
               Certification.revoked_at.is_(None), Certification.expires_at <= now)
        .group_by(Certification.tier)).all())
    return [{"tier": t, "waiting": waiting.get(t, 0), "expired_at": expired.get(t)} for t in missing]

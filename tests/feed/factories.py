"""Posts, certifications and goals for the feed's tests, built through the feed's own services."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from advocacy.learning.models.goals import Goal
from advocacy.core.db import db
from advocacy.feed import posts as post_service
from advocacy.feed.models import Post
from advocacy.learning.models.quizzes import Certification

from ..conftest import START

# The stored link of a typical post: it has a query of its own and one of our UTM keys already.
LINK = "https://www.example.com/news/spring?ref=home&utm_source=old"
CAPTIONS = {
    "linkedin": ["LinkedIn one", "LinkedIn two", "LinkedIn three"],
    "x": ["X one", "X two"],
    "facebook": ["Facebook one"],
    "whatsapp": ["WhatsApp one"],
    "email": ["E-mail one"],
}


def certify(user, tier: str = "basic", passed_at: datetime = START - timedelta(days=10),
            months: int = 12) -> Certification:
    cert = Certification(user_id=user.id, tier=tier, passed_at=passed_at,
                         expires_at=passed_at + timedelta(days=30 * months))
    db.session.add(cert)
    db.session.flush()
    return cert


def create_goal(slug: str = "reach", name: str = "Reach new audiences", why: str = "People trust people.",
                measure: str | None = None) -> Goal:
    goal = Goal(slug=slug, name=name, why=why, kpi="Clicks per month", unit="clicks", measure=measure,
                baseline=0, baseline_date=date(2026, 1, 1), target=100)
    db.session.add(goal)
    db.session.flush()
    return goal


def post_values(**overrides) -> dict:
    values = {
        "title": "Spring event", "body": "Join us at the **spring event**.", "link": LINK, "slug": "",
        "hashtags": "#spring", "min_tier": "basic", "goal_id": None, "department_ids": [],
        "publish_at": START, "expires_at": None, "image_alt": "", "image": "keep",
        "captions": {network: list(texts) for network, texts in CAPTIONS.items()},
    }
    values.update(overrides)
    return values


def create_post(author, reviewer=None, now: datetime = START - timedelta(days=1), **overrides) -> Post:
    """A post written by `author`; with a reviewer, also sent for review and approved."""
    post = post_service.create_post(post_values(**overrides), author, now)
    if reviewer is not None:
        post_service.submit_post(post, author, post.version, now)
        post_service.approve_post(post, reviewer, post.version, "", now)
    db.session.flush()
    return post


def create_live_post(author, reviewer, **overrides) -> Post:
    """Approved, published a day before START and not expiring: live at START."""
    overrides.setdefault("publish_at", START - timedelta(days=1))
    return create_post(author, reviewer, now=START - timedelta(days=2), **overrides)

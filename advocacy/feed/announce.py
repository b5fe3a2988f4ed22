"""Telling others a post is live, or withdrawn (core/events.py: webhooks hear it).

A post is live when it is approved and its publish time has come (Post.is_live_at). That moment
is noticed once per approved version: at the approval itself when the time has come already, else
by `feed.announce_live`, a job every minute, for posts scheduled for later. Both claim the moment
with one guarded UPDATE of `live_announced_version`, so two schedulers (or an approval racing the
job) publish `post.live` once. An approved edit of a live post is a new version: live again.
`post.withdrawn` is published for a post that was announced live.
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app, has_request_context, url_for
from sqlalchemy import or_, select, update

from advocacy.core import events
from advocacy.core.clock import utcnow
from advocacy.core.db import db, rows_changed
from advocacy.core.jobs import crontab, periodic
from advocacy.core.mail import absolute_url
from advocacy.feed.models import Post

BATCH = 500


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _payload(post: Post) -> dict:
    return dict(post_id=post.id, title=post.title, slug=post.slug, version=post.approved_version,
                min_tier=post.min_tier, publish_at=_iso(post.publish_at), expires_at=_iso(post.expires_at),
                url=post_url(post.id))


def post_url(post_id: int) -> str:
    """The post's page at the public address (from a request, a job or a CLI command alike)."""
    if has_request_context():
        return absolute_url(url_for("feed.show", post_id=post_id))
    with current_app.test_request_context():
        return absolute_url(url_for("feed.show", post_id=post_id))


def announce_if_live(post: Post, now: datetime) -> bool:
    """Publish post.live if the post is live now and this approved version was not announced yet."""
    if not post.is_live_at(now):
        return False
    claimed = rows_changed(
        update(Post).where(Post.id == post.id, Post.is_live_at(now), Post.approved_version.is_not(None),
                           or_(Post.live_announced_version.is_(None),
                               Post.live_announced_version != Post.approved_version))
        .values(live_announced_version=Post.approved_version).execution_options(synchronize_session=False))
    if claimed != 1:
        return False
    db.session.refresh(post)
    events.publish("post.live", **_payload(post))
    return True


def announce_withdrawn(post: Post, was_announced: bool) -> None:
    if was_announced:
        payload = _payload(post)
        del payload["expires_at"], payload["publish_at"], payload["url"]  # its page is gone
        events.publish("post.withdrawn", **payload, withdrawn_at=_iso(post.withdrawn_at))


@periodic("feed.announce_live", crontab(minute="*"))
def announce_live() -> int:
    """Scheduled posts whose time came since the last run: post.live for each, once."""
    now = utcnow()
    due = db.session.scalars(
        select(Post).where(Post.is_live_at(now), Post.approved_version.is_not(None),
                           or_(Post.live_announced_version.is_(None),
                               Post.live_announced_version != Post.approved_version))
        .order_by(Post.publish_at, Post.id).limit(BATCH)).all()
    return sum(announce_if_live(post, now) for post in due)

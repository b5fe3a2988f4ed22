"""The feed's part of "download my data": shares, and the clicks each tracked link brought.
Shares and clicks stay after erasure (anonymous: the person's row no longer says who it was)."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from advocacy.core.db import db
from advocacy.core.privacy import add_personal_data, plain
from advocacy.feed.models import Click, Post, Share, TrackedLink


def sharing_data(user) -> dict:
    shares = db.session.execute(
        select(Post.title, Share.network, Share.shared_at).join(Post, Post.id == Share.post_id)
        .where(Share.user_id == user.id).order_by(Share.shared_at))
    clicks = db.session.execute(
        select(Post.title, TrackedLink.network, func.count(Click.id)).join(Post, Post.id == TrackedLink.post_id)
        .join(Click, Click.link_id == TrackedLink.id).where(TrackedLink.user_id == user.id)
        .group_by(Post.title, TrackedLink.network).order_by(Post.title, TrackedLink.network))
    return {
        "shares": [{"post": title, "network": n, "shared_at": plain(at)} for title, n, at in shares],
        "clicks_on_your_links": [{"post": title, "network": n, "clicks": count} for title, n, count in clicks],
    }


def init_app(app: Flask) -> None:
    add_personal_data(app, sharing_data)

"""Sharing a post: which caption a person gets, their tracked link, and the record of the share."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from advocacy.core.db import db, insert_ignoring_conflict
from advocacy.feed import rules
from advocacy.feed.models import Post, Share, TrackedLink


@dataclass(frozen=True)
class Offer:
    """What one network's share button uses for one person."""

    network: str
    variant: int | None  # position of the caption variant, None when the network has no caption
    caption: str  # with the post's hashtags


def offer_for(post: Post, user_id: int, network: str, by_network: dict | None = None) -> Offer:
    """The person's caption for a network; the phone's share sheet and networks without a caption
    borrow one from another network, or fall back to the title. `by_network` is the post's
    non-blank captions per network (captions_by_network), when the caller already has them."""
    if by_network is None:
        by_network = captions_by_network(post)
    candidates = (network,) if network in rules.CAPTION_NETWORKS else ()
    for source in candidates + rules.CAPTION_FALLBACK_ORDER:
        captions = by_network.get(source)
        if captions:
            index = rules.variant_index(user_id, post.id, source, len(captions))
            variant = captions[index].position if source == network else None
            return Offer(network, variant, rules.share_text(captions[index].text, post.hashtags))
    return Offer(network, None, rules.share_text(post.title, post.hashtags))


def captions_by_network(post: Post) -> dict[str, list]:
    """Post.captions_for for every network at once (the same rule: blank variants do not count)."""
    grouped: dict[str, list] = {}
    for caption in post.captions:
        if caption.text.strip():
            grouped.setdefault(caption.network, []).append(caption)
    return grouped


def offers_for(post: Post, user_id: int) -> dict[str, Offer]:
    by_network = captions_by_network(post)
    return {n: offer_for(post, user_id, n, by_network) for n in rules.SHARE_NETWORKS}


def new_link_code() -> str:
    return secrets.token_urlsafe(12)  # 96 random bits


def link_for(user_id: int, post_id: int, network: str, now: datetime) -> TrackedLink:
    """The person's one link for this post and network, made on first share."""
    def existing():
        return db.session.scalar(select(TrackedLink).where(
            TrackedLink.user_id == user_id, TrackedLink.post_id == post_id, TrackedLink.network == network))

    for _ in range(3):  # a code collision (never seen at 96 bits) just tries another code
        link = existing()
        if link is not None:
            return link
        insert_ignoring_conflict(TrackedLink, code=new_link_code(), user_id=user_id, post_id=post_id,
                                 network=network, created_at=now)
    link = existing()
    if link is None:
        raise RuntimeError("could not create a tracked link")
    return link


def tracked_url(link: TrackedLink) -> str:
    """The public address of a tracked link (no request needed: reports and the CLI use it too)."""
    return f"{current_app.config['PUBLIC_URL']}/r/{link.code}"


def record_share(post: Post, user_id: int, network: str, now: datetime) -> tuple[Share, Offer, str]:
    """Record one share and return it with the caption and tracked URL to send. A second tap within
    a few seconds returns the first share instead of recording another."""
    link = link_for(user_id, post.id, network, now)
    offer = offer_for(post, user_id, network)
    previous = db.session.scalar(select(Share).where(Share.link_id == link.id)
                                 .order_by(Share.shared_at.desc()).limit(1))
    if previous is None or not rules.is_repeat_share(previous.shared_at, now):
        insert_ignoring_conflict(Share, user_id=user_id, post_id=post.id, post_version=post.version,
                                 link_id=link.id, network=network, variant=offer.variant, shared_at=now,
                                 dedupe_window=rules.share_window(now))
        previous = db.session.scalar(select(Share).where(Share.link_id == link.id)
                                     .order_by(Share.shared_at.desc()).limit(1))
    assert previous is not None  # inserted just now, or the tap a moment ago
    return previous, offer, tracked_url(link)


def destination(network: str, offer: Offer, url: str, post: Post) -> str:
    return rules.network_share_url(network, offer.caption, url, post.title)

"""What the feed's templates need: labels, a goal's words, card addresses. (Times: core/display.py.)"""
from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urlsplit

from flask import current_app, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from advocacy.core.markdown import render
from advocacy.feed.forms import NETWORK_LABELS, TIER_LABELS
from advocacy.feed.rules import LINK_ONLY_NETWORKS, SHARE_NETWORKS

PHASE_LABELS = {
    "draft": _l("Draft"), "in_review": _l("In review"), "returned": _l("Returned"),
    "scheduled": _l("Scheduled"), "live": _l("Live"), "expired": _l("Expired"), "withdrawn": _l("Withdrawn"),
}
PHASE_BADGES = {"live": "ok", "scheduled": "ok", "in_review": "warn", "returned": "bad", "withdrawn": "bad"}
ACTION_LABELS = {
    "created": _l("Created"), "edited": _l("Edited"), "submitted": _l("Submitted for review"),
    "approved": _l("Approved"), "returned": _l("Returned"), "withdrawn": _l("Withdrawn"),
}
# The parts of a post a new version can change, as listed to reviewers (keys from posts.snapshot).
FIELD_LABELS = {
    "title": _l("title"), "body": _l("text"), "link": _l("link"), "slug": _l("campaign name"),
    "hashtags": _l("hashtags"), "min_tier": _l("who may share it"), "goal": _l("goal"),
    "departments": _l("departments"), "publish_at": _l("publish time"), "expires_at": _l("expiry time"),
    "image": _l("image"), "image_type": _l("image"), "image_alt": _l("image description"),
    "captions": _l("captions"),
}
# What passing each tier's quiz unlocks, shown on the feed for tiers a person does not hold.
UNLOCKS = {
    "basic": _l("Pass the basic course and its quiz to unlock company news, vacancies and events."),
    "advanced": _l("Pass the advanced course and its quiz to unlock campaigns and thought leadership."),
    "expert": _l("Pass the expert course and its quiz to unlock early access, conversation starters "
                 "and ambassador briefs."),
}


def goal_words(goal):
    """The goal in the reader's language when a translation is loaded."""
    if goal is None:
        return None
    text_in = getattr(goal, "text_in", None)
    return text_in(str(get_locale())) if text_in else goal


def site_of(link: str) -> str:
    return urlsplit(link or "").hostname or ""


class CardUrls(NamedTuple):
    """Where a post's card links and posts to."""

    show: str
    share: dict[str, str]  # network -> where the share is recorded (a POST)
    text: dict[str, str]  # network -> the page showing the caption to copy


@lru_cache(maxsize=4096)
def _card_urls(script_root: str, post_id: int) -> CardUrls:
    return CardUrls(url_for("feed.show", post_id=post_id),
                    {n: url_for("feed.share", post_id=post_id, network=n) for n in SHARE_NETWORKS},
                    {n: url_for("feed.share_page", post_id=post_id, network=n) for n in LINK_ONLY_NETWORKS})


def card_urls(post_id: int) -> CardUrls:
    """A card's addresses depend only on the post and where the app is mounted (a proxy may set a
    prefix per request), so each worker builds them once: a card needs ten, and url_for costs as
    much as the rest of a share button."""
    return _card_urls(request.script_root, post_id)


def image_url(post) -> str:
    """Where a post's image is: an address by content, so browsers keep it until it changes."""
    return url_for("feed.image_file", post_id=post.id, name=post.image_name)


def policy_url() -> str:
    """The policy page when the courses feature offers one, else the learning home."""
    for rule in current_app.url_map.iter_rules():
        if rule.rule == "/policy" and "GET" in (rule.methods or ()):
            return url_for(rule.endpoint)
    return url_for("courses.home")


def field_names(keys) -> str:
    """Changed snapshot keys as words, once each: 'title, captions'."""
    names = dict.fromkeys(str(FIELD_LABELS.get(key, key)) for key in keys)
    return ", ".join(names)


def translated(labels: dict) -> dict[str, str]:
    """Lazy labels translated now, for a page that shows each of them many times."""
    return {key: str(label) for key, label in labels.items()}


def display_helpers() -> dict:
    return {
        "network_labels": NETWORK_LABELS, "tier_labels": TIER_LABELS,
        "phase_labels": PHASE_LABELS, "phase_badges": PHASE_BADGES, "action_labels": ACTION_LABELS,
        "unlocks": UNLOCKS, "goal_words": goal_words, "untrusted_markdown": lambda text: render(text, trusted=False),
        "site_of": site_of, "link_only_networks": LINK_ONLY_NETWORKS,
        "field_names": field_names, "translated": translated, "card_urls": card_urls, "image_url": image_url,
    }

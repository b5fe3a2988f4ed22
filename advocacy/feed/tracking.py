"""Tracked links: count a click, then send the visitor to the post's stored link.

This is the app's hot path: one indexed lookup, at most one insert, no user, no template. The
visitor is a keyed hash of address and browser; the key changes every UTC day, so yesterday's
hashes cannot be joined to today's, and the raw address is never stored.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import Date, Integer, String, bindparam, cast, exists, select
from sqlalchemy.dialects import postgresql, sqlite

from advocacy.core.clock import UTCDateTime
from advocacy.core.db import db, rows_changed
from advocacy.feed import rules
from advocacy.feed.models import Click, Post, TrackedLink

# Link-preview fetchers, crawlers and tools: matched anywhere in the user agent, any case.
BOT_MARKERS = (
    "linkedinbot", "twitterbot", "facebookexternalhit", "facebookcatalog", "meta-externalagent", "slackbot",
    "slack-imgproxy", "whatsapp", "telegrambot", "googlebot", "google-inspectiontool", "adsbot-google",
    "mediapartners-google", "feedfetcher-google", "bingbot", "bingpreview", "msnbot", "discordbot",
    "applebot", "duckduckbot", "yandex", "baiduspider", "petalbot", "sogou", "exabot", "ia_archiver",
    "pinterest", "redditbot", "skypeuripreview", "embedly", "vkshare", "quora link preview",
    "cardyb", "iframely", "outbrain", "ahrefsbot", "semrushbot", "mj12bot",
    "dotbot", "bytespider", "gptbot", "claudebot", "ccbot", "perplexitybot", "headlesschrome",
    "phantomjs", "python-requests", "python-urllib", "aiohttp", "httpx", "go-http-client", "curl/",
    "wget/", "okhttp", "java/", "libwww-perl", "apache-httpclient", "node-fetch", "axios/",
    "crawler", "spider", "preview", "bot/", "bot;", "+http",
)
_BOT_RE = re.compile("|".join(re.escape(m) for m in BOT_MARKERS), re.IGNORECASE)
_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{8,32}$")
REPEAT_WINDOW = timedelta(hours=24)


def is_bot(user_agent: str | None) -> bool:
    """Link previews and crawlers fetch the link without anyone clicking; no browser, no count."""
    return not (user_agent or "").strip() or _BOT_RE.search(user_agent or "") is not None


def looks_like_code(code: str) -> bool:
    return _CODE_RE.match(code) is not None


@lru_cache(maxsize=8)
def day_key(secret: str, day: date) -> bytes:
    return hmac.new(secret.encode(), b"advocacy-click-visitor:" + day.isoformat().encode(), hashlib.sha256).digest()


def visitor_hash(secret: str, day: date, address: str, user_agent: str) -> str:
    message = f"{address}\n{user_agent}".encode("utf-8", "replace")
    return hmac.new(day_key(secret, day), message, hashlib.sha256).hexdigest()[:32]


class Target(NamedTuple):
    link_id: int
    network: str
    status: str
    approved_link: str | None
    approved_slug: str | None


# Built once: on the hot path only the parameters change.
FIND_TARGET = (select(TrackedLink.id, TrackedLink.network, Post.status, Post.approved_link, Post.approved_slug)
               .join(Post, Post.id == TrackedLink.post_id).where(TrackedLink.code == bindparam("code")))


def find_target(code: str) -> Target | None:
    row = db.session.execute(FIND_TARGET, {"code": code}).first()
    return Target(*row) if row else None


def is_gone(target: Target) -> bool:
    """Withdrawn posts stop redirecting; expired ones keep going (the link is out in the world)."""
    return target.status == rules.WITHDRAWN or not target.approved_link


@lru_cache(maxsize=4096)
def redirect_url(target_link: str, network: str, campaign: str) -> str:
    return rules.with_utm(target_link, network, campaign)


@lru_cache(maxsize=2)
def click_statement(dialect_name: str):
    """INSERT a click ... unless the visitor was counted under yesterday's key in the last 24 hours
    ... ON CONFLICT (link, visitor, day) DO NOTHING. PostgreSQL wants a type for a bare parameter
    in a SELECT list; SQLite must not get one (CAST(... AS DATE) would turn a date into a number)."""
    postgres = dialect_name == "postgresql"

    def param(name, type_):
        value = bindparam(name, type_=type_)
        return cast(value, type_) if postgres else value

    seen_yesterday = exists().where(
        Click.link_id == bindparam("link_id"), Click.day == bindparam("yesterday", type_=Date()),
        Click.visitor == bindparam("yesterday_visitor"), Click.clicked_at > bindparam("since", type_=UTCDateTime()))
    row = select(param("link_id", Integer()), param("visitor", String(64)), param("today", Date()),
                 param("now", UTCDateTime())).where(~seen_yesterday)
    dialect = postgresql if postgres else sqlite
    # The table, not the class: with a dict of parameters an ORM insert would become a bulk insert.
    insert = dialect.insert(Click.__table__)
    return insert.from_select(["link_id", "visitor", "day", "clicked_at"], row).on_conflict_do_nothing()


def count_click(link_id: int, secret: str, address: str, user_agent: str, now: datetime) -> bool:
    """Count the click unless this visitor was counted on this link in the last 24 hours: the
    unique key (link, visitor, day) settles races within a day, and the statement looks for the
    same visitor under yesterday's key. True when the click was counted."""
    today, yesterday = now.date(), now.date() - timedelta(days=1)
    values = {"link_id": link_id, "visitor": visitor_hash(secret, today, address, user_agent), "today": today,
              "now": now, "yesterday": yesterday, "since": now - REPEAT_WINDOW,
              "yesterday_visitor": visitor_hash(secret, yesterday, address, user_agent)}
    return rows_changed(click_statement(db.engine.dialect.name), values) == 1

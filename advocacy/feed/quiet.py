"""Quiet periods: the closed weeks before price-sensitive news (results, a merger, a dividend) in
which nobody who works here posts about it. Pure rules over plain values; every time is aware UTC.

A period runs from `starts_at` up to, not including, `ends_at`: at `ends_at` itself the news is
out and posting is allowed again. A post marked price-sensitive is held by every period; a post
that is not marked is held only by a period whose topics it mentions (see TOPIC_WORDS).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType

from advocacy.core.clock import as_utc
from advocacy.feed import rules

# Topic code -> the words (English and Dutch) that show a text touches it. Bare "results",
# "profit", "winst" or "outlook" are not here: "great results for a client", "a non-profit", "een
# winst voor het klimaat" or Microsoft Outlook are no news to hold back.
TOPIC_WORDS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "results": (
        "annual results", "quarterly results", "half-year results", "half year results", "financial results",
        "full-year results", "earnings", "our revenue", "revenue growth", "net profit", "operating profit",
        "profit growth", "annual report", "trading update",
        "jaarcijfers", "kwartaalcijfers", "halfjaarcijfers", "jaarresultaten", "kwartaalresultaten",
        "halfjaarresultaten", "financiële resultaten", "onze omzet", "omzetgroei", "omzetcijfers", "onze winst",
        "nettowinst", "winstcijfers", "winstgroei", "jaarverslag", "halfjaarbericht",
    ),
    "merger": (
        "merger", "mergers", "merger talks", "acquisition", "acquisitions", "takeover", "takeovers",
        "takeover bid", "joint venture", "fusie", "fusies", "fusiegesprekken", "overname", "overnames",
        "overnamebod", "overnamegesprekken", "overnemen", "samensmelting",
    ),
    "guidance": (
        "earnings guidance", "financial guidance", "financial outlook", "earnings outlook", "forecast",
        "forecasts", "profit warning",
        "prognose", "prognoses", "vooruitzichten", "winstverwachting", "winstwaarschuwing", "omzetverwachting",
    ),
    "dividend": (
        "dividend", "dividends", "share buyback", "share buy-back", "stock split",
        "dividenduitkering", "slotdividend", "interim-dividend", "aandeleninkoop", "inkoop van eigen aandelen",
    ),
    "share_price": (
        "share price", "stock price", "our shares", "aandelenkoers", "beurskoers", "onze aandelen",
    ),
})
TOPICS = tuple(TOPIC_WORDS)


@dataclass(frozen=True)
class QuietPeriod:
    starts_at: datetime
    ends_at: datetime
    reason: str
    topics: tuple[str, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "starts_at", as_utc(self.starts_at))
        object.__setattr__(self, "ends_at", as_utc(self.ends_at))
        object.__setattr__(self, "topics", tuple(self.topics))
        if self.ends_at <= self.starts_at:
            raise ValueError("a quiet period ends after it starts")

    def contains(self, when: datetime) -> bool:
        return self.starts_at <= as_utc(when) < self.ends_at

    def holds(self, price_sensitive: bool, text_topics: Iterable[str]) -> bool:
        """Whether this period holds back a post: every price-sensitive one, others by topic."""
        return price_sensitive or bool(set(self.topics) & set(text_topics))


def topics_in(text: str, topic_words: Mapping[str, Iterable[str]] = TOPIC_WORDS) -> dict[str, list[rules.Found]]:
    """Topic code -> where the text mentions it (whole words, any case); topics not mentioned are left out."""
    topics_of: dict[str, list[str]] = {}
    for topic, words in topic_words.items():
        for word in words:
            topics_of.setdefault(rules.term_key(word), []).append(topic)
    found: dict[str, list[rules.Found]] = {}
    for place in rules.find_terms(text, _all_words(topic_words)):
        for topic in topics_of.get(rules.term_key(place.text), ()):
            found.setdefault(topic, []).append(place)
    return found


def _all_words(topic_words: Mapping[str, Iterable[str]]) -> list[str]:
    return [word for words in topic_words.values() for word in words]


def active_at(periods: Iterable[QuietPeriod], now: datetime) -> list[QuietPeriod]:
    """The periods `now` falls in, the one ending first first."""
    now = as_utc(now)
    return sorted((p for p in periods if p.contains(now)), key=lambda p: (p.ends_at, p.starts_at))


def next_after(periods: Iterable[QuietPeriod], now: datetime) -> QuietPeriod | None:
    """The first period that has not started yet at `now`, so an editor can warn when scheduling."""
    now = as_utc(now)
    coming = [p for p in periods if p.starts_at > now]
    return min(coming, key=lambda p: (p.starts_at, p.ends_at)) if coming else None


def blocks(periods: Iterable[QuietPeriod], now: datetime, price_sensitive: bool,
           text_topics: Iterable[str] = ()) -> QuietPeriod | None:
    """The period that holds this post back at `now` (the one lasting longest), or None."""
    text_topics = tuple(text_topics)
    holding = [p for p in active_at(periods, now) if p.holds(price_sensitive, text_topics)]
    return max(holding, key=lambda p: p.ends_at) if holding else None


def clear_at(periods: Iterable[QuietPeriod], wanted_at: datetime, price_sensitive: bool = True,
             text_topics: Iterable[str] = ()) -> datetime:
    """The first moment at or after `wanted_at` that no holding period contains. Periods that touch
    or overlap are walked through: a period ending at 9:00 and another starting at 9:00 are one wait."""
    periods, text_topics = tuple(periods), tuple(text_topics)
    when = as_utc(wanted_at)
    while True:
        holding = blocks(periods, when, price_sensitive, text_topics)
        if holding is None:
            return when
        when = holding.ends_at


def first_allowed_at(periods: Iterable[QuietPeriod], wanted_at: datetime) -> datetime:
    """When a price-sensitive post wanted at `wanted_at` may go out: `wanted_at` itself outside any
    period, otherwise the end of the period (or chain of touching periods) it falls in."""
    return clear_at(periods, wanted_at, price_sensitive=True)

"""The guided composer's live guidance: what the policy and the networks say about a post someone
writes for their own account. Pure: a Draft and a GuidanceContext in, a list of Checks out; no
request, no database, no clock of its own (the context carries `now`).

Each Check names a code, a severity (block: cannot go out; warn: think again or let a reviewer
look; tip: it would work better otherwise; ok: this part is fine), the network it concerns, the
numbers and words its message needs, the lesson that teaches it and the spans of the text it is
about, as Python string offsets (`utf16_spans` converts them for a browser's JavaScript).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from types import MappingProxyType

from advocacy.core.clock import as_utc
from advocacy.feed import quiet, rules

BLOCK, WARN, TIP, OK = "block", "warn", "tip", "ok"
SEVERITIES = (BLOCK, WARN, TIP, OK)
LANGUAGES = ("en", "nl")

# -- LinkedIn's "...see more" ---------------------------------------------------------------------
# LinkedIn's feed shows the first three lines of a post, then "...see more"; on a laptop that is
# about 210 characters, on a phone (a narrower column, same three lines) about 140. Sources agree
# on the three lines and on "about 200-210" for the desktop feed (postking.io, web-3-apps.com,
# boltpost.app; John Espirian's breakpoint notes, Sept 2024); the exact cut moves with screen width,
# so these are estimates. The disclosure must sit before the laptop fold (a warning); before the
# phone fold is better still (a tip).
LINKEDIN_FOLD = 210
LINKEDIN_FOLD_PHONE = 140
LINKEDIN_FOLD_LINES = 3

# -- hashtags -------------------------------------------------------------------------------------
# More tags than this on a network reads as spam and buries the message (a tip, not a rule).
# WhatsApp and e-mail do not link hashtags at all.
HASHTAG_MOST = MappingProxyType({"linkedin": 3, "x": 2, "facebook": 2, "whatsapp": 0, "email": 0})
# An all-lowercase tag this long probably joins words, even when the dictionary cannot split it.
# 15, not 12: Dutch writes real compounds as one word ("duurzaamheid", "arbeidsmarkt") and a
# screen reader reads those well; the tags that trip it up are longer strings of several words.
CAMEL_CASE_MIN_LENGTH = 15
# Shorter tags are not split: small words make false splits there ("#heten" is not "het" + "en").
CAMEL_CASE_SPLIT_MIN_LENGTH = 7
# Words that often make up hashtags at work, English and Dutch, to split "#werkenbijacme" into
# #WerkenBijAcme. The organisation's own names are added per context.
HASHTAG_WORDS = frozenset("""
    social media policy beleid news nieuws team work working werk werken bij at job jobs vacancy vacature
    vacatures hiring career careers carriere loopbaan life day dag week month maand year jaar tech data
    digital digitaal marketing sales employer employee werkgever medewerker medewerkers brand branding
    proud trots people mensen culture cultuur future toekomst innovation innovatie customer klant klanten
    service webcare event events launch lancering product products open house huis summer zomer winter
    spring lente autumn herfst green groen sustainable duurzaam energy energie health zorg safety
    veiligheid learning leren training growth groei community women vrouwen in of the and en de het van
    voor for with met our ons onze we wij new nieuw nieuwe best good goed great mooi world wereld local
    lokaal talent talents office kantoor home thuis remote hybrid hybride advocacy ambassador
    ambassadeur throwback thursday monday motivation friday feeling
""".split())

# -- disclosure -----------------------------------------------------------------------------------
# Words that say the writer works for the company, per language; all languages count in any post.
DISCLOSURE_PHRASES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "en": ("I work at", "I work for", "I work here", "I'm working at", "I am working at", "my employer",
           "colleague at", "colleagues at", "my colleagues", "employee of", "employee at", "I am an employee",
           "I'm an employee", "#employee", "(employee)", "full disclosure", "disclosure: I"),
    "nl": ("ik werk bij", "ik werk voor", "ik werk hier", "mijn werkgever", "collega bij", "collega's bij",
           "mijn collega's", "medewerker van", "medewerker bij", "werkzaam bij", "in dienst bij",
           "ik ben in dienst", "#medewerker", "(medewerker)"),
})

# -- claims legal wants to see --------------------------------------------------------------------


@dataclass(frozen=True)
class LegalClaim:
    """A kind of claim, the language it is written in ("*": any) and a regular expression for it,
    matched as whole words, any case. English rows are not run on Dutch posts: in Dutch "best"
    means "quite" ("best druk")."""
    kind: str
    language: str
    pattern: str


_AMOUNT = r"\d(?:[\d.,]*\d)?(?:,-)?"
LEGAL_CLAIMS: tuple[LegalClaim, ...] = (
    LegalClaim("guarantee", "en", r"guarantee[sd]?|guaranteeing"),
    LegalClaim("guarantee", "nl", r"garanties?|gegarandeerde?|garander(?:en|t)"),
    LegalClaim("superlative", "en", r"best|cheapest|lowest prices?|fastest|unbeatable|market leader"),
    LegalClaim("superlative", "nl", r"beste|goedkoopste|laagste prijse?n?|snelste|onverslaanbaar|marktleider"),
    LegalClaim("number_one", "en", r"number (?:one|1)|no\. ?1"),
    LegalClaim("number_one", "nl", r"nummer (?:één|een|1)|nr\. ?1"),
    LegalClaim("number_one", "*", r"\#1"),
    LegalClaim("results", "en", r"results"),
    LegalClaim("results", "nl", r"resultaten"),
    LegalClaim("percentage", "*", r"[+-]?\d+(?:[.,]\d+)?\s?(?:%|percent|procent)"),
    LegalClaim("price", "*", r"(?:€|eur|\$|usd|£|gbp)\s?" + _AMOUNT
               + r"|" + _AMOUNT + r"\s?(?:€|eur|euro['’]s|euros?|dollars?|usd|£|gbp)"),
)
# Checks that send a post to a reviewer even when experts may publish on their own.
REVIEW_CODES = frozenset({"legal_claim"})

# Words that are not alt text: a screen reader would read them and tell the reader nothing.
_VAGUE_ALT = re.compile(r"^(?:image|photo|picture|pic|img|foto|afbeelding|plaatje|beeld)\s*\d*$"
                        r"|^\S+\.(?:jpe?g|png|gif|webp|heic)$", re.IGNORECASE)


# -- what goes in, what comes out -----------------------------------------------------------------

@dataclass(frozen=True)
class Image:
    alt: str = ""
    name: str = ""


@dataclass(frozen=True)
class Draft:
    """A post as written. Line ends become "\\n" (as a browser's textarea gives them), so spans
    refer to the same text the page shows."""
    text: str
    networks: tuple[str, ...]
    images: tuple[Image, ...] = ()
    price_sensitive: bool = False
    language: str = "en"

    def __post_init__(self):
        object.__setattr__(self, "text", (self.text or "").replace("\r\n", "\n").replace("\r", "\n"))
        object.__setattr__(self, "networks", tuple(dict.fromkeys(self.networks)))
        object.__setattr__(self, "images", tuple(self.images))
        unknown = [n for n in self.networks if n not in rules.CAPTION_NETWORKS]
        if unknown:
            raise ValueError(f"unknown network(s): {', '.join(unknown)}")
        if self.language not in LANGUAGES:
            raise ValueError(f"unknown language {self.language!r}")

    @cached_property
    def links(self) -> tuple[rules.Found, ...]:
        return tuple(rules.find_links(self.text))

    @cached_property
    def hashtags(self) -> tuple[rules.Found, ...]:
        return tuple(rules.find_hashtags(self.text))


@dataclass(frozen=True, kw_only=True)
class GuidanceContext:
    now: datetime
    organisation: str
    other_names: tuple[str, ...] = ()          # brands, products, short names: "about the company"
    domains: tuple[str, ...] = ()              # the company's web sites, e.g. "acme.com"
    confidential_terms: tuple[str, ...] = ()   # unreleased products, client names, code names
    disclosure_required: bool = False          # the organisation's policy makes disclosure a must
    experts_may_publish: bool = False
    quiet_periods: tuple[quiet.QuietPeriod, ...] = ()
    quiet_notice_days: int = 7
    lessons: Mapping[str, tuple[str, str]] = field(default_factory=dict)   # code -> (course, lesson)
    legal_claims: tuple[LegalClaim, ...] = LEGAL_CLAIMS
    disclosure_phrases: Mapping[str, Iterable[str]] = field(default_factory=lambda: DISCLOSURE_PHRASES)
    topic_words: Mapping[str, Iterable[str]] = field(default_factory=lambda: quiet.TOPIC_WORDS)

    def __post_init__(self):
        object.__setattr__(self, "now", as_utc(self.now))
        object.__setattr__(self, "quiet_periods", tuple(self.quiet_periods))

    @property
    def company_terms(self) -> list[str]:
        return [self.organisation, *self.other_names, *self.domains]


@dataclass(frozen=True)
class Check:
    code: str
    severity: str
    network: str | None = None
    params: Mapping[str, object] = field(default_factory=dict)
    lesson: tuple[str, str] | None = None
    spans: tuple[tuple[int, int], ...] = ()


def _check(context: GuidanceContext, code: str, severity: str, network: str | None = None,
           found: Iterable[rules.Found] = (), spans: Iterable[tuple[int, int]] = (), /, **params) -> Check:
    all_spans = tuple(spans) + tuple((f.start, f.end) for f in found)
    return Check(code, severity, network, params, context.lessons.get(code), tuple(sorted(all_spans)))


# -- the engine -----------------------------------------------------------------------------------

def check_post(draft: Draft, context: GuidanceContext) -> list[Check]:
    """Every check on the draft, most serious first, then in the order of the text."""
    checks: list[Check] = []
    if not draft.networks:
        checks.append(_check(context, "no_network", BLOCK))
    if not draft.text.strip():
        checks.append(_check(context, "text_empty", BLOCK))
        return _ordered(checks)
    for network in draft.networks:
        checks += length_checks(draft, network, context)
    checks += link_checks(draft, context)
    checks += hashtag_checks(draft, context)
    checks += disclosure_checks(draft, context)
    checks += image_checks(draft, context)
    checks += confidential_checks(draft, context)
    checks += legal_checks(draft, context)
    checks += quiet_checks(draft, context)
    return _ordered(checks)


def _ordered(checks: list[Check]) -> list[Check]:
    networks = {n: i for i, n in enumerate(rules.CAPTION_NETWORKS)}
    return sorted(checks, key=lambda c: (SEVERITIES.index(c.severity), c.spans[0][0] if c.spans else -1,
                                         networks.get(c.network or "", -1)))


def linkedin_fold(text: str, characters: int = LINKEDIN_FOLD) -> int:
    """Where "...see more" falls: after `characters` characters or the third line, whichever is first."""
    fold, position = min(len(text), characters), -1
    for _ in range(LINKEDIN_FOLD_LINES):
        position = text.find("\n", position + 1)
        if position == -1:
            return fold
    return min(fold, position)


def length_checks(draft: Draft, network: str, context: GuidanceContext) -> list[Check]:
    if network == "x":
        count, limit = rules.x_length(draft.text, with_link=False), rules.X_LIMIT
        extra = {"links": len(draft.links)}
    else:
        count, limit, extra = len(draft.text), rules.CAPTION_LIMITS[network], {}
    if count > limit:
        code = "x_too_long" if network == "x" else "too_long"
        return [_check(context, code, BLOCK, network, count=count, limit=limit, over=count - limit, **extra)]
    checks = [_check(context, "length_ok", OK, network, count=count, limit=limit, **extra)]
    if network == "linkedin":
        fold = linkedin_fold(draft.text)
        if fold < len(draft.text.rstrip()):
            checks.append(_check(context, "linkedin_fold", TIP, network, (), [(fold, len(draft.text))], fold=fold))
    return checks


def link_checks(draft: Draft, context: GuidanceContext) -> list[Check]:
    """X and LinkedIn show posts that send people away to fewer people; a tip, with the links marked."""
    if not draft.links:
        return []
    return [_check(context, "link_reach", TIP, network, draft.links, count=len(draft.links))
            for network in draft.networks if network in ("linkedin", "x")]


def hashtag_checks(draft: Draft, context: GuidanceContext) -> list[Check]:
    tags = draft.hashtags
    checks = []
    for network in draft.networks:
        most = HASHTAG_MOST[network]
        if len(tags) > most:
            code = "hashtags_inert" if most == 0 else "too_many_hashtags"
            checks.append(_check(context, code, TIP, network, tags, count=len(tags), most=most))
    return checks + camel_case_checks(tags, context)


def camel_case_checks(tags: Iterable[rules.Found], context: GuidanceContext) -> list[Check]:
    """One tip per all-lowercase tag that joins words, every place it is used marked."""
    words = HASHTAG_WORDS | {w for name in context.company_terms for w in re.findall(r"[^\W\d_]+", name.lower())}
    places: dict[str, list[rules.Found]] = {}
    for place in tags:
        places.setdefault(place.text, []).append(place)
    checks = []
    for tag, found in places.items():
        name = tag[1:]
        split = rules.camel_case_split(tag, words) if len(name) >= CAMEL_CASE_SPLIT_MIN_LENGTH else None
        if split:
            suggestion = "#" + "".join(w[:1].upper() + w[1:] for w in split)
            checks.append(_check(context, "hashtag_camel_case", TIP, None, found, tag=tag, suggestion=suggestion))
        elif name.isalpha() and name.islower() and len(name) >= CAMEL_CASE_MIN_LENGTH:
            checks.append(_check(context, "hashtag_camel_case_long", TIP, None, found, tag=tag))
    return checks


def company_mentions(draft: Draft, context: GuidanceContext) -> list[rules.Found]:
    """Where the post names the organisation, a brand or product, or one of its web sites."""
    return rules.find_terms(draft.text, context.company_terms)


def disclosures(draft: Draft, context: GuidanceContext) -> list[rules.Found]:
    phrases = [p for language_phrases in context.disclosure_phrases.values() for p in language_phrases]
    return rules.find_terms(draft.text, phrases)


def disclosure_checks(draft: Draft, context: GuidanceContext) -> list[Check]:
    """A post about the company says the writer works there, where readers see it at once."""
    mentions = company_mentions(draft, context)
    if not mentions:
        return []
    said = disclosures(draft, context)
    if not said:
        severity = BLOCK if context.disclosure_required else WARN
        return [_check(context, "disclosure_missing", severity, None, mentions, organisation=context.organisation)]
    first = said[0]
    if "linkedin" in draft.networks:
        fold, phone_fold = linkedin_fold(draft.text), linkedin_fold(draft.text, LINKEDIN_FOLD_PHONE)
        if first.end > fold:
            return [_check(context, "disclosure_after_fold", WARN, "linkedin", [first], words=first.text, fold=fold)]
        if first.end > phone_fold:
            return [_check(context, "disclosure_after_phone_fold", TIP, "linkedin", [first], words=first.text,
                           fold=phone_fold)]
    return [_check(context, "disclosure_ok", OK, None, [first], words=first.text)]


def image_checks(draft: Draft, context: GuidanceContext) -> list[Check]:
    """Every image needs words for people who cannot see it; "photo" or a file name are not words."""
    checks = []
    for number, image in enumerate(draft.images, start=1):
        alt = (image.alt or "").strip()
        if not alt:
            checks.append(_check(context, "alt_text_missing", BLOCK, number=number, name=image.name))
        elif _VAGUE_ALT.match(alt):
            checks.append(_check(context, "alt_text_vague", WARN, number=number, name=image.name, alt=alt))
    if draft.images and not checks:
        checks.append(_check(context, "alt_text_ok", OK, count=len(draft.images)))
    return checks


def confidential_checks(draft: Draft, context: GuidanceContext) -> list[Check]:
    """One block per confidential term the text names, every place it does marked."""
    found = rules.find_terms_by_term(draft.text, context.confidential_terms)
    return [_check(context, "confidential_term", BLOCK, None, places, term=term) for term, places in found.items()]


def legal_claims_in(text: str, language: str, claims: Iterable[LegalClaim] = LEGAL_CLAIMS) -> list[rules.Found]:
    rows = [c for c in claims if c.language in (language, "*")]
    if not rows or not text:
        return []
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(f"(?:{c.pattern})" for c in rows) + r")(?!\w)", re.IGNORECASE)
    return [rules.Found(m.group(), m.start(), m.end()) for m in pattern.finditer(text)]


def legal_checks(draft: Draft, context: GuidanceContext) -> list[Check]:
    found = legal_claims_in(draft.text, draft.language, context.legal_claims)
    if not found:
        return []
    words = list(dict.fromkeys(f.text for f in found))
    return [_check(context, "legal_claim", WARN, None, found, words=words)]


def quiet_checks(draft: Draft, context: GuidanceContext) -> list[Check]:
    """Inside a quiet period a price-sensitive post, or one on a topic the period covers, waits."""
    topics = quiet.topics_in(draft.text, context.topic_words)
    periods, now = context.quiet_periods, context.now
    period = quiet.blocks(periods, now, draft.price_sensitive, topics)
    if period is not None:
        until = quiet.clear_at(periods, now, draft.price_sensitive, topics)
        places = [f for topic in period.topics for f in topics.get(topic, [])]
        return [_check(context, "quiet_period", BLOCK, None, places, reason=period.reason, ends_at=until,
                       words=list(dict.fromkeys(f.text for f in places)))]
    horizon = now + timedelta(days=context.quiet_notice_days)
    coming = [p for p in periods if now < p.starts_at <= horizon and p.holds(draft.price_sensitive, topics)]
    if not coming:
        return []
    soon = min(coming, key=lambda p: p.starts_at)
    places = [f for topic in soon.topics for f in topics.get(topic, [])]
    return [_check(context, "quiet_period_soon", TIP, None, places, reason=soon.reason, starts_at=soon.starts_at,
                   ends_at=quiet.clear_at(periods, soon.starts_at, draft.price_sensitive, topics))]


# -- what the page does next ----------------------------------------------------------------------

def blocked(checks: Iterable[Check]) -> bool:
    return any(c.severity == BLOCK for c in checks)


def needs_review(checks: Iterable[Check], context: GuidanceContext) -> bool:
    """Whether a reviewer must see the post before it goes out: always when experts may not
    publish alone, and whenever it makes a claim legal wants to see."""
    return not context.experts_may_publish or any(c.code in REVIEW_CODES for c in checks)


def may_share_now(checks: Iterable[Check], context: GuidanceContext) -> bool:
    """Share straight away: nothing blocks, and no reviewer needs to see it first."""
    checks = list(checks)
    return not blocked(checks) and not needs_review(checks, context)


# -- messages -------------------------------------------------------------------------------------

def N_(message: str) -> str:
    """Marks a string for translation (pybabel extracts N_ by default) without translating it yet."""
    return message


# The network names as the post editor spells them, so they share its translations.
NETWORK_LABELS = MappingProxyType({"linkedin": N_("LinkedIn"), "x": N_("X"), "facebook": N_("Facebook"),
                                   "whatsapp": N_("WhatsApp"), "email": N_("E-mail")})

# Code -> message: what is the matter and why, briefly. A check on one network also gets %(network)s.
MESSAGES = MappingProxyType({
    "no_network": N_("Choose at least one network: the length, link and hashtag checks depend on where "
                     "the post goes."),
    "text_empty": N_("Write the post first: there is nothing to check yet."),
    "too_long": N_("%(count)s characters is too long for %(network)s, which takes %(limit)s. Shorten it by "
                   "%(over)s, or the network will refuse it."),
    "x_too_long": N_("X counts this as %(count)s of %(limit)s characters (every link as 23, an emoji as 2). "
                     "Shorten it by %(over)s, or X will not post it."),
    "length_ok": N_("%(count)s of %(limit)s characters on %(network)s."),
    "linkedin_fold": N_("LinkedIn shows the first three lines, here %(fold)s characters, then \"...see "
                        "more\". Most readers never tap it: put your point there."),
    "link_reach": N_("%(network)s shows posts with a link (%(count)s here) to fewer people, because links "
                     "take readers away. If reach matters, put the link in a comment."),
    "too_many_hashtags": N_("%(count)s hashtags: on %(network)s more than %(most)s looks like spam and "
                            "pushes your message aside. Keep the few that help people find it."),
    "hashtags_inert": N_("Hashtags do nothing in %(network)s: nobody can follow or click them there, so "
                         "they only add noise."),
    "hashtag_camel_case": N_("Write %(tag)s as %(suggestion)s: a screen reader reads an all-lowercase tag "
                             "as one long word, and a capital for each word helps every reader."),
    "hashtag_camel_case_long": N_("If %(tag)s joins several words, start each with a capital (like "
                                  "#SocialMediaPolicy): a screen reader reads it as one long word otherwise."),
    "disclosure_missing": N_("This post is about %(organisation)s: say that you work there, e.g. \"I work at "
                             "%(organisation)s\". A recommendation loses its worth when readers find out "
                             "later, and the advertising rules ask for it."),
    "disclosure_after_fold": N_("Move \"%(words)s\" up: LinkedIn hides what follows the first %(fold)s "
                                "characters (three lines at most) behind \"...see more\", and a disclosure "
                                "only counts where readers see it."),
    "disclosure_after_phone_fold": N_("On a phone LinkedIn cuts off after about %(fold)s characters: put "
                                      "\"%(words)s\" a little earlier so phone readers see it too."),
    "disclosure_ok": N_("You say that you work here (\"%(words)s\") where readers see it."),
    "alt_text_missing": N_("Image %(number)s has no description. Without one, people who use a screen "
                           "reader miss what it shows: describe it in a sentence."),
    "alt_text_vague": N_("Image %(number)s is described as \"%(alt)s\", which tells a screen reader user "
                         "nothing: say what the image shows."),
    "alt_text_ok": N_("Every image has a description."),
    "confidential_term": N_("\"%(term)s\" is on the organisation's confidential list (an unreleased "
                            "product, a client or a code name): it may not be named in public until it "
                            "is announced."),
    "legal_claim": N_("Legal wants to see claims like %(words)s first: a promise, a superlative, a figure "
                      "or a price can bind the company or mislead, so a reviewer looks at this post."),
    "quiet_period": N_("Not now: the quiet period for %(reason)s runs until %(ends_at)s. Price-sensitive "
                       "news goes out through the official channel first, at its set time; share after."),
    "quiet_period_soon": N_("A quiet period for %(reason)s starts at %(starts_at)s and runs until "
                            "%(ends_at)s: a post on this goes out before it starts, or after it ends."),
})
CODES = tuple(MESSAGES)


def _plain(value: object) -> str:
    if isinstance(value, datetime):
        return as_utc(value).strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, (list, tuple)):
        return ", ".join(_plain(v) for v in value)
    return str(value)


def message_for(check: Check, gettext: Callable[[str], str] = lambda s: s,
                format_value: Callable[[object], str] = _plain) -> str:
    """The check's message in the reader's language: `gettext` translates the template, then the
    params fill it, each shown by `format_value` (pass the display module's date and number
    formatting). The network's name is there as %(network)s."""
    params = {key: format_value(value) for key, value in check.params.items()}
    if check.network:
        params["network"] = gettext(NETWORK_LABELS[check.network])
    return gettext(MESSAGES[check.code]) % params


def utf16_spans(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans as JavaScript counts (UTF-16 code units): an emoji is 1 here and 2 there."""
    def to_utf16(offset: int) -> int:
        return offset + sum(1 for char in text[:offset] if ord(char) > 0xFFFF)
    return [(to_utf16(start), to_utf16(end)) for start, end in spans]

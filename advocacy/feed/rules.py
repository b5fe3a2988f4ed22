"""Pure rules of the share feed: no request, no database. Tested on plain values."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Collection
from datetime import datetime, timedelta
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

# -- networks ------------------------------------------------------------------------------------

# Networks a caption is written for, in the order the editor and the card show them.
CAPTION_NETWORKS = ("linkedin", "x", "facebook", "whatsapp", "email")
# "other" is the phone's own share sheet (Web Share API): the app the person picks is unknown.
SHARE_NETWORKS = CAPTION_NETWORKS + ("other",)
NETWORK_CHECK = "network IN (" + ", ".join(f"'{n}'" for n in SHARE_NETWORKS) + ")"
VARIANTS_PER_NETWORK = 3
# LinkedIn and Facebook accept only a link: the caption goes to the clipboard first.
LINK_ONLY_NETWORKS = ("linkedin", "facebook")
# Where the share sheet's text comes from when a network has no caption of its own.
CAPTION_FALLBACK_ORDER = ("linkedin", "facebook", "whatsapp", "email", "x")

CAPTION_LIMITS = {"linkedin": 3000, "x": 280, "facebook": 5000, "whatsapp": 2000, "email": 5000}

# -- post lifecycle ------------------------------------------------------------------------------

DRAFT, IN_REVIEW, APPROVED, RETURNED, WITHDRAWN = "draft", "in_review", "approved", "returned", "withdrawn"
STATUSES = (DRAFT, IN_REVIEW, APPROVED, RETURNED, WITHDRAWN)
STATUS_CHECK = "status IN (" + ", ".join(f"'{s}'" for s in STATUSES) + ")"
# An approved post is scheduled, live or expired depending on the clock: together, its phase.
SCHEDULED, LIVE, EXPIRED = "scheduled", "live", "expired"
PHASES = (DRAFT, IN_REVIEW, RETURNED, SCHEDULED, LIVE, EXPIRED, WITHDRAWN)

# action -> (statuses it may start from, status it leads to). "edit" keeps the status, except
# that an approved post goes back to review: nobody changes what the reviewer signed off alone.
TRANSITIONS = {
    "submit": ({DRAFT, RETURNED}, IN_REVIEW),
    "approve": ({IN_REVIEW}, APPROVED),
    "return": ({IN_REVIEW}, RETURNED),
    "withdraw": ({DRAFT, IN_REVIEW, APPROVED, RETURNED}, WITHDRAWN),
}


def next_status(action: str, status: str) -> str | None:
    """The status after `action`, or None when the action is not allowed from `status`."""
    if action == "edit":
        if status == WITHDRAWN:
            return None
        return IN_REVIEW if status == APPROVED else status
    sources, target = TRANSITIONS[action]
    return target if status in sources else None


def post_phase(status: str, publish_at: datetime, expires_at: datetime | None, now: datetime) -> str:
    """The one rule for scheduled / live / expired. Post.phase_at mirrors it in SQL."""
    if status != APPROVED:
        return status
    if now < publish_at:
        return SCHEDULED
    if expires_at is not None and now >= expires_at:
        return EXPIRED
    return LIVE


def may_review(reviewer_id: int, contributor_ids) -> bool:
    """Four eyes: nobody approves or returns words they wrote themselves (the author, or anyone
    who edited the post since it was last approved)."""
    return reviewer_id not in set(contributor_ids)


# -- links ---------------------------------------------------------------------------------------

LINK_MAX = 2000
_FORBIDDEN_IN_LINK = re.compile(r"[\s\\\x00-\x1f\x7f<>\"'`]")


def link_problem(link: str) -> str | None:
    """Why this is not an acceptable post link, or None. Only absolute http(s) URLs with a host:
    javascript:, data:, protocol-relative and credential-carrying links never get through."""
    if not link:
        return "empty"
    if len(link) > LINK_MAX:
        return "too_long"
    if _FORBIDDEN_IN_LINK.search(link):
        return "bad_characters"
    parts = urlsplit(link)
    if parts.scheme.lower() not in ("http", "https"):
        return "scheme"
    if not parts.hostname or "@" in parts.netloc:
        return "host"
    try:
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:
        return "host"
    return None


UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign")
UTM_MEDIUM = "employee_advocacy"


def with_utm(link: str, network: str, campaign: str) -> str:
    """The stored link with our UTM parameters; its own query is kept, our three keys replaced."""
    parts = urlsplit(link)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in UTM_KEYS]
    query += [("utm_source", network), ("utm_medium", UTM_MEDIUM), ("utm_campaign", campaign)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


# -- slugs and hashtags --------------------------------------------------------------------------

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(text: str, max_length: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].strip("-") or "post"


HASHTAG_RE = re.compile(r"^\w{1,60}$")
MAX_HASHTAGS = 10


def parse_hashtags(text: str) -> tuple[list[str], list[str]]:
    """'launch, #Acme news' -> (['#launch', '#Acme', '#news'], []); the second list holds bad tags."""
    tags: list[str] = []
    bad: list[str] = []
    for word in re.split(r"[\s,;]+", text or ""):
        word = word.strip()
        if not word:
            continue
        name = word[1:] if word.startswith("#") else word
        if HASHTAG_RE.match(name) and not name.isdigit():
            tag = "#" + name
            if tag.lower() not in (t.lower() for t in tags):
                tags.append(tag)
        else:
            bad.append(word)
    return tags, bad


def share_text(caption: str, hashtags: str) -> str:
    """The caption with the post's hashtags that it does not already contain."""
    caption = (caption or "").strip()
    present = caption.lower()
    missing = [t for t in (hashtags or "").split() if t.lower() not in present]
    if not missing:
        return caption
    return (caption + "\n\n" if caption else "") + " ".join(missing)


# -- links, hashtags and terms in free text --------------------------------------------------------

class Found(NamedTuple):
    """A piece of a text: what it says and where, as Python string offsets (start, end)."""
    text: str
    start: int
    end: int


_HTTP_LINK = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
# X links a bare domain ("acme.com/jobs") too. A generic top-level domain always; a country one only
# with a subdomain or a path ("www.acme.nl", "acme.nl/jobs"), since "acme.nl" alone is often a name.
_GENERIC_TLDS = ("com", "org", "net", "info", "biz", "edu", "gov", "app", "dev", "online", "shop", "site")
_COUNTRY_TLDS = ("nl", "be", "de", "eu", "uk", "fr", "es", "it", "ch", "at", "lu", "io", "co", "ai", "me")
_BARE_LINK = re.compile(
    r"(?<![\w@./:#-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+)(" + "|".join(_GENERIC_TLDS + _COUNTRY_TLDS)
    + r")(?![\w-])(/[^\s<>\"]*)?", re.IGNORECASE)
_TRAILING = ".,;:!?'\"\u2019"


def _trim_link(text: str, start: int, end: int) -> int:
    """The end of a link without the sentence's punctuation after it ("see acme.com/x." or "(acme.com)")."""
    while end > start:
        last = text[end - 1]
        if last in _TRAILING:
            end -= 1
        elif last in ")]" and text.count("(" if last == ")" else "[", start, end) < text.count(last, start, end):
            end -= 1
        else:
            break
    return end


def find_links(text: str) -> list[Found]:
    """Every link X would shorten: http(s) links and bare domains, in the order they appear."""
    text = text or ""
    found: list[Found] = []
    for match in _HTTP_LINK.finditer(text):
        end = _trim_link(text, match.start(), match.end())
        if end - match.start() > len(match.group().split("//", 1)[0]) + 2:
            found.append(Found(text[match.start():end], match.start(), end))
    taken = [(f.start, f.end) for f in found]
    for match in _BARE_LINK.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        labels, tld, path = match.group(1).count("."), match.group(2).lower(), match.group(3)
        if tld in _COUNTRY_TLDS and labels < 2 and not path:
            continue
        end = _trim_link(text, match.start(), match.end())
        found.append(Found(text[match.start():end], match.start(), end))
    return sorted(found, key=lambda f: f.start)


# The characters of a hashtag are those HASHTAG_RE allows; "#2024" alone is a number, not a tag.
_HASHTAG_IN_TEXT = re.compile(r"(?<![\w&#/])#(\w{1,60})(?!\w)")


def find_hashtags(text: str) -> list[Found]:
    """The hashtags in free text (the caption as written), with the '#'; numbers like #1 are not tags."""
    return [Found(m.group(), m.start(), m.end()) for m in _HASHTAG_IN_TEXT.finditer(text or "")
            if not m.group(1).isdigit()]


def term_pattern(term: str) -> str:
    """A term as a whole-word pattern: words separated by any spaces or a hyphen, either apostrophe."""
    words = [re.escape(w).replace("'", "['\u2019]") for w in term.split()]
    return r"(?:\s+|\s*-\s*)".join(words)


def term_key(text: str) -> str:
    """The one spelling all forms of a term share ("Project-Falcon", "project  falcon")."""
    return re.sub(r"\s*-\s*|\s+", " ", text.strip().lower().replace("\u2019", "'"))


@lru_cache(maxsize=256)
def _terms_regex(terms: tuple[str, ...]) -> re.Pattern:
    # The longest term first, so "Project Falcon" wins over "Project" where both are listed.
    ordered = sorted(terms, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(term_pattern(t) for t in ordered) + r")(?!\w)", re.IGNORECASE)


def find_terms(text: str, terms) -> list[Found]:
    """Where any of `terms` occurs as whole words, ignoring case: "Project Falcon" is found in
    "project-falcon" and "PROJECT  FALCON", "Falcon" in "Falcon's" and "Falcon-team", never in
    "falconry". A compound written as one word ("Falconproject") is not found: list it as a term."""
    unique = tuple(sorted({t.strip() for t in terms if t and t.strip()}))
    if not unique or not text:
        return []
    return [Found(m.group(), m.start(), m.end()) for m in _terms_regex(unique).finditer(text)]


def find_terms_by_term(text: str, terms) -> dict[str, list[Found]]:
    """find_terms, grouped by the term each place spells (as listed first); terms not found are left out."""
    listed: dict[str, str] = {}
    for term in terms:
        if term and term.strip():
            listed.setdefault(term_key(term), term.strip())
    grouped: dict[str, list[Found]] = {}
    for place in find_terms(text, listed.values()):
        grouped.setdefault(listed.get(term_key(place.text), place.text), []).append(place)
    return grouped


def camel_case_split(tag: str, known_words: Collection[str]) -> list[str] | None:
    """The words an all-lowercase hashtag joins, from `known_words` (lower case; a set, for speed):
    "#socialmediabeleid" -> ["social", "media", "beleid"]. None when the tag has capitals, digits
    or _, is itself one known word, or cannot be made of known words (fewest words win). Screen
    readers read a tag in one breath unless each word starts with a capital."""
    name, words = (tag[1:] if tag.startswith("#") else tag), known_words
    if not name.isalpha() or not name.islower() or name in words:
        return None
    best: list[list[str] | None] = [[]] + [None] * len(name)
    for end in range(1, len(name) + 1):
        for start in range(end):
            head = best[start]
            if head is not None and name[start:end] in words:
                if best[end] is None or len(head) + 1 < len(best[end]):  # type: ignore[arg-type]
                    best[end] = head + [name[start:end]]
    split = best[len(name)]
    return split if split and len(split) >= 2 else None


# -- X length ------------------------------------------------------------------------------------

X_LIMIT = 280
X_LINK_LENGTH = 23  # X shortens every link to t.co, which counts 23 whatever the link's length
# X counts these code points as 1 and everything else (CJK, emoji, ...) as 2.
_LIGHT_RANGES = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
_LIGHT = "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in _LIGHT_RANGES)
# What belongs to the character before it: a skin tone, a variation selector, a keycap, the tags
# of a subdivision flag, or a joiner and what it joins. An emoji with its parts is one emoji, 2 in
# all; a letter or digit that such a part makes an emoji ("1" + U+FE0F + U+20E3: 1️⃣) is 2 as well.
_EMOJI_PARTS = "\\ufe0f\\u20e3\\U0001f3fb-\\U0001f3ff\\U000e0020-\\U000e007f"
_PARTS = f"(?:[\\ufe0e{_EMOJI_PARTS}]|\\u200d[^\\n])*"
_X_CLUSTER = re.compile(
    "[\\U0001f1e6-\\U0001f1ff]{2}"                           # two regional indicators: one flag
    f"|[^{_LIGHT}]{_PARTS}"                                    # an emoji (or CJK) with its parts
    f"|[{_LIGHT}]\\ufe0e*[{_EMOJI_PARTS}]{_PARTS}"              # a digit or sign made an emoji
    f"|(?P<plain>[{_LIGHT}]\\ufe0e+)")                          # a letter in its plain-text form: 1


def _weighted_length(text: str) -> int:
    """X's weighted count: 1 for the light characters, 2 for every other one, and 2 for an emoji
    sequence (👩‍💻, 👍🏽, 🇳🇱, 1️⃣) however many code points it has."""
    total, position = 0, 0
    for cluster in _X_CLUSTER.finditer(text):
        total += cluster.start() - position          # light characters in between: 1 each
        total += 1 if cluster.lastgroup == "plain" else 2
        position = cluster.end()
    return total + len(text) - position


def x_length(text: str, with_link: bool = True) -> int:
    """How long X counts a post of `text` followed by a space and the shared link. Like X, the
    text is first put in NFC, so an accent typed as a separate mark counts once."""
    text = unicodedata.normalize("NFC", text or "")
    length, position = 0, 0
    for link in find_links(text):
        length += _weighted_length(text[position:link.start]) + X_LINK_LENGTH
        position = link.end
    length += _weighted_length(text[position:])
    return length + (1 + X_LINK_LENGTH if with_link else 0)


# -- caption variants ----------------------------------------------------------------------------

def variant_index(user_id: int, post_id: int, network: str, count: int) -> int:
    """Which of `count` caption variants a person gets: stable per person, and colleagues with
    consecutive ids walk through the variants in turn, so a team spreads evenly over them. The
    offset differs per post and network, so the same person does not always get the first one."""
    if count <= 1:
        return 0
    return (user_id + _variant_offset(post_id, network)) % count


@lru_cache(maxsize=4096)
def _variant_offset(post_id: int, network: str) -> int:
    digest = hashlib.sha256(f"{post_id}:{network}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


# -- share URLs ----------------------------------------------------------------------------------

def network_share_url(network: str, text: str, url: str, title: str) -> str:
    """Where the browser goes after the share is recorded. Text and link are percent-encoded, so
    nothing a caption contains can change where the request goes."""
    q = lambda value: quote(value, safe="")
    if network == "x":
        return f"https://twitter.com/intent/tweet?text={q(text)}&url={q(url)}"
    if network == "linkedin":
        return f"https://www.linkedin.com/sharing/share-offsite/?url={q(url)}"
    if network == "facebook":
        return f"https://www.facebook.com/sharer/sharer.php?u={q(url)}"
    if network == "whatsapp":
        return f"https://wa.me/?text={q(text + chr(10) + chr(10) + url)}"
    if network == "email":
        return f"mailto:?subject={q(title)}&body={q(text + chr(10) + chr(10) + url)}"
    raise ValueError(f"no share page for network {network!r}")


# -- double taps ---------------------------------------------------------------------------------

# A second share of the same post on the same network within this window is the same tap.
SHARE_DEDUPE_SECONDS = 10


def share_window(now: datetime) -> int:
    """The numbered window a share falls in; the database refuses two shares in one window."""
    return int(now.timestamp()) // SHARE_DEDUPE_SECONDS


def is_repeat_share(previous_at: datetime | None, now: datetime) -> bool:
    return previous_at is not None and now - previous_at < timedelta(seconds=SHARE_DEDUPE_SECONDS)

"""The feed's pure rules, on plain values."""
from collections import Counter
from datetime import timedelta

import pytest

from advocacy.feed import rules
from advocacy.feed.tracking import is_bot, visitor_hash

from ..conftest import NEXT_DAY, START

HOUR = timedelta(hours=1)


@pytest.mark.parametrize("status, publish, expires, phase", [
    ("approved", START + HOUR, None, "scheduled"),
    ("approved", START, None, "live"),                       # publish time itself is live
    ("approved", START - HOUR, START + HOUR, "live"),
    ("approved", START - 2 * HOUR, START, "expired"),         # expiry time itself is expired
    ("in_review", START - HOUR, None, "in_review"),
    ("withdrawn", START - HOUR, None, "withdrawn"),
    ("draft", START - HOUR, None, "draft"),
])
def test_the_phase_follows_from_status_and_times(status, publish, expires, phase):
    assert rules.post_phase(status, publish, expires, START) == phase


@pytest.mark.parametrize("action, before, after", [
    ("submit", "draft", "in_review"), ("submit", "returned", "in_review"), ("submit", "approved", None),
    ("approve", "in_review", "approved"), ("approve", "draft", None), ("approve", "withdrawn", None),
    ("return", "in_review", "returned"), ("return", "approved", None),
    ("withdraw", "approved", "withdrawn"), ("withdraw", "draft", "withdrawn"), ("withdraw", "withdrawn", None),
    ("edit", "approved", "in_review"), ("edit", "draft", "draft"), ("edit", "returned", "returned"),
    ("edit", "in_review", "in_review"), ("edit", "withdrawn", None),
])
def test_lifecycle_transitions(action, before, after):
    assert rules.next_status(action, before) == after


def test_nobody_reviews_their_own_words():
    assert not rules.may_review(1, {1, None})
    assert not rules.may_review(2, {1, 2})      # edited the version under review
    assert rules.may_review(3, {1, 2})


@pytest.mark.parametrize("link", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
    "java\nscript:alert(1)", "jav&#x61;script:alert(1)", "javascript%3Aalert(1)", "data:text/html,<script>",
    "vbscript:msgbox", "//evil.example/x", "/relative", "ftp://example.com", "https://", "https:example.com",
    "https://user:pw@example.com/", "https://example.com/<script>", 'https://example.com/"onmouseover=x',
    "https://example.com\\@evil.example", "https://example.com:abc/", "", "https://" + "a" * 2000 + ".com",
])
def test_only_absolute_http_links_pass(link):
    assert rules.link_problem(link) is not None


@pytest.mark.parametrize("link", ["https://example.com", "http://example.com/a?b=c#d", "HTTPS://Example.com/x"])
def test_ordinary_links_pass(link):
    assert rules.link_problem(link) is None


def test_utm_parameters_keep_the_links_own_query_and_replace_ours():
    url = rules.with_utm("https://example.com/a?ref=home&utm_source=old&utm_content=v2#top", "x", "spring")
    assert url == ("https://example.com/a?ref=home&utm_content=v2&utm_source=x&utm_medium=employee_advocacy"
                   "&utm_campaign=spring#top")


def test_hashtags_are_parsed_and_bad_ones_named():
    assert rules.parse_hashtags("launch, #Acme  news #acme") == (["#launch", "#Acme", "#news"], [])
    assert rules.parse_hashtags("#ok <script> #a-b 123")[1] == ["<script>", "#a-b", "123"]


def test_share_text_adds_only_missing_hashtags():
    assert rules.share_text("Come along #spring", "#spring #events") == "Come along #spring\n\n#events"
    assert rules.share_text("Done", "") == "Done"


def test_x_counts_the_link_as_23_and_wide_characters_as_2():
    assert rules.x_length("a" * 256) == 280
    assert rules.x_length("a" * 257) == 281
    assert rules.x_length("see https://example.com/a/very/long/path/indeed", with_link=False) == 4 + 23
    assert rules.x_length("日本", with_link=False) == 4
    assert rules.x_length("🙂", with_link=False) == 2


def test_caption_variants_spread_evenly_over_colleagues_and_stay_put():
    counts = Counter(rules.variant_index(user_id, 7, "linkedin", 3) for user_id in range(100, 130))
    assert sorted(counts.values()) == [10, 10, 10]
    assert rules.variant_index(42, 7, "linkedin", 3) == rules.variant_index(42, 7, "linkedin", 3)
    assert rules.variant_index(42, 7, "x", 1) == 0


def test_share_urls_encode_the_text():
    url = rules.network_share_url("x", "Hi & <b>\"there\"", "https://a.test/r/abc", "T")
    assert url == "https://twitter.com/intent/tweet?text=Hi%20%26%20%3Cb%3E%22there%22&url=https%3A%2F%2Fa.test%2Fr%2Fabc"
    assert rules.network_share_url("email", "Text", "https://a.test/r/abc", "A & B").startswith(
        "mailto:?subject=A%20%26%20B&body=Text%0A%0Ahttps%3A%2F%2Fa.test%2Fr%2Fabc")


def test_a_double_tap_is_one_share_and_a_later_one_is_another():
    assert rules.is_repeat_share(START, START + timedelta(seconds=3))
    assert not rules.is_repeat_share(START, START + timedelta(seconds=30))
    assert rules.share_window(START) == rules.share_window(START + timedelta(seconds=1)) or \
        rules.share_window(START) + 1 == rules.share_window(START + timedelta(seconds=1))


@pytest.mark.parametrize("agent", [
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "Twitterbot/1.0", "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "WhatsApp/2.23.20.0 A",
    "TelegramBot (like TwitterBot)", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", "Applebot/0.1", "LINKEDINBOT", "", "   ",
    None,
])
def test_link_previews_and_crawlers_are_bots(agent):
    assert is_bot(agent)


@pytest.mark.parametrize("agent", [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 "
    "[LinkedInApp]/9.29",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
])
def test_people_in_browsers_and_in_app_browsers_are_not_bots(agent):
    assert not is_bot(agent)


def test_the_visitor_hash_changes_with_the_day_and_hides_the_address():
    today = visitor_hash("secret", START.date(), "203.0.113.9", "Firefox")
    assert today == visitor_hash("secret", START.date(), "203.0.113.9", "Firefox")
    assert today != visitor_hash("secret", NEXT_DAY.date(), "203.0.113.9", "Firefox")
    assert today != visitor_hash("other secret", START.date(), "203.0.113.9", "Firefox")
    assert today != visitor_hash("secret", START.date(), "203.0.113.9", "Chrome")
    assert "203.0.113.9" not in today and len(today) == 32


# -- links, hashtags and terms in free text --------------------------------------------------------

def _texts(found):
    return [f.text for f in found]


@pytest.mark.parametrize("text, links", [
    ("see https://acme.com/jobs.", ["https://acme.com/jobs"]),             # the full stop is the sentence's
    ("(https://acme.com/a) and https://en.wikipedia.org/wiki/A_(b)!", ["https://acme.com/a",
                                                                        "https://en.wikipedia.org/wiki/A_(b)"]),
    ("visit acme.com, or www.acme.nl today", ["acme.com", "www.acme.nl"]),
    ("acme.nl alone is a name; acme.nl/jobs is a link", ["acme.nl/jobs"]),   # X: a country domain needs more
    ("mail jan@acme.com or see e.g. node.js", []),
    ("https:// and http://. are no links", []),
    ("HTTPS://ACME.COM/X?a=1&b=2", ["HTTPS://ACME.COM/X?a=1&b=2"]),
    ("the word community is not acme.co", []),
])
def test_links_in_text_are_found_as_x_would_shorten_them(text, links):
    assert _texts(rules.find_links(text)) == links


def test_a_found_link_knows_where_it_is():
    text = "Read acme.com/x."
    (link,) = rules.find_links(text)
    assert (link.start, link.end) == (5, 15) and text[link.start:link.end] == "acme.com/x"


@pytest.mark.parametrize("text, length", [
    ("a" * 280, 280),
    ("🙂" * 140, 280),
    ("a" * 257 + " https://example.com/a/very/long/path/that/is/much/longer/than/23", 281),
    ("see https://acme.com/jobs.", 4 + 23 + 1),                              # the full stop counts itself
    ("see acme.com", 4 + 23),                                                # a bare domain is a link on X
    ("👩\u200d💻", 2), ("👍🏽", 2), ("🇳🇱", 2), ("1\ufe0f\u20e3", 2), ("❤\ufe0f", 2), ("👨\u200d👩\u200d👧", 2),
    ("🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F", 2),  # England's flag
    ("e\u0301", 1),                                                           # NFC first: é is one
    ("a\u200db", 3),                                                          # a joiner between letters counts
    ("🇳🇱🇧🇪", 4), ("🇳", 2),
    ("a\ufe0e", 1), ("❤\ufe0e", 2),                                          # plain-text form: as before
    ("日本 ok", 7),
])
def test_x_counts_emoji_sequences_once_and_links_as_23(text, length):
    assert rules.x_length(text, with_link=False) == length


@pytest.mark.parametrize("text, tags", [
    ("Great day! #launch. #Acme_2024 #1 #2024", ["#launch", "#Acme_2024"]),
    ("a#b &#39; url/#frag ##x", []),
    ("#één #SocialMedia\n#news", ["#één", "#SocialMedia", "#news"]),
])
def test_hashtags_in_free_text(text, tags):
    assert _texts(rules.find_hashtags(text)) == tags


def test_a_found_hashtag_knows_where_it_is():
    (tag,) = rules.find_hashtags("Hi #team!")
    assert (tag.start, tag.end) == (3, 8)


@pytest.mark.parametrize("text, terms, found", [
    ("Project Falcon starts", ["Project Falcon"], ["Project Falcon"]),
    ("about project-falcon and PROJECT\n  FALCON", ["Project Falcon"], ["project-falcon", "PROJECT\n  FALCON"]),
    ("falconry is a hobby", ["Falcon"], []),
    ("Falcon's wings, the falcon-team", ["Falcon"], ["Falcon", "falcon"]),
    ("Falconproject", ["Falcon"], []),                                        # one word: list it as a term
    ("Project Falcon", ["Falcon", "Project Falcon"], ["Project Falcon"]),     # the longest term wins
    ("collega’s bij Acme", ["collega's bij"], ["collega’s bij"]),
    ("a.b.c (x) [y]", ["a.b.c", "(x)"], ["a.b.c", "(x)"]),                   # no regular expressions
    ("nothing", [], []), ("", ["x"], []), ("x", ["", "  "], []),
])
def test_terms_are_found_as_whole_words_in_any_case(text, terms, found):
    assert _texts(rules.find_terms(text, terms)) == found


@pytest.mark.parametrize("tag, split", [
    ("#socialmediabeleid", ["social", "media", "beleid"]),
    ("werkenbijacme", ["werken", "bij", "acme"]),
    ("#SocialMediaBeleid", None),      # already has capitals
    ("#media", None),                  # one word
    ("#social_media", None), ("#q3results", None),
    ("#socialxyz", None),              # not all known words
])
def test_a_lowercase_hashtag_is_split_into_known_words(tag, split):
    words = {"social", "media", "beleid", "werken", "bij", "acme", "results"}
    assert rules.camel_case_split(tag, words) == split


def test_the_split_uses_the_fewest_words():
    assert rules.camel_case_split("#teamwork", {"team", "work", "teamwork", "tea", "mwork"}) is None
    assert rules.camel_case_split("#teamworkday", {"team", "work", "teamwork", "day"}) == ["teamwork", "day"]

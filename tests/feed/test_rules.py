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

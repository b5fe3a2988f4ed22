"""The composer's guidance on plain values: a table of cases per check, and the spans a page marks."""
from datetime import datetime, timedelta

import pytest

from advocacy.feed import guidance, rules
from advocacy.feed.guidance import Draft, GuidanceContext, Image, check_post, message_for
from advocacy.feed.quiet import QuietPeriod

from ..conftest import START

DAY = timedelta(days=1)
LINK = "https://example.com/a/very/long/path/that/is/much/longer/than/twenty-three"


def context(**values) -> GuidanceContext:
    values.setdefault("now", START)
    values.setdefault("organisation", "Acme")
    return GuidanceContext(**values)


def draft(text: str, networks=("linkedin",), **values) -> Draft:
    return Draft(text, tuple(networks), **values)


def run(text: str, networks=("linkedin",), ctx=None, **values):
    return check_post(draft(text, networks, **values), ctx or context())


def find(checks, code, network=None):
    found = [c for c in checks if c.code == code and (network is None or c.network == network)]
    return found[0] if found else None


def codes(checks) -> set[str]:
    return {c.code for c in checks}


def marked(text: str, check) -> list[str]:
    return [text[start:end] for start, end in check.spans]


def padded(prefix: str, position: int, phrase: str) -> str:
    """`prefix`, filler words, then `phrase` starting at `position`."""
    filler = ("lorem ipsum " * 40)[:position - len(prefix) - 1].rstrip()
    text = prefix + filler.ljust(position - len(prefix) - 1, "o") + " " + phrase
    assert text.index(phrase) == position
    return text


# -- length ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, severity, count", [
    ("a" * 280, "ok", 280),                              # exactly the limit
    ("a" * 281, "block", 281),
    ("a" * 256 + " " + LINK, "ok", 280),                 # the link counts 23
    ("a" * 257 + " " + LINK, "block", 281),
    ("🙂" * 140, "ok", 280),                              # an emoji counts 2
    ("🙂" * 140 + "a", "block", 281),
    ("👍🏽" * 140, "ok", 280),                              # with a skin tone still 2
])
def test_x_counts_by_its_own_weights(text, severity, count):
    check = find(run(text, ("x",)), "x_too_long" if severity == "block" else "length_ok", "x")
    assert check.severity == severity and check.params["count"] == count and check.params["limit"] == 280
    if severity == "block":
        assert check.params["over"] == count - 280


@pytest.mark.parametrize("network", ["linkedin", "facebook", "whatsapp", "email"])
def test_the_other_networks_count_characters_up_to_their_limit(network):
    limit = rules.CAPTION_LIMITS[network]
    assert find(run("a" * limit, (network,)), "length_ok", network).params == {"count": limit, "limit": limit}
    too_long = find(run("a" * (limit + 1), (network,)), "too_long", network)
    assert too_long.severity == "block" and too_long.params["over"] == 1
    assert rules.CAPTION_LIMITS["linkedin"] == 3000


def test_each_network_is_checked_on_its_own():
    checks = run("🙂" * 141, ("linkedin", "x"))
    assert find(checks, "x_too_long", "x").severity == "block"
    assert find(checks, "length_ok", "linkedin").params["count"] == 141


@pytest.mark.parametrize("text, fold", [
    ("short", 5),
    ("a" * 300, 210),
    ("one\ntwo\nthree\nfour and more", 13),              # three lines come first
    ("one\n\ntwo" + "b" * 300, 210),
])
def test_the_linkedin_fold_is_three_lines_or_210_characters(text, fold):
    assert guidance.linkedin_fold(text) == fold


def test_a_long_linkedin_post_gets_a_tip_marking_what_is_hidden():
    text = "a" * 250
    tip = find(run(text), "linkedin_fold")
    assert tip.severity == "tip" and tip.spans == ((210, 250),) and tip.params["fold"] == 210
    assert find(run("a" * 210), "linkedin_fold") is None
    assert find(run("a" * 250, ("x",)), "linkedin_fold") is None


# -- links and hashtags ---------------------------------------------------------------------------

def test_links_on_x_and_linkedin_get_a_reach_tip_with_the_links_marked():
    text = "Read https://example.com/a and acme.com/jobs."
    checks = run(text, ("linkedin", "x", "facebook"))
    for network in ("linkedin", "x"):
        tip = find(checks, "link_reach", network)
        assert tip.severity == "tip" and tip.params["count"] == 2
        assert marked(text, tip) == ["https://example.com/a", "acme.com/jobs"]
    assert find(checks, "link_reach", "facebook") is None
    assert find(run("No links here."), "link_reach") is None


@pytest.mark.parametrize("network, tags, tip", [
    ("linkedin", 3, None), ("linkedin", 4, "too_many_hashtags"),
    ("x", 2, None), ("x", 3, "too_many_hashtags"),
    ("facebook", 2, None), ("facebook", 3, "too_many_hashtags"),
    ("whatsapp", 0, None), ("whatsapp", 1, "hashtags_inert"), ("email", 1, "hashtags_inert"),
])
def test_hashtags_per_network(network, tags, tip):
    text = "News " + " ".join(f"#Tag{i}" for i in range(tags))
    checks = run(text, (network,))
    found = [c for c in checks if c.code in ("too_many_hashtags", "hashtags_inert")]
    assert [c.code for c in found] == ([tip] if tip else [])
    if tip:
        assert found[0].params["count"] == tags and len(found[0].spans) == tags


@pytest.mark.parametrize("tag, code, suggestion", [
    ("#socialmediabeleid", "hashtag_camel_case", "#SocialMediaBeleid"),
    ("#werkenbijacme", "hashtag_camel_case", "#WerkenBijAcme"),        # the organisation's name is a word
    ("#employeeadvocacy", "hashtag_camel_case", "#EmployeeAdvocacy"),
    ("#qwertyuiopasdfgh", "hashtag_camel_case_long", None),             # 16 letters, no capital
    ("#duurzaamheid", None, None),                                      # a Dutch word, not several
    ("#heten", None, None),                                             # too short to split safely
    ("#teamday", "hashtag_camel_case", "#TeamDay"),
    ("#SocialMediaBeleid", None, None), ("#marketing", None, None), ("#acme", None, None),
    ("#social_media_beleid", None, None), ("#2024results", None, None),
])
def test_all_lowercase_hashtags_get_a_camel_case_tip(tag, code, suggestion):
    text = f"Today {tag} rocks"
    checks = [c for c in run(text) if c.code.startswith("hashtag_camel")]
    assert [c.code for c in checks] == ([code] if code else [])
    if code:
        assert marked(text, checks[0]) == [tag] and checks[0].params["tag"] == tag
        assert checks[0].params.get("suggestion") == suggestion


def test_a_tag_used_twice_is_one_tip_marking_both():
    text = "#socialmediabeleid today, #socialmediabeleid tomorrow"
    (check,) = [c for c in run(text) if c.code == "hashtag_camel_case"]
    assert marked(text, check) == ["#socialmediabeleid", "#socialmediabeleid"]


# -- disclosure -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, ctx_values, marks", [
    ("Acme opens a new office", {}, ["Acme"]),
    ("ACME's new office", {}, ["ACME"]),
    ("Try the Roadrunner today", {"other_names": ("Roadrunner",)}, ["Roadrunner"]),
    ("See https://careers.acme.com/x", {"domains": ("acme.com",)}, ["acme.com"]),
    ("Read acme.com/jobs", {"domains": ("acme.com",)}, ["acme.com"]),
])
def test_a_post_about_the_company_without_disclosure_is_warned(text, ctx_values, marks):
    check = find(run(text, ctx=context(**ctx_values)), "disclosure_missing")
    assert check.severity == "warn" and marked(text, check) == marks
    assert check.params == {"organisation": "Acme"}


def test_disclosure_is_a_block_where_the_organisation_requires_it():
    check = find(run("Acme opens a new office", ctx=context(disclosure_required=True)), "disclosure_missing")
    assert check.severity == "block"


@pytest.mark.parametrize("text", [
    "A sunny day at the beach", "Acmeville is lovely", "the acmes of fashion",
])
def test_a_post_not_about_the_company_needs_no_disclosure(text):
    checks = run(text)
    assert not codes(checks) & {"disclosure_missing", "disclosure_ok", "disclosure_after_fold"}


@pytest.mark.parametrize("language, text, words", [
    ("en", "I work at Acme and we are hiring", "I work at"),
    ("en", "Proud of my colleagues at Acme", "my colleagues"),
    ("en", "Acme is hiring #employee", "#employee"),
    ("en", "Acme is hiring (employee)", "(employee)"),
    ("en", "Full disclosure: Acme pays my salary", "Full disclosure"),
    ("nl", "Ik werk bij Acme en we zoeken collega's", "Ik werk bij"),
    ("nl", "Mijn werkgever Acme zoekt mensen", "Mijn werkgever"),
    ("nl", "Trots op mijn collega’s bij Acme", "mijn collega’s"),
    ("nl", "Acme zoekt mensen #medewerker", "#medewerker"),
    ("en", "Acme is hiring, ik werk er bij: mijn werkgever", "mijn werkgever"),   # any language counts
])
def test_disclosure_in_english_or_dutch_is_recognised(language, text, words):
    check = find(run(text, language=language), "disclosure_ok")
    assert check is not None and check.params["words"] == words and marked(text, check) == [words]


@pytest.mark.parametrize("position, code", [
    (100, "disclosure_ok"),
    (150, "disclosure_after_phone_fold"),        # seen on a laptop, cut on a phone
    (200, "disclosure_after_phone_fold"),        # ends at 209: before the fold
    (201, "disclosure_after_phone_fold"),        # ends at 210: exactly at the fold
    (202, "disclosure_after_fold"),              # ends at 211: its last letter is hidden
    (260, "disclosure_after_fold"),
])
def test_the_disclosure_must_come_before_linkedins_fold(position, code):
    text = padded("Acme news. ", position, "I work at Acme.")
    checks = run(text)
    found = [c for c in checks if c.code.startswith("disclosure")]
    assert [c.code for c in found] == [code]
    assert marked(text, found[0]) == ["I work at"] and found[0].network in (None, "linkedin")
    assert found[0].params.get("fold") == {"disclosure_after_fold": 210, "disclosure_after_phone_fold": 140}.get(code)
    assert found[0].severity == {"disclosure_ok": "ok", "disclosure_after_phone_fold": "tip",
                                 "disclosure_after_fold": "warn"}[code]


def test_the_fold_only_matters_on_linkedin():
    text = padded("Acme news. ", 260, "I work at Acme.")
    assert find(run(text, ("facebook",)), "disclosure_ok") is not None


def test_the_fold_counts_lines_too():
    text = "Acme news.\n\nMore news.\n\nI work at Acme."    # the disclosure is on the fifth line
    assert find(run(text), "disclosure_after_fold").params["fold"] == text.index("\n\nI work")


# -- images ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("alts, expected", [
    ((), []),
    (("Three colleagues at the stand",), [("alt_text_ok", "ok")]),
    (("",), [("alt_text_missing", "block")]),
    (("   ",), [("alt_text_missing", "block")]),
    (("photo",), [("alt_text_vague", "warn")]),
    (("IMG_0042.JPG",), [("alt_text_vague", "warn")]),
    (("A photo of our stand",), [("alt_text_ok", "ok")]),
    (("Our stand", ""), [("alt_text_missing", "block")]),
])
def test_every_image_needs_a_description(alts, expected):
    checks = run("Visit our stand", images=tuple(Image(alt, f"img{i}.png") for i, alt in enumerate(alts)))
    assert [(c.code, c.severity) for c in checks if c.code.startswith("alt_text")] == expected


def test_the_missing_description_names_the_image():
    checks = run("Hi", images=(Image("A stand"), Image("", "stand.png")))
    assert find(checks, "alt_text_missing").params == {"number": 2, "name": "stand.png"}


# -- confidential terms ---------------------------------------------------------------------------

SECRETS = {"confidential_terms": ("Project Falcon", "Globex", "Kestrel")}


@pytest.mark.parametrize("text, terms", [
    ("Busy with Project Falcon today", {"Project Falcon": ["Project Falcon"]}),
    ("busy with PROJECT FALCON and project-falcon", {"Project Falcon": ["PROJECT FALCON", "project-falcon"]}),
    ("Lunch with globex, then Globex's team", {"Globex": ["globex", "Globex"]}),
    ("A day of falconry", {}),                         # inside another word: not the term
    ("Globexx and Kestrels", {}),
    ("Kestrel-team en Globex", {"Kestrel": ["Kestrel"], "Globex": ["Globex"]}),
])
def test_confidential_terms_block_with_the_term_marked(text, terms):
    checks = [c for c in run(text, ctx=context(**SECRETS)) if c.code == "confidential_term"]
    assert {c.params["term"]: marked(text, c) for c in checks} == terms
    assert all(c.severity == "block" for c in checks)


def test_a_term_listed_twice_is_one_check():
    checks = run("globex", ctx=context(confidential_terms=("Globex", "globex ", "")))
    assert [c.params["term"] for c in checks if c.code == "confidential_term"] == ["Globex"]


# -- claims legal wants to see --------------------------------------------------------------------

@pytest.mark.parametrize("language, text, words", [
    ("en", "The best service, guaranteed!", ["best", "guaranteed"]),
    ("en", "Our Cheapest plan, a Guarantee of results", ["Cheapest", "Guarantee", "results"]),
    ("en", "We are number one, the #1 in the market", ["number one", "#1"]),
    ("en", "Only €25 or 25 euros, $10 for 12 months", ["€25", "25 euros", "$10"]),
    ("nl", "Voor 25 euro’s of EUR 12,50 per maand", ["25 euro’s", "EUR 12,50"]),
    ("nl", "Wij garanderen het, met garanties", ["garanderen", "garanties"]),
    ("en", "Growth of +12% and 100% happy", ["+12%", "100%"]),
    ("nl", "De beste service, gegarandeerd", ["beste", "gegarandeerd"]),
    ("nl", "Het goedkoopste abonnement: € 1.000,- met garantie", ["goedkoopste", "€ 1.000,-", "garantie"]),
    ("nl", "Wij zijn nummer één; mooie resultaten, 15 procent groei", ["nummer één", "resultaten", "15 procent"]),
    ("nl", "Dat is best druk, zegt het bestuur", []),           # Dutch "best" is "quite"
    ("en", "The bestseller and the resultant plan", []),          # inside words
    ("en", "A day at the beach with 12 colleagues", []),
])
def test_claims_legal_wants_to_see_are_marked(language, text, words):
    check = find(run(text, language=language), "legal_claim")
    if not words:
        assert check is None
        return
    assert check.severity == "warn" and check.params["words"] == words
    assert marked(text, check) == words


def test_a_claim_repeated_is_named_once_and_marked_twice():
    text = "best, best"
    check = find(run(text), "legal_claim")
    assert check.params["words"] == ["best"] and marked(text, check) == ["best", "best"]


def test_an_organisation_can_bring_its_own_claims():
    ctx = context(legal_claims=(guidance.LegalClaim("free", "*", r"free|gratis"),))
    assert find(check_post(draft("Free coffee"), ctx), "legal_claim").params["words"] == ["Free"]
    assert find(check_post(draft("The best coffee"), ctx), "legal_claim") is None


# -- quiet periods --------------------------------------------------------------------------------

RESULTS = QuietPeriod(START - DAY, START + 2 * DAY, "the annual results", ("results",))
LATER = QuietPeriod(START + 10 * DAY, START + 11 * DAY, "a merger", ("merger",))


@pytest.mark.parametrize("now, text, price_sensitive, code", [
    (START, "A lovely day", True, "quiet_period"),                  # marked price-sensitive
    (START, "Our annual results are great", False, "quiet_period"),  # a topic the period covers
    (START, "De jaarcijfers komen eraan", False, "quiet_period"),
    (START, "Talks about a merger", False, None),                   # not this period's topic, LATER far off
    (START, "A lovely day", False, None),
    (START + 2 * DAY, "A lovely day", True, None),                  # the period has ended
    (START - DAY - timedelta(seconds=1), "A lovely day", True, "quiet_period_soon"),
    (START + 4 * DAY, "Talks about a merger", False, "quiet_period_soon"),   # 6 days before LATER
    (START + 4 * DAY, "A lovely day", False, None),                 # nothing LATER would hold
    (START - 10 * DAY, "A lovely day", True, None),                 # too far ahead to mention
])
def test_quiet_periods_block_inside_and_warn_ahead(now, text, price_sensitive, code):
    checks = run(text, ctx=context(now=now, quiet_periods=(RESULTS, LATER)), price_sensitive=price_sensitive)
    found = [c for c in checks if c.code.startswith("quiet")]
    assert [c.code for c in found] == ([code] if code else [])


def test_a_quiet_block_says_why_and_until_when_and_marks_the_topic():
    text = "Our annual results are great"
    check = find(run(text, ctx=context(quiet_periods=(RESULTS,))), "quiet_period")
    assert check.severity == "block" and check.params["reason"] == "the annual results"
    assert check.params["ends_at"] == START + 2 * DAY and marked(text, check) == ["annual results"]
    assert "runs until 2026-03-04 09:00 UTC" in message_for(check)


def test_the_block_lasts_to_the_end_of_touching_periods():
    touching = QuietPeriod(START + 2 * DAY, START + 3 * DAY, "the analysts' day")
    check = find(run("Hi", ctx=context(quiet_periods=(RESULTS, touching)), price_sensitive=True), "quiet_period")
    assert check.params["ends_at"] == START + 3 * DAY


def test_the_notice_ahead_can_be_set():
    ctx = context(now=START - 10 * DAY, quiet_periods=(RESULTS,), quiet_notice_days=10)
    tip = find(check_post(draft("Hi", price_sensitive=True), ctx), "quiet_period_soon")
    assert tip.params["starts_at"] == RESULTS.starts_at and tip.params["ends_at"] == RESULTS.ends_at


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="naive"):
        context(now=datetime(2026, 3, 2, 9))


# -- the draft itself -----------------------------------------------------------------------------

def test_a_draft_needs_known_networks_and_a_known_language():
    with pytest.raises(ValueError):
        draft("Hi", ("myspace",))
    with pytest.raises(ValueError):
        draft("Hi", language="de")
    assert draft("Hi", ("x", "x", "linkedin")).networks == ("x", "linkedin")


def test_no_network_and_no_text_block():
    assert [(c.code, c.severity) for c in run("   ", ())] == [("no_network", "block"), ("text_empty", "block")]


def test_windows_line_ends_become_the_browsers_so_spans_match_the_page():
    d = draft("Hi\r\nbusy with Globex")
    (check,) = [c for c in check_post(d, context(**SECRETS)) if c.code == "confidential_term"]
    assert d.text == "Hi\nbusy with Globex" and marked(d.text, check) == ["Globex"]


def test_spans_convert_to_javascripts_counting():
    text = "🙂 Globex"
    (check,) = [c for c in run(text, ctx=context(**SECRETS)) if c.code == "confidential_term"]
    assert check.spans == ((2, 8),)
    assert guidance.utf16_spans(text, check.spans) == [(3, 9)]


def test_the_most_serious_checks_come_first():
    checks = run("Acme is the best, see https://example.com #a #b #c #d", ("linkedin",),
                 ctx=context(**SECRETS), images=(Image(""),))
    ranks = [guidance.SEVERITIES.index(c.severity) for c in checks]
    assert ranks == sorted(ranks) and checks[0].severity == "block" and checks[-1].severity == "ok"


# -- lessons and messages -------------------------------------------------------------------------

def test_each_check_links_to_the_lesson_that_teaches_it():
    lessons = {"disclosure_missing": ("expert", "disclosure-in-depth")}
    checks = run("Acme opens an office", ctx=context(lessons=lessons))
    assert find(checks, "disclosure_missing").lesson == ("expert", "disclosure-in-depth")
    assert find(checks, "length_ok").lesson is None


EVERYTHING = ("Acme is the best, 100% guaranteed! Project Falcon: see https://example.com and acme.com/jobs "
              "#socialmediabeleid #qwertyuiopasdfgh #a #b " + "x" * 3000)


def test_every_code_has_a_message_that_formats():
    checks = check_post(draft(EVERYTHING, rules.CAPTION_NETWORKS, images=(Image(""), Image("photo")),
                              price_sensitive=True),
                        context(confidential_terms=("Project Falcon",), quiet_periods=(RESULTS,)))
    checks += check_post(draft(padded("Acme. ", 260, "I work at Acme"), ("linkedin",), price_sensitive=True),
                         context(now=START - 2 * DAY, quiet_periods=(RESULTS,)))
    checks += check_post(draft("  ", ()), context())
    checks += run(padded("Acme. ", 150, "I work at Acme"), images=(Image("A stand"),))
    checks += run("I work at Acme", ("x",))
    assert codes(checks) == set(guidance.CODES)
    for check in checks:
        message = message_for(check)
        assert "%(" not in message and message.strip()


def test_the_message_is_translated_before_it_is_filled():
    dutch = {guidance.MESSAGES["too_long"]: "%(count)s tekens is te lang voor %(network)s (max. %(limit)s).",
             "LinkedIn": "LinkedIn (nl)"}
    check = find(run("a" * 3001), "too_long")
    assert message_for(check, dutch.get) == "3001 tekens is te lang voor LinkedIn (nl) (max. 3000)."
    assert message_for(check, lambda s: s, lambda v: f"<{v}>").startswith("<3001> characters")


def test_the_words_a_message_quotes_are_listed():
    check = find(run("best and cheapest"), "legal_claim")
    assert "like best, cheapest first" in message_for(check)


# -- what the page does next ----------------------------------------------------------------------

@pytest.mark.parametrize("text, experts_may_publish, share_now, review", [
    ("A lovely day", True, True, False),
    ("A lovely day", False, False, True),            # the organisation wants a reviewer
    ("The best day", True, False, True),             # a claim legal wants to see
    ("Globex visit", True, False, False),            # blocked: neither now nor as it stands
])
def test_share_now_or_ask_for_review(text, experts_may_publish, share_now, review):
    ctx = context(experts_may_publish=experts_may_publish, **SECRETS)
    checks = check_post(draft(text), ctx)
    assert guidance.may_share_now(checks, ctx) is share_now
    assert guidance.needs_review(checks, ctx) is review

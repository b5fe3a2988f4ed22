"""Quiet periods on plain values: boundaries, chains, topics and aware times only."""
from datetime import UTC, datetime, timedelta, timezone

import pytest

from advocacy.feed import quiet
from advocacy.feed.quiet import QuietPeriod

from ..conftest import START

HOUR, DAY = timedelta(hours=1), timedelta(days=1)
RESULTS = QuietPeriod(START, START + 2 * DAY, "annual results", ("results", "dividend"))
MERGER = QuietPeriod(START + 10 * DAY, START + 12 * DAY, "a merger", ("merger",))


def test_a_period_holds_only_aware_times_and_ends_after_it_starts():
    with pytest.raises(ValueError, match="naive"):
        QuietPeriod(datetime(2026, 3, 2, 9), START + DAY, "results")
    with pytest.raises(ValueError, match="naive"):
        QuietPeriod(START, datetime(2026, 3, 3, 9), "results")
    with pytest.raises(ValueError):
        QuietPeriod(START, START, "results")
    amsterdam = timezone(timedelta(hours=1))
    period = QuietPeriod(datetime(2026, 3, 2, 10, tzinfo=amsterdam), START + DAY, "results")
    assert period.starts_at == START and period.starts_at.tzinfo == UTC


@pytest.mark.parametrize("when, inside", [
    (START - timedelta(seconds=1), False),
    (START, True),                                   # the start itself is inside
    (START + DAY, True),
    (START + 2 * DAY - timedelta(seconds=1), True),
    (START + 2 * DAY, False),                        # at the end the news is out
])
def test_a_period_is_closed_at_its_start_and_open_at_its_end(when, inside):
    assert RESULTS.contains(when) is inside
    assert (RESULTS in quiet.active_at([RESULTS, MERGER], when)) is inside


def test_questions_about_naive_times_are_refused():
    naive = datetime(2026, 3, 2, 12)
    for ask in (lambda: RESULTS.contains(naive), lambda: quiet.active_at([RESULTS], naive),
                lambda: quiet.next_after([RESULTS], naive), lambda: quiet.blocks([RESULTS], naive, True),
                lambda: quiet.first_allowed_at([RESULTS], naive)):
        with pytest.raises(ValueError, match="naive"):
            ask()


def test_the_next_period_is_the_first_that_has_not_started():
    assert quiet.next_after([MERGER, RESULTS], START - HOUR) == RESULTS
    assert quiet.next_after([MERGER, RESULTS], START) == MERGER          # RESULTS has started
    assert quiet.next_after([MERGER, RESULTS], START + 10 * DAY) is None
    assert quiet.next_after([], START) is None


@pytest.mark.parametrize("when, price_sensitive, topics, blocking", [
    (START + HOUR, True, (), RESULTS),              # price-sensitive: held by every period
    (START + HOUR, False, ("results",), RESULTS),   # a topic the period covers
    (START + HOUR, False, ("dividend",), RESULTS),
    (START + HOUR, False, ("merger",), None),       # a topic it does not cover
    (START + HOUR, False, (), None),
    (START - HOUR, True, (), None),                 # before the period
    (START + 2 * DAY, True, (), None),              # at its end
    (START + 11 * DAY, True, ("results",), MERGER),
    (START + 11 * DAY, False, ("results",), None),
])
def test_what_a_period_holds_back(when, price_sensitive, topics, blocking):
    assert quiet.blocks([RESULTS, MERGER], when, price_sensitive, topics) == blocking


def test_of_two_holding_periods_the_longer_one_is_named():
    longer = QuietPeriod(START - DAY, START + 5 * DAY, "half-year figures", ("results",))
    assert quiet.blocks([RESULTS, longer], START + HOUR, True) == longer
    assert quiet.active_at([longer, RESULTS], START + HOUR) == [RESULTS, longer]   # ending first first


@pytest.mark.parametrize("wanted, periods, allowed", [
    (START - HOUR, [RESULTS], START - HOUR),                         # outside: as wanted
    (START + 2 * DAY, [RESULTS], START + 2 * DAY),                   # at the end: as wanted
    (START, [RESULTS], START + 2 * DAY),                              # inside: its end
    (START + HOUR, [RESULTS, QuietPeriod(START + 2 * DAY, START + 3 * DAY, "capital markets day")],
     START + 3 * DAY),                                                # touching: chained
    (START + HOUR, [QuietPeriod(START + DAY, START + 4 * DAY, "overlap"), RESULTS], START + 4 * DAY),
    (START + HOUR, [RESULTS, QuietPeriod(START + 2 * DAY + HOUR, START + 3 * DAY, "later")],
     START + 2 * DAY),                                                # a gap: not chained
    (START + HOUR, [], START + HOUR),
])
def test_a_price_sensitive_post_goes_out_at_the_end_of_the_chain_it_falls_in(wanted, periods, allowed):
    assert quiet.first_allowed_at(periods, wanted) == allowed


def test_a_post_on_a_topic_waits_only_for_periods_covering_it():
    touching = QuietPeriod(START + 2 * DAY, START + 3 * DAY, "merger talks", ("merger",))
    assert quiet.clear_at([RESULTS, touching], START, False, ("results",)) == START + 2 * DAY
    assert quiet.clear_at([RESULTS, touching], START, False, ("results", "merger")) == START + 3 * DAY
    assert quiet.clear_at([RESULTS, touching], START, False, ()) == START


@pytest.mark.parametrize("text, topics", [
    ("Our annual results are out on Thursday", {"results": ["annual results"]}),
    ("De jaarcijfers en de kwartaalcijfers", {"results": ["jaarcijfers", "kwartaalcijfers"]}),
    ("Merger talks with Globex; de fusie; een overnamebod", {"merger": ["Merger talks", "fusie", "overnamebod"]}),
    ("A PROFIT WARNING and a new prognose", {"guidance": ["PROFIT WARNING", "prognose"]}),
    ("Het slotdividend", {"dividend": ["slotdividend"]}),
    ("Great results for a client, a non-profit, mail in Outlook", {}),   # everyday words are no news
    ("fusiebesprekingen", {}),                                             # a compound not listed
])
def test_topics_are_found_in_english_and_dutch(text, topics):
    found = quiet.topics_in(text)
    assert {topic: [f.text for f in places] for topic, places in found.items()} == topics
    for places in found.values():
        for place in places:
            assert text[place.start:place.end] == place.text


def test_an_organisation_can_bring_its_own_topic_words():
    assert list(quiet.topics_in("Project Kestrel closes", {"deal": ("Project Kestrel",)})) == ["deal"]
    assert set(quiet.TOPICS) >= {"results", "merger", "guidance", "dividend"}

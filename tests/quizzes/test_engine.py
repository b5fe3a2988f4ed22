"""The quiz rules without a request or a database: draw, lay out, read, grade, pass, cool down."""
import random
from datetime import datetime, timedelta, timezone

import pytest

from advocacy.learning.rules import grading as engine
from advocacy.learning.banks.gift import parse_gift, question_to_dict


def q(text: str) -> dict:
    (question,) = parse_gift(text)
    return question_to_dict(question)


SINGLE = q("Capital? {=Amsterdam ~Rotterdam ~%-50%Utrecht ~%50%Haarlem}")
MULTI = q("Primes? {~%50%Two ~%50%Three ~%-100%Four ~%-50%Six}")
TRUE = q("The sky is blue. {T}")
SHORT = q("Our hashtag? {=demobv =%50%demo bv}")
MATCH = q("Owners. {=LinkedIn -> Microsoft =Instagram -> Meta =WhatsApp -> Meta =YouTube -> Google = -> Apple}")
NUMBER = q("Days in a week? {#=7 =%50%7:1}")
RANGE = q("Pi roughly? {#3.1..3.2}")


def t(hour: int) -> datetime:
    return datetime(2026, 3, 2, hour, tzinfo=timezone.utc)


# --- drawing -------------------------------------------------------------------------------------

POOL = [(i, f"k{i}") for i in range(1, 11)]


def test_draw_takes_unseen_questions_before_seen_ones():
    seen = {f"k{i}": 1 for i in range(1, 8)}  # k8, k9, k10 never shown
    for seed in range(20):
        drawn = engine.draw_questions(POOL, seen, 3, random.Random(seed))
        assert sorted(drawn) == [8, 9, 10]


def test_draw_then_takes_the_least_seen():
    seen = {f"k{i}": 2 for i in range(1, 11)} | {"k4": 1, "k5": 1}
    drawn = engine.draw_questions(POOL, seen, 4, random.Random(3))
    assert {4, 5} <= set(drawn) and len(set(drawn)) == 4


def test_draw_is_random_among_equals_and_repeatable_with_a_seed():
    draws = {tuple(engine.draw_questions(POOL, {}, 3, random.Random(seed))) for seed in range(30)}
    assert len(draws) > 10
    assert engine.draw_questions(POOL, {}, 3, random.Random(7)) == engine.draw_questions(POOL, {}, 3, random.Random(7))


def test_two_attempts_in_a_row_never_repeat_while_unseen_questions_remain():
    rng, seen = random.Random(1), {}
    first = engine.draw_questions(POOL, seen, 5, rng)
    seen = {f"k{i}": 1 for i in first}
    second = engine.draw_questions(POOL, seen, 5, rng)
    assert not set(first) & set(second)


# --- laying out and reading ----------------------------------------------------------------------

def test_options_are_shuffled_behind_tokens_that_say_nothing():
    orders = set()
    for seed in range(20):
        item = engine.lay_out(1, "k", SINGLE, random.Random(seed), engine.token_maker(random.Random(seed)))
        orders.add(tuple(i for _, i in item["options"]))
        tokens = [token for token, _ in item["options"]]
        assert len(set(tokens)) == 4 and not any(token.isdigit() for token in tokens)
    assert len(orders) > 5


def test_true_false_keeps_true_first():
    item = engine.lay_out(1, "k", TRUE, random.Random(1), engine.token_maker(random.Random(1)))
    assert [i for _, i in item["options"]] == [0, 1]


def test_matching_shuffles_items_and_offers_every_answer_once_including_distractors():
    item = engine.lay_out(1, "k", MATCH, random.Random(2), engine.token_maker(random.Random(2)))
    assert sorted(item["items"]) == [0, 1, 2, 3]
    assert sorted(text for _, text in item["choices"]) == ["Apple", "Google", "Meta", "Microsoft"]


def test_reading_maps_tokens_back_and_ignores_unknown_ones():
    item = engine.lay_out(1, "k", MULTI, random.Random(4), engine.token_maker(random.Random(4)))
    token_of = {index: token for token, index in item["options"]}
    form = {"q1": [token_of[1], "0", "forged", token_of[1], token_of[0]]}
    assert engine.read_response(1, item, MULTI, form) == {"chosen": [1, 0]}


def test_reading_a_matching_answer():
    item = engine.lay_out(1, "k", MATCH, random.Random(5), engine.token_maker(random.Random(5)))
    token_of = {text: token for token, text in item["choices"]}
    form = {"q3-1": [token_of["Meta"]], "q3-2": ["nonsense"]}
    response = engine.read_response(3, item, MATCH, form)
    assert response["matches"][0] == [item["items"][0], "Meta"]
    assert response["matches"][1] == [item["items"][1], None]


def test_text_answers_are_cut_to_a_sane_length():
    response = engine.read_response(1, {"id": 1, "key": "k"}, SHORT, {"q1": ["x" * 10_000]})
    assert len(response["text"]) == engine.MAX_TEXT_ANSWER


# --- grading -------------------------------------------------------------------------------------

@pytest.mark.parametrize("chosen, expected", [
    ([0], 1.0), ([1], 0.0), ([3], 0.5), ([2], 0.0), ([], 0.0), ([0, 1], 0.0),
])
def test_single_choice_scores_the_chosen_weight_floored_at_zero(chosen, expected):
    assert engine.grade_question(SINGLE, {"chosen": chosen}) == expected


@pytest.mark.parametrize("chosen, expected", [
    ([0, 1], 1.0), ([0], 0.5), ([0, 1, 3], 0.5), ([0, 2], 0.0), ([0, 1, 2, 3], 0.0), ([], 0.0), ([2, 3], 0.0),
])
def test_multiple_answers_add_weights_with_partial_credit_and_floor_at_zero(chosen, expected):
    assert engine.grade_question(MULTI, {"chosen": chosen}) == pytest.approx(expected)


def test_true_false():
    assert engine.grade_question(TRUE, {"chosen": [0]}) == 1.0
    assert engine.grade_question(TRUE, {"chosen": [1]}) == 0.0
    assert engine.grade_question(TRUE, {"chosen": [0, 1]}) == 0.0


@pytest.mark.parametrize("text, expected", [
    ("demobv", 1.0), ("  DemoBV ", 1.0), ("demo   bv", 0.5), ("Demo\tBV", 0.5), ("demo", 0.0), ("", 0.0),
])
def test_short_answer_ignores_case_and_spacing_and_uses_weights(text, expected):
    assert engine.grade_question(SHORT, {"text": text}) == expected


def test_matching_scores_the_share_of_items_right_with_shared_answers():
    pairs = MATCH["pairs"]
    all_right = [[i, p["answer"]] for i, p in enumerate(pairs) if p["question"]]
    assert engine.grade_question(MATCH, {"matches": all_right}) == 1.0
    half = [[0, "Microsoft"], [1, "Meta"], [2, "Apple"], [3, None]]
    assert engine.grade_question(MATCH, {"matches": half}) == 0.5


@pytest.mark.parametrize("text, expected", [
    ("7", 1.0), ("7.0", 1.0), (" 8 ", 0.5), ("6", 0.5), ("8.5", 0.0), ("seven", 0.0), ("", 0.0), ("inf", 0.0),
])
def test_numerical_with_tolerance_and_weights(text, expected):
    assert engine.grade_question(NUMBER, {"text": text}) == expected


@pytest.mark.parametrize("text, expected", [("3.14", 1.0), ("3,15", 1.0), ("3.1", 1.0), ("3.2", 1.0), ("3.3", 0.0)])
def test_numerical_ranges_and_decimal_commas(text, expected):
    assert engine.grade_question(RANGE, {"text": text}) == expected


def test_grading_an_attempt_gives_a_percentage():
    rng = random.Random(9)
    token = engine.token_maker(rng)
    questions = {1: SINGLE, 2: MULTI, 3: SHORT, 4: TRUE}
    items = [engine.lay_out(i, f"k{i}", questions[i], rng, token) for i in (1, 2, 3, 4)]
    token_of = lambda item, index: next(t for t, i in item["options"] if i == index)  # noqa: E731
    form = {"q1": [token_of(items[0], 0)], "q2": [token_of(items[1], 0)], "q3": ["demo bv"]}
    results, score = engine.grade_attempt(items, questions, form)
    assert [r["fraction"] for r in results] == [1.0, 0.5, 0.5, 0.0]
    assert score == 50.0
    assert results[3]["response"] == {"chosen": []}


def test_pass_mark_is_inclusive_and_safe_from_rounding():
    assert engine.has_passed(80.0, 80)
    assert engine.has_passed(engine.score_percent([1, 1, 1, 1, 0.2]), 84)
    assert not engine.has_passed(79.99, 80)


def test_verdicts():
    assert [engine.verdict(f) for f in (1.0, 0.5, 0.0)] == ["right", "partly", "wrong"]


# --- time ----------------------------------------------------------------------------------------

def test_deadline_and_grace():
    deadline = engine.deadline_for(t(9), 20)
    assert deadline == t(9) + timedelta(minutes=20)
    assert engine.in_time(deadline, deadline + timedelta(seconds=30))
    assert not engine.in_time(deadline, deadline + timedelta(seconds=31))
    assert engine.deadline_for(t(9), None) is None and engine.in_time(None, t(23))


def test_no_cooldown_until_the_configured_number_of_failures_in_a_row():
    assert engine.next_attempt_at([], 2, 24) is None
    assert engine.next_attempt_at([(t(9), False)], 2, 24) is None
    assert engine.next_attempt_at([(t(9), False), (t(10), False)], 2, 24) == t(10) + timedelta(hours=24)


def test_a_pass_resets_the_count_and_each_further_round_of_failures_cools_down_again():
    failures = [(t(9), False), (t(10), False)]
    assert engine.next_attempt_at(failures + [(t(11), True), (t(12), False)], 2, 24) is None
    later = failures + [(t(9) + timedelta(days=2), False)]
    assert engine.next_attempt_at(later, 2, 24) is None
    again = later + [(t(10) + timedelta(days=2), False)]
    assert engine.next_attempt_at(again, 2, 24) == t(10) + timedelta(days=3)


def test_attempts_before_next_cooldown():
    assert engine.attempts_before_next_cooldown([], 3) == 3
    assert engine.attempts_before_next_cooldown([(t(9), False)], 3) == 2
    assert engine.attempts_before_next_cooldown([(t(9), False), (t(10), True)], 3) == 3


@pytest.mark.parametrize("start, months, expected", [
    (datetime(2026, 3, 2, 9, tzinfo=timezone.utc), 12, datetime(2027, 3, 2, 9, tzinfo=timezone.utc)),
    (datetime(2026, 1, 31, tzinfo=timezone.utc), 1, datetime(2026, 2, 28, tzinfo=timezone.utc)),
    (datetime(2024, 2, 29, tzinfo=timezone.utc), 12, datetime(2025, 2, 28, tzinfo=timezone.utc)),
    (datetime(2026, 11, 15, tzinfo=timezone.utc), 3, datetime(2027, 2, 15, tzinfo=timezone.utc)),
])
def test_add_months(start, months, expected):
    assert engine.add_months(start, months) == expected

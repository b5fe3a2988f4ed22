"""Item analysis over attempts made up with known answers; every expected figure worked out by hand
(the working is in the comments)."""

import csv
import io
import math

import pytest

from advocacy.learning.banks.item_analysis import CSV_HEADER, MIN_ATTEMPTS, NO_ANSWER, OTHER_TEXTS, AttemptRecord, ItemStats, Response, analyse, correlation, csv_row, item_stats, record, to_csv, upper_lower

QUESTIONS = {
    "capital": {"type": "multichoice", "single": True, "title": "Capital", "text": "Capital of NL?",
                "answers": [{"text": "Amsterdam", "fraction": 100}, {"text": "Rotterdam", "fraction": 0},
                            {"text": "Utrecht", "fraction": 0}]},
    "sky": {"type": "truefalse", "title": None, "text": "The sky is green.",
            "answers": [{"text": "true", "fraction": 0}, {"text": "false", "fraction": 100}]},
    "city": {"type": "shortanswer", "title": "City", "text": "Biggest port?",
             "answers": [{"text": "Amsterdam", "fraction": 100}]},
}

# Six attempts, best first. q = (capital, sky, city); fractions and what was chosen:
#   A1 100: capital 1 [0]  sky 1 [1]   city 1 "Amsterdam"
#   A2  90: capital 1 [0]  sky 1 [1]   city 0 "Rotterdam"
#   A3  70: capital 1 [0]  sky 0 [0]   city 0 "Rotterdam"
#   A4  50: capital 0 [1]  sky 1 [1]   city 0 "rotterdam "
#   A5  30: capital 0 [1]  sky 1 [1]   city 0 "Utrecht"
#   A6  10: capital 0 [2]  sky 0 []    city 0 ""
# and a fourth question, "rare", drawn in four attempts only (and always wrong, so it adds nothing to
# the rest-of-attempt scores below).
ATTEMPTS = [
    record(100, [("capital", 1, [0]), ("sky", 1, [1]), ("city", 1, "Amsterdam"), ("rare", 0, [1])]),
    record(90, [("capital", 1, [0]), ("sky", 1, [1]), ("city", 0, "Rotterdam"), ("rare", 0, [1])]),
    record(70, [("capital", 1, [0]), ("sky", 0, [0]), ("city", 0, "Rotterdam"), ("rare", 0, [1])]),
    record(50, [("capital", 0, [1]), ("sky", 1, [1]), ("city", 0, "rotterdam "), ("rare", 0, [1])]),
    record(30, [("capital", 0, [1]), ("sky", 1, [1]), ("city", 0, "Utrecht")]),
    record(10, [("capital", 0, [2]), ("sky", 0, []), ("city", 0, "")]),
]


@pytest.fixture(scope="module")
def bank():
    return analyse(ATTEMPTS, QUESTIONS, version=3)


def stats(bank, key) -> ItemStats:
    return next(item for item in bank.items if item.key == key)


def test_bank_figures(bank):
    assert (bank.version, bank.attempts) == (3, 6)
    assert bank.mean_total == pytest.approx((100 + 90 + 70 + 50 + 30 + 10) / 6)
    assert [item.key for item in bank.items] == ["capital", "sky", "city", "rare"]  # bank order, then first seen


def test_single_choice(bank):
    item = stats(bank, "capital")
    # facility: 3 right of 6 = 0.5; thirds of 6 attempts hold 2: top A1, A2 (1, 1), bottom A5, A6 (0, 0): D = 1.
    assert (item.attempts, item.facility, item.discrimination) == (6, 0.5, 1.0)
    # rest of the attempt (sky + city): 2, 1, 0, 1, 1, 0 (mean 5/6); fractions 1,1,1,0,0,0 (mean 1/2).
    # sum of products of deviations = 1/2 (7/6 + 1/6 - 5/6) - 1/2 (1/6 + 1/6 - 5/6) = 1/2;
    # squares: 6 x 1/4 = 3/2 and (49 + 1 + 25 + 1 + 1 + 25) / 36 = 17/6.
    assert item.discrimination_index == pytest.approx(0.5 / math.sqrt(1.5 * 17 / 6))
    assert item.options == {0: 3, 1: 2, 2: 1}
    assert item.flags == ()


def test_true_false(bank):
    item = stats(bank, "sky")
    # 4 right of 6; top A1, A2 (1, 1) = 1, bottom A5, A6 (1, 0) = 1/2: D = 1/2.
    assert item.facility == pytest.approx(4 / 6) and item.discrimination == pytest.approx(0.5)
    # rest (capital + city): 2, 1, 1, 0, 0, 0 (mean 2/3); fractions 1,1,0,1,1,0 (mean 2/3):
    # products (4 + 1 - 2 - 2 - 2 + 4) / 9 = 1/3; squares 4/3 and 10/3.
    assert item.discrimination_index == pytest.approx((1 / 3) / math.sqrt(4 / 3 * 10 / 3))
    assert item.options == {0: 1, 1: 4, NO_ANSWER: 1}
    assert item.flags == ()


def test_short_answer(bank):
    item = stats(bank, "city")
    # 1 right of 6: too hard; top A1, A2 (1, 0) = 1/2, bottom 0: D = 1/2.
    assert item.facility == pytest.approx(1 / 6) and item.discrimination == pytest.approx(0.5)
    # rest (capital + sky): 2, 2, 1, 1, 1, 0 (mean 7/6); fractions 1,0,0,0,0,0 (mean 1/6):
    # products 5/6 x 5/6 + (-1/6)(5/6 - 1/6 - 1/6 - 1/6 - 7/6) = 30/36; squares 30/36 and 102/36.
    assert item.discrimination_index == pytest.approx(5 / math.sqrt(85))
    # "Rotterdam" three times (case and spaces do not count); Amsterdam and Utrecht once each: folded.
    assert item.options == {"rotterdam": 3, OTHER_TEXTS: 2, NO_ANSWER: 1}
    # the commonest wrong answer (3) beats the right ones (1)
    assert item.flags == ("too_hard", "wrong_beats_right")


def test_too_few_attempts_withholds_the_figures(bank):
    item = stats(bank, "rare")
    assert item == ItemStats("rare", 4, flags=("too_few_attempts",))
    assert not item.enough and item.facility is None and item.options == {}


def test_a_version_with_fewer_than_five_attempts_is_not_analysed():
    assert MIN_ATTEMPTS == 5
    assert analyse(ATTEMPTS[:4], QUESTIONS) is None
    assert analyse(ATTEMPTS[:5], QUESTIONS) is not None


# --- flags, each with its own made-up attempts ------------------------------------------------------


def attempts_for(key, rows):
    """Attempts of one question: rows of (total, fraction, chosen)."""
    return [AttemptRecord(total, (Response(key, fraction, chosen),)) for total, fraction, chosen in rows]


FLAG_CASES = [
    # too easy: 10 of 10 right -> facility 1, D 0 (weak too)
    ("easy", None, [(t, 1, [0]) for t in range(10)], ("too_easy", "weak_discrimination")),
    # too hard and weak: 1 right of 10, the right one in the middle
    ("hard", None, [(t, 1 if t == 5 else 0, [0]) for t in range(10)], ("too_hard", "weak_discrimination")),
    # negative: the three weakest right, the three strongest wrong
    ("negative", None, [(t, 1 if t < 3 else 0, [0]) for t in range(9)], ("negative_discrimination",)),
    # good: the best half right
    ("good", None, [(t, 1 if t >= 3 else 0, [0]) for t in range(6)], ()),
]


@pytest.mark.parametrize("key, question, rows, flags", FLAG_CASES)
def test_flags(key, question, rows, flags):
    assert item_stats(key, attempts_for(key, rows), question).flags == flags


def test_negative_discrimination_figure():
    # nine attempts, thirds of three: top (totals 6, 7, 8) all 0, bottom (0, 1, 2) all 1: D = -1.
    item = item_stats("negative", attempts_for("negative", FLAG_CASES[2][2]))
    assert item.discrimination == -1.0


def test_wrong_option_beating_the_right_one():
    question = QUESTIONS["capital"]
    rows = [(90, 1, [0]), (80, 0, [1]), (70, 0, [1]), (60, 0, [1]), (50, 1, [0]), (40, 0, [2])]
    item = item_stats("capital", attempts_for("capital", rows), question)
    assert item.options == {0: 2, 1: 3, 2: 1} and "wrong_beats_right" in item.flags
    tie = [(90, 1, [0]), (80, 0, [1]), (70, 0, [1]), (60, 1, [0]), (50, 0, [2])]
    assert "wrong_beats_right" not in item_stats("capital", attempts_for("capital", tie), question).flags
    assert "wrong_beats_right" not in item_stats("capital", attempts_for("capital", rows)).flags  # key unknown


def test_wrong_option_beating_the_least_chosen_right_one_in_a_multiple_answer_question():
    question = {"type": "multichoice", "single": False,
                "answers": [{"fraction": 50}, {"fraction": 50}, {"fraction": -100}]}
    rows = [(90, 1, [0, 1]), (80, 0.5, [0, 2]), (70, 0.5, [0, 2]), (60, 0, [2]), (50, 0.5, [0])]
    item = item_stats("multi", attempts_for("multi", rows), question)
    assert item.options == {0: 4, 1: 1, 2: 3} and "wrong_beats_right" in item.flags


def test_options_nobody_chose_are_listed_and_matching_counts_pairs():
    question = {"type": "multichoice", "single": True, "answers": [{"fraction": 100}, {"fraction": 0}, {"fraction": 0}]}
    item = item_stats("q", attempts_for("q", [(t, 1, [0]) for t in range(5)]), question)
    assert item.options == {0: 5, 1: 0, 2: 0}
    rows = [(t, 0.5, [[0, "Meta"], [1, None]]) for t in range(5)]
    assert item_stats("m", attempts_for("m", rows)).options == {(0, "Meta"): 5}


def test_typed_answers_given_once_are_not_shown():
    rows = [(t, 0, text) for t, text in enumerate(["my own words", "Mine", "mine", "something else", "x"])]
    item = item_stats("s", attempts_for("s", rows))
    assert item.options == {"mine": 2, OTHER_TEXTS: 3}
    assert all(text not in item.options for text in ("my own words", "something else", "x"))


# --- the figures' building blocks -------------------------------------------------------------------


def test_upper_lower_ties_keep_the_given_order():
    # five attempts with the same total: thirds of one, the first given is the bottom, the last the top
    assert upper_lower([(50, 0), (50, 1), (50, 1), (50, 1), (50, 1)]) == 1.0
    assert upper_lower([(50, 1), (50, 1), (50, 1), (50, 1), (50, 0)]) == -1.0


def test_correlation():
    assert correlation([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert correlation([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert correlation([1, 1, 1], [1, 2, 3]) is None


# --- CSV ---------------------------------------------------------------------------------------------


def test_csv_rows(bank):
    assert csv_row(stats(bank, "sky"), 3, QUESTIONS["sky"]) == [
        "3", "sky", "The sky is green.", "6", "0.667", "0.500",
        f"{(1 / 3) / math.sqrt(4 / 3 * 10 / 3):.3f}", "true: 1; false: 4; no answer: 1", ""]
    assert csv_row(stats(bank, "capital"), 3, QUESTIONS["capital"])[7] == "1: 3; 2: 2; 3: 1"
    assert csv_row(stats(bank, "rare"), 3) == ["3", "rare", "", "4", "", "", "", "", "too_few_attempts"]


def test_csv_document(bank):
    rows = list(csv.reader(io.StringIO(to_csv(bank, QUESTIONS))))
    assert tuple(rows[0]) == CSV_HEADER
    assert [r[1] for r in rows[1:]] == ["capital", "sky", "city", "rare"]
    assert rows[3][8] == "too_hard wrong_beats_right" and rows[3][7] == "rotterdam: 3; other: 2; no answer: 1"
    assert to_csv(None) == ",".join(CSV_HEADER) + "\r\n"


def test_no_person_in_the_output(bank):
    # Records carry no person, and nothing in an item is per attempt: only counts and means.
    fields = {f for item in bank.items for f in vars(item)}
    assert fields == {"key", "attempts", "facility", "discrimination", "discrimination_index", "options", "flags"}

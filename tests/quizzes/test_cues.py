"""Cue checks: a table of positive and negative cases per cue, the bank cues and the summary."""

import pytest

from advocacy.learning.banks.cues import MESSAGES, Cue, bank_cues, bank_summary, content_words, question_cues, visible


def mc(text, *answers, single=True, general="See lesson 1."):
    """A multiple-choice dict; answers are (text, fraction) or (text, fraction, feedback)."""
    rows = [(a + ("fb",))[:3] for a in answers]
    return {"type": "multichoice", "text": text, "single": single, "general_feedback": general,
            "answers": [{"text": t, "fraction": f, "feedback": fb} for t, f, fb in rows]}


def tf(right: bool, text="The sky is blue."):
    return {"type": "truefalse", "text": text, "general_feedback": "g",
            "answers": [{"text": "true", "fraction": 100 if right else 0, "feedback": "a"},
                        {"text": "false", "fraction": 0 if right else 100, "feedback": "b"}]}


def codes(question, code):
    return [c for c in question_cues(question, 3) if c.code == code]


# --- the right option is the longest -------------------------------------------------------------------

LONGEST = [
    # (question, flagged, severity, ratio)
    (mc("Q?", ("a much longer right answer here", 100), ("short", 0), ("brief", 0)), True, "warning", 31 / 5),
    (mc("Q?", ("abcdef", 100), ("abcde", 0), ("abcd", 0)), True, "info", 6 / 4.5),
    (mc("Q?", ("same", 100), ("same", 0)), False, None, None),  # a tie is not longest
    (mc("Q?", ("short", 100), ("a longer wrong one", 0)), False, None, None),
    (mc("Q?", ("<p>ab</p>", 100), ("abc", 0)), False, None, None),  # markup does not count
    (mc("Q?", ("long right one", 50), ("x", 50), ("y", -100), single=False), False, None, None),  # not single
]


@pytest.mark.parametrize("question, flagged, severity, ratio", LONGEST)
def test_longest_right(question, flagged, severity, ratio):
    found = codes(question, "longest_right")
    assert bool(found) is flagged
    if flagged:
        (cue,) = found
        assert (cue.severity, cue.question_index) == (severity, 3)
        assert cue.params["ratio"] == pytest.approx(ratio)
        assert cue.message_en == MESSAGES["longest_right"].format(ratio=ratio)


# --- all / none of the above ------------------------------------------------------------------------------

ABOVE = [
    ("All of the above", "all_of_the_above"),
    ("all the above.", "all_of_the_above"),
    ("Both of the above", "all_of_the_above"),
    ("All answers are correct", "all_of_the_above"),
    ("Alle bovenstaande", "all_of_the_above"),
    ("Alle bovenstaande antwoorden", "all_of_the_above"),
    ("Alle antwoorden zijn juist", "all_of_the_above"),
    ("Beide zijn goed", "all_of_the_above"),
    ("None of the above", "none_of_the_above"),
    ("<p>None of these</p>", "none_of_the_above"),
    ("Neither of the above", "none_of_the_above"),
    ("Geen van bovenstaande", "none_of_the_above"),
    ("Geen van de bovenstaande antwoorden", "none_of_the_above"),
    ("Geen van beide", "none_of_the_above"),
    ("Geen antwoord is juist", "none_of_the_above"),
    ("All employees may share", None),
    ("None of your followers will see it", None),
    ("Alle collega's mogen delen", None),
    ("Geen enkele klant", None),
]


@pytest.mark.parametrize("option, code", ABOVE)
def test_all_and_none_of_the_above(option, code):
    question = mc("Which?", ("First option", 100), (option, 0))
    found = [c for c in question_cues(question) if c.code in ("all_of_the_above", "none_of_the_above")]
    assert [c.code for c in found] == ([code] if code else [])
    if code:
        assert found[0].params == {"option": 2} and found[0].severity == "warning"


# --- a negation in the stem -------------------------------------------------------------------------------

NEGATION = [
    ("Which of these is not allowed?", "warning", "not"),
    ("Which of these is NOT allowed?", None, None),
    ("Which of these is **not** allowed?", None, None),
    ("Which of these is <strong>not</strong> allowed?", None, None),
    ("Which of these would you never share?", "warning", "never"),
    ("All of these are fine, except which one?", "warning", "except"),
    ("Which one isn't a network?", "warning", "isn't"),
    ("Welke mag je niet delen?", "warning", "niet"),
    ("Welke mag je NIET delen?", None, None),
    ("Wat doe je nooit?", "warning", "nooit"),
    ("Alles mag, behalve wat?", "warning", "behalve"),
    ("Welke post heeft geen bron?", "warning", "geen"),
    ("You have never posted. What is a good first step?", "info", "never"),  # the scenario, not the question
    ("Waar of niet waar? Delen is verplicht.", None, None),  # a stock phrase
    ("Nothing here is negative. Which is right?", None, None),
    ("Which is the knotted rope?", None, None),
]


@pytest.mark.parametrize("text, severity, word", NEGATION)
def test_negation_in_stem(text, severity, word):
    found = codes(mc(text, ("a", 100), ("b", 0)), "negation_in_stem")
    assert [(c.severity, c.params["word"]) for c in found] == ([(severity, word)] if severity else [])


def test_negation_in_a_true_false_statement_is_a_warning_anywhere():
    (cue,) = codes(tf(False, "You may not share it. Everyone can see it."), "negation_in_stem")
    assert cue.severity == "warning"


# --- options that repeat the stem -------------------------------------------------------------------------

OVERLAP = [
    (mc("Why do colleagues share vacancies in their networks?",
        ("Colleagues reach networks the company page does not reach", 100),
        ("Because it is compulsory", 0), ("To get a bonus", 0)), True),
    (mc("Why do colleagues share vacancies?", ("They reach more people", 100), ("It is compulsory", 0)), False),
    (mc("Why do colleagues share vacancies?",
        ("Colleagues share vacancies for reach", 100), ("Colleagues share vacancies for money", 0)), False),
    (mc("Which networks reach recruiters?", ("Networks reach recruiters", 50), ("Fax", -100),
        ("Networks reach recruiters well", 50), single=False), True),
]


@pytest.mark.parametrize("question, flagged", OVERLAP)
def test_stem_overlap(question, flagged):
    assert bool(codes(question, "stem_overlap")) is flagged


def test_content_words_leave_out_function_words():
    assert content_words("Why do the colleagues share <b>vacancies</b> in hun netwerk?") == {
        "colleagues", "share", "vacancies", "netwerk"}


# --- missing feedback -------------------------------------------------------------------------------------

FEEDBACK = [
    (mc("Q?", ("a", 100, "yes"), ("b", 0, "no")), []),
    (mc("Q?", ("a", 100, None), ("b", 0, "no")), [("missing_answer_feedback", {"missing": 1, "total": 2})]),
    (mc("Q?", ("a", 100, "y"), ("b", 0, "n"), general=None), [("missing_general_feedback", {})]),
    ({"type": "matching", "text": "M", "general_feedback": None, "pairs": []}, [("missing_general_feedback", {})]),
    ({"type": "numerical", "text": "N", "general_feedback": "g",
      "answers": [{"value": 1, "tolerance": 0, "fraction": 100, "feedback": None}]},
     [("missing_answer_feedback", {"missing": 1, "total": 1})]),
    ({"type": "essay", "text": "E", "general_feedback": None}, []),
    ({"type": "description", "text": "D", "general_feedback": None}, []),
]


@pytest.mark.parametrize("question, expected", FEEDBACK)
def test_missing_feedback(question, expected):
    found = [(c.code, dict(c.params)) for c in question_cues(question) if c.code.startswith("missing")]
    assert found == expected
    assert all(c.severity == "info" for c in question_cues(question) if c.code.startswith("missing"))


# --- bank cues -------------------------------------------------------------------------------------------

POOL = [(10, 5, False), (9, 5, True), (3, None, False), (4, 2, False), (3, 2, True)]


@pytest.mark.parametrize("pool, draw, flagged", POOL)
def test_pool_smaller_than_twice_the_draw(pool, draw, flagged):
    bank = [tf(True)] * pool + [{"type": "essay", "text": "E", "general_feedback": None}]  # essays do not count
    found = [c for c in bank_cues(bank, draw) if c.code == "pool_too_small"]
    assert bool(found) is flagged
    if flagged:
        assert found[0].question_index is None and found[0].params == {"pool": pool, "draw": draw, "needed": 2 * draw}


BALANCE = [
    # (true answers, false answers, flagged side)
    (6, 13, "false"), (13, 6, "true"), (2, 2, None), (4, 0, None),  # fewer than five: not judged
    (5, 0, "true"), (2, 3, None), (7, 13, None), (35, 65, None), (34, 66, "false"),
]


@pytest.mark.parametrize("true, false, side", BALANCE)
def test_true_false_balance(true, false, side):
    found = [c for c in bank_cues([tf(True)] * true + [tf(False)] * false) if c.code == "truefalse_balance"]
    assert [c.params["side"] for c in found] == ([side] if side else [])
    if side == "false":
        assert found[0].message_en.startswith(f"{false} of {true + false} true/false questions are false")


def longest(right_wins: bool):
    return mc("Q?", ("right and long", 100), ("wrong", 0)) if right_wins else mc("Q?", ("right", 100), ("wrong and long", 0))


@pytest.mark.parametrize("wins, losses, flagged", [(3, 2, True), (4, 0, False), (5, 5, False), (6, 4, True)])
def test_right_option_longest_too_often_in_the_bank(wins, losses, flagged):
    bank = [longest(True)] * wins + [longest(False)] * losses
    assert any(c.code == "longest_right_bank" for c in bank_cues(bank)) is flagged


def test_bank_cues_carry_question_indexes_in_order():
    bank = [mc("Q?", ("a", 100), ("b", 0)), mc("Which is not?", ("a", 100), ("b", 0))]
    assert [c.question_index for c in bank_cues(bank)] == [1]


def test_summary():
    bank = [longest(True), longest(True), longest(False), tf(True), tf(False),
            {"type": "essay", "text": "E", "general_feedback": None},
            mc("Q?", ("a", 100, None), ("b", 0, None), general=None)]
    summary = bank_summary(bank, draw=5)
    assert summary["questions"] == 7 and summary["gradable"] == 6
    assert summary["by_type"] == {"essay": 1, "multichoice": 4, "truefalse": 2}
    assert (summary["single_answer"], summary["longest_right"]) == (4, 2)
    assert summary["longest_right_share"] == 0.5
    assert summary["longest_right_ratio"] == pytest.approx(14 / 5)
    assert (summary["truefalse"], summary["truefalse_true"], summary["truefalse_true_share"]) == (2, 1, 0.5)
    assert (summary["answers"], summary["answers_with_feedback"]) == (12, 10)
    assert summary["general_feedback"] == 5 and summary["general_feedback_share"] == pytest.approx(5 / 6)
    assert summary["cues"] == {"longest_right": 2, "missing_answer_feedback": 1, "missing_general_feedback": 1,
                               "pool_too_small": 1}
    assert summary["warnings"] == 3


def test_summary_of_an_empty_bank():
    summary = bank_summary([])
    assert summary["questions"] == 0 and summary["longest_right_share"] is None and summary["cues"] == {}


def test_cues_are_values():
    a = question_cues(mc("Which is not?", ("a", 100), ("b", 0)), 0)
    b = question_cues(mc("Which is not?", ("a", 100), ("b", 0)), 0)
    assert a == b and len({*a}) == len(a) and isinstance(a[0], Cue)


def test_visible_text():
    assert visible("<p>Hello&nbsp;**bold** `code`</p>\n<p>there</p>") == "Hello bold code there"

"""GIFT parser: every construct, every error (with file and line), encodings and escapes."""

import textwrap

import pytest

from advocacy.learning.banks.gift import Answer, GiftError, NumericalAnswer, Pair, Question, export_gift, parse_gift, parse_gift_bytes, parse_gift_file, question_to_dict


def parse(text: str) -> list[Question]:
    return parse_gift(textwrap.dedent(text), "quiz.gift")


def one(text: str) -> Question:
    (question,) = parse(text)
    return question


def errors(text: str) -> list[str]:
    with pytest.raises(GiftError) as caught:
        parse(text)
    return [str(item) for item in caught.value.errors]


def error(text: str) -> str:
    (message,) = errors(text)
    return message


# --- question types ------------------------------------------------------------------------


def test_single_choice():
    q = one("Who's buried in Grant's tomb? {~Grant ~Jefferson =no one}")
    assert q.type == "multichoice" and q.single is True
    assert q.text == "Who's buried in Grant's tomb?"
    assert q.answers == (Answer("Grant", 0, None), Answer("Jefferson", 0, None), Answer("no one", 100, None))
    assert q.title is None and q.format == "moodle" and q.category is None and q.general_feedback is None


def test_single_choice_with_partial_credit_stays_single():
    q = one("Pick {=best ~%50%half ~%-25%bad}")
    assert q.single is True
    assert [a.fraction for a in q.answers] == [100, 50, -25]


def test_multiple_answers_with_negative_weights():
    q = one("Which are colours? {~%50%red ~%50%blue ~%-100%table}")
    assert q.type == "multichoice" and q.single is False
    assert [(a.text, a.fraction) for a in q.answers] == [("red", 50), ("blue", 50), ("table", -100)]


def test_weighted_equals_in_a_choice_list_is_read_as_moodle_reads_it():
    # Moodle: '=' in a multiple choice is always 100 % and what follows stays text; an '=' makes
    # the question single-choice.
    q = one("Which are colours? {=%50%red =%50%blue ~%-100%table}")
    assert q.single is True
    assert [(a.text, a.fraction) for a in q.answers] == [("%50%red", 100), ("%50%blue", 100), ("table", -100)]


def test_weights_moodle_does_not_read_are_answer_text():
    q = one("Pick {=right ~%+50%half ~%5,5%odd ~% 5%spaced ~%.5%dot}")
    assert [(a.text, a.fraction) for a in q.answers] == [
        ("right", 100), ("%+50%half", 0), ("%5,5%odd", 0), ("% 5%spaced", 0), ("%.5%dot", 0)]
    assert one("Say {=%+50%x =y}").answers[0] == Answer("%+50%x", 100)
    assert [a.fraction for a in one("W {~%33.5%a ~%66.5%b}").answers] == [33.5, 66.5]


def test_multiple_answer_weights_tolerate_rounding():
    q = one("Three right {~%33%a ~%33%b ~%33%c ~%-100%d}")
    assert q.single is False and [a.fraction for a in q.answers][:3] == [33, 33, 33]
    assert one("Three {~%33.333%a ~%33.333%b ~%33.333%c}").single is False


@pytest.mark.parametrize("token, right", [("T", True), ("TRUE", True), ("F", False), ("FALSE", False), (" TRUE ", True)])
def test_true_false(token, right):
    q = one(f"The sun is a star. {{{token}}}")
    assert q.type == "truefalse"
    assert q.answers == (Answer("true", 100 if right else 0, None), Answer("false", 0 if right else 100, None))


@pytest.mark.parametrize("token", ["true", "false", "t", "f", "True"])
def test_lower_case_true_false_is_a_short_answer_as_in_moodle(token):
    q = one(f"The sun is a star. {{{token}}}")
    assert q.type == "shortanswer" and q.answers == (Answer(token, 100),)


def test_true_false_feedback_goes_to_the_answer_that_shows_it():
    true_q = one("The sun is a star. {T#shown when wrong#shown when right}")
    assert true_q.answers == (Answer("true", 100, "shown when right"), Answer("false", 0, "shown when wrong"))
    false_q = one("The moon is a star. {F#shown when wrong#shown when right}")
    assert false_q.answers == (Answer("true", 0, "shown when wrong"), Answer("false", 100, "shown when right"))


def test_true_false_with_only_right_feedback_and_general_feedback():
    q = one("Sky is blue {TRUE##Indeed.####Lesson 3}")
    assert q.answers == (Answer("true", 100, "Indeed."), Answer("false", 0, None))
    assert q.general_feedback == "Lesson 3"


def test_short_answer():
    q = one("Who's buried in Grant's tomb? {=no one =nobody}")
    assert q.type == "shortanswer" and q.single is None
    assert q.answers == (Answer("no one", 100, None), Answer("nobody", 100, None))


def test_short_answer_weights():
    q = one("Capital of the Netherlands? {=Amsterdam =%50%The Hague#Seat of government, not the capital}")
    assert q.answers == (
        Answer("Amsterdam", 100, None),
        Answer("The Hague", 50, "Seat of government, not the capital"),
    )


def test_matching_with_distractor():
    q = one("Match the platform {=LinkedIn -> careers =Instagram -> photos =Mastodon -> federation = -> fax}")
    assert q.type == "matching" and q.answers == ()
    assert q.pairs == (
        Pair("LinkedIn", "careers"),
        Pair("Instagram", "photos"),
        Pair("Mastodon", "federation"),
        Pair("", "fax"),
    )


def test_choice_answers_may_contain_arrows():
    # Any '~' makes a multiple choice in Moodle, '->' or not (this happens in real exports).
    q = one("How to make coffee? {~go to the cafe -> order =get coffee -> add water}")
    assert q.type == "multichoice" and q.single is True
    assert q.answers == (Answer("go to the cafe -> order", 0), Answer("get coffee -> add water", 100))


def test_text_before_the_first_mark_is_an_answer():
    assert one("Colour of the sky? {blue}").answers == (Answer("blue", 100),)
    assert one("Colour? {blue =azure#Also}").answers == (Answer("blue", 100), Answer("azure", 100, "Also"))
    assert one("Pick {maybe ~no =yes}").answers == (Answer("maybe", 0), Answer("no", 0), Answer("yes", 100))
    assert one("Match {a -> 1 =b -> 2 =c -> 3}").pairs[0] == Pair("a", "1")


def test_matching_answer_may_contain_an_arrow():
    q = one("Match {=a -> b -> c =d -> e =f -> g}")
    assert q.pairs[0] == Pair("a", "b -> c")


def test_missing_word():
    q = one("Grey {=gray ~grain ~great} is a colour.")
    assert q.type == "multichoice"
    assert q.text == "Grey _____ is a colour."


def test_missing_word_short_answer_at_the_start():
    q = one("{=Amsterdam} is the capital.")
    assert q.type == "shortanswer" and q.text == "_____ is the capital."


def test_numerical_with_tolerance():
    q = one("What is 1.5 + 0.5? {#2:0.5}")
    assert q.type == "numerical"
    assert q.answers == (NumericalAnswer(2.0, 0.5, 100, None),)


def test_numerical_exact_and_negative():
    assert one("Minus three {#-3}").answers == (NumericalAnswer(-3.0, 0.0, 100, None),)
    assert one("Tiny {#1e-3:2E-4}").answers == (NumericalAnswer(0.001, 0.0002, 100, None),)


def test_numerical_range_becomes_midpoint_and_half_width():
    q = one("A number from 1 to 5 {#1..5}")
    assert q.answers == (NumericalAnswer(3.0, 2.0, 100, None),)
    assert one("Below zero {#-5..-1}").answers == (NumericalAnswer(-3.0, 2.0, 100, None),)


def test_numerical_range_with_huge_ends_stays_finite():
    (answer,) = one("Huge {#-1.5e308..1.5e308}").answers
    assert (answer.value, answer.tolerance) == (0.0, 1.5e308)


def test_numerical_wrong_answer_feedback_glued_to_the_first_answer():
    # Moodle's own fixture: {#3:2~#Completely wrong}. The first answer has no '='.
    q = one("What is a number from 1 to 5? {#3:2~#Completely wrong}")
    assert q.answers == (NumericalAnswer(3.0, 2.0, 100, None), NumericalAnswer(None, 0.0, 0, "Completely wrong"))
    assert one("N {#3 =%50%4 ~}").answers[2] == NumericalAnswer(None, 0.0, 0, None)
    assert one("N {#=%0%5#too much =%100%4}").answers[0] == NumericalAnswer(5.0, 0.0, 0, "too much")


def test_numerical_several_weighted_answers_and_catch_all():
    q = one("Pi? {# =%100%3.14:0.001 =%50%3.1:0.1 ~#Not even close}")
    assert q.answers == (
        NumericalAnswer(3.14, 0.001, 100, None),
        NumericalAnswer(3.1, 0.1, 50, None),
        NumericalAnswer(None, 0.0, 0, "Not even close"),
    )


def test_numerical_short_form_feedback_and_general_feedback():
    q = one("Year? {#1945#Right!####End of the war}")
    assert q.answers == (NumericalAnswer(1945.0, 0.0, 100, "Right!"),)
    assert q.general_feedback == "End of the war"


def test_essay():
    q = one("Describe your ideal post. {}")
    assert q.type == "essay" and q.answers == () and q.text == "Describe your ideal post."
    assert one("Describe it. {####We will read it.}").general_feedback == "We will read it."


def test_description():
    q = one("::Intro:: The next questions are about privacy.")
    assert q.type == "description" and q.title == "Intro"
    assert q.text == "The next questions are about privacy."


# --- titles, formats, feedback ---------------------------------------------------------------


def test_title_and_general_feedback():
    q = one("::Colour:: Sky? { =blue#Yes ~green#No ####Look up.}")
    assert q.title == "Colour" and q.general_feedback == "Look up."
    assert q.answers == (Answer("blue", 100, "Yes"), Answer("green", 0, "No"))


@pytest.mark.parametrize("fmt", ["html", "moodle", "plain", "markdown"])
def test_format_prefix(fmt):
    q = one(f"::T::[{fmt}]Some *text* {{T}}")
    assert q.format == fmt and q.text == "Some *text*"


def test_format_prefix_on_answers_items_and_feedback_is_dropped():
    q = one("[html]<b>Pick</b> {=[html]<i>this</i>#[html]<b>yes</b> ~[plain]that# [markdown] *no* ####[moodle]See 1}")
    assert q.format == "html" and q.general_feedback == "See 1"
    assert q.answers == (Answer("<i>this</i>", 100, "<b>yes</b>"), Answer("that", 0, "*no*"))
    m = one("Match {=[html]<b>a</b> -> b =c -> d =e -> f}")
    assert m.pairs[0] == Pair("<b>a</b>", "b")
    tf = one("Sky {T#[html]<i>wrong</i>#[plain]right}")
    assert [a.feedback for a in tf.answers] == ["right", "<i>wrong</i>"]
    n = one("N {#3#[html]<b>yes</b>~#[plain]no}")
    assert [a.feedback for a in n.answers] == ["<b>yes</b>", "no"]
    s = one("S {=[html]Frog#[html]Good}")
    assert s.answers == (Answer("Frog", 100, "Good"),)


def test_a_word_in_brackets_that_is_no_format_is_text():
    assert one("[sic] Teh text {T}").text == "[sic] Teh text"
    assert one("::T:: [HTML]Upper case is no format {T}").text == "[HTML]Upper case is no format"
    q = one("Q {=[latex]a#[note] b ~c}")
    assert q.answers[0] == Answer("[latex]a", 100, "[note] b")


def test_blank_feedback_and_title_are_none():
    q = one(":: :: Q {=a# ~b}")
    assert q.title is None and q.answers[0].feedback is None


def test_multi_line_question():
    q = one(
        """\
        ::Thanksgiving::
        The American holiday of Thanksgiving is celebrated on the {
            ~second
            ~third
            =fourth#Yes
        } Thursday of November.
        """
    )
    assert q.title == "Thanksgiving" and q.line == 1
    assert q.text == "The American holiday of Thanksgiving is celebrated on the _____ Thursday of November."
    assert [a.text for a in q.answers] == ["second", "third", "fourth"]


def test_question_text_keeps_its_inner_line_breaks():
    q = one("First line\nsecond line {T}")
    assert q.text == "First line\nsecond line"


# --- file structure: blank lines, comments, categories, line endings ---------------------------


SAMPLE = """\
// Pool for the basic course
$CATEGORY: basic

::Q1:: Sky is blue {T}


// a comment between questions
::Q2:: Pick one {
    // a comment inside a question
    =right
    ~wrong
}

$CATEGORY: basic/privacy

::Q3:: Say hi {=hi}

$CATEGORY:

Free text {}
"""


def test_blank_lines_comments_and_categories():
    qs = parse(SAMPLE)
    assert [(q.title, q.category, q.line) for q in qs] == [
        ("Q1", "basic", 4),
        ("Q2", "basic", 8),
        ("Q3", "basic/privacy", 16),
        (None, None, 20),
    ]
    assert [a.text for a in qs[1].answers] == ["right", "wrong"]


def test_windows_line_endings_give_the_same_questions():
    assert parse(SAMPLE.replace("\n", "\r\n")) == parse(SAMPLE)
    assert [q.line for q in parse(SAMPLE.replace("\n", "\r\n"))] == [4, 8, 16, 20]


def test_ids_and_tags_in_comments():
    q = one("// A comment with [id:frog] <-- an idnumber.\n// [tag:  basic] and\n// que[tag:add   ]stion\nQ {T}")
    assert (q.idnumber, q.tags) == ("frog", ("basic", "add"))
    assert one("// [id:i\\]d] [tag:t\\]ag] [tag:] [id:second]\nQ {T}").idnumber == "i]d"
    assert one("// [id:i\\]d] [tag:t\\]ag] [tag:]\nQ {T}").tags == ("t]ag",)
    assert one("Q {T}").tags == () and one("Q {T}").idnumber is None
    inside = one("Q {\n// [tag:inside]\n=a ~b}")
    assert inside.tags == ("inside",)


def test_comments_of_another_block_do_not_tag_a_question():
    first, second = parse("// [tag:lost]\n\nQ {T}\n\n// [id:x] [tag:y\n// z]\nR {F}")
    assert first.tags == () and first.idnumber is None
    assert second.idnumber == "x" and second.tags == ()  # a tag cannot span lines


def test_comment_must_start_the_line():
    q = one("See https://example.org {T}")
    assert q.text == "See https://example.org"


def test_empty_input():
    assert parse("") == [] and parse("\n\n// only a comment\n") == []


# --- escapes --------------------------------------------------------------------------------------


def test_escapes_in_every_position():
    q = one(r"::a\:b\{c\}:: 2+2 \= 4 \~ \# \{x\} \\ \n end {=x \= y#fb \# \~ \: ok ~z####gen \{ \}}")
    assert q.title == "a:b{c}"
    assert q.text == "2+2 = 4 ~ # {x} \\ \n end"
    assert q.answers[0] == Answer("x = y", 100, "fb # ~ : ok")
    assert q.general_feedback == "gen { }"


def test_escapes_in_matching_and_numerical_feedback():
    m = one(r"Match {=a\-\>b -> c\=d =e -> f =g -> h}")
    assert m.pairs[0] == Pair(r"a\-\>b", "c=d")
    n = one(r"N {#3:1#a \# b}")
    assert n.answers[0].feedback == "a # b"


def test_unknown_backslash_sequences_are_kept():
    assert one(r"Path C:\temp\x {T}").text == r"Path C:\temp\x"


def test_escaped_colons_do_not_end_the_title():
    assert one(r"::10\:30:: Time {T}").title == "10:30"


# --- encodings -------------------------------------------------------------------------------------


def test_bom_is_accepted():
    data = "\ufeff::Q:: Caf\u00e9 {T}\n".encode("utf-8")
    (q,) = parse_gift_bytes(data, "quiz.gift")
    assert q.title == "Q" and q.text == "Caf\u00e9"
    assert parse_gift("\ufeff::Q:: x {T}")[0].title == "Q"


def test_non_utf8_is_refused_with_file_line_and_offset():
    data = "::Q1:: ok {T}\n\n::Q2:: Caf\u00e9 {T}\n".encode("latin-1")
    with pytest.raises(GiftError) as caught:
        parse_gift_bytes(data, "quiz.gift")
    assert str(caught.value) == "quiz.gift:3: not UTF-8 (byte 0xe9 at offset 25); save the file as UTF-8"


def test_parse_gift_file(tmp_path):
    path = tmp_path / "pool.gift"
    path.write_bytes(b"::Q:: Sky {T}\r\n")
    assert parse_gift_file(path)[0].title == "Q"
    path.write_bytes(b"Bad {~a ~b}\n")
    with pytest.raises(GiftError) as caught:
        parse_gift_file(path)
    assert str(caught.value).startswith(f"{path}:1: ")


# --- errors: file, line and what was expected -------------------------------------------------------


def test_unclosed_braces_name_the_opening_line():
    text = "::Q1:: ok {T}\n\n::Q2:: Pick {\n  =a\n  ~b\n\n::Q3:: fine {T}\n"
    assert error(text) == "quiz.gift:5: expected '}' to close the answers opened on line 3"


def test_brace_opened_inside_answers():
    assert error("Q {=a ~b {=c}") == "quiz.gift:1: expected '}' to close the answers opened on line 1, found '{'"


def test_stray_closing_brace():
    assert error("Q } more {T}") == "quiz.gift:1: unexpected '}' without a '{' before it (write \\} for a literal brace)"
    assert "unexpected '}'" in error("Just text }")


def test_second_answer_block():
    assert "only one {...} answer block" in error("Q {T} and {F}")


def test_unclosed_title():
    assert error("::Title Q {T}") == "quiz.gift:1: title opened with '::' is not closed with '::'"


def test_category_glued_above_a_question():
    assert error("$CATEGORY: a\n::Q:: x {T}") == (
        "quiz.gift:2: put a blank line after '$CATEGORY:' (Moodle reads the lines below it as part of the category name)"
    )


def test_matching_errors():
    assert error("Q {=a -> b =c -> d}") == "quiz.gift:1: matching question needs at least three pairs (found 2)"
    assert error("Q {\n=a -> b\n=c d\n=e -> f\n}") == (
        "quiz.gift:3: matching answer needs '->' between the item and its match"
    )
    assert "at least two pairs with an item" in error("Q {=a -> b = -> c = -> d}")
    assert "no '#' feedback" in error("Q {=a -> b#fb =c -> d =e -> f}")
    assert "no '%weight%'" in error("Q {=%50%a -> b =c -> d =e -> f}")
    assert "needs an answer after '->'" in error("Q {=a -> =c -> d =e -> f}")


def test_single_choice_without_right_answer():
    assert error("Q {~a ~b}") == "quiz.gift:1: single-choice question needs a right answer marked with '='"


def test_multiple_choice_needs_two_answers():
    assert error("Q {~%100%a}") == "quiz.gift:1: multiple-choice question needs at least two answers"


def test_multiple_answer_weights_must_add_up():
    assert error("Q {~%50%a ~%40%b ~%-100%c}") == (
        "quiz.gift:1: multiple-answer weights must add up to 100% (they add up to 90%)"
    )
    assert "add up to 110%" in error("Q {~%60%a ~%50%b}")


def test_weights_outside_range_and_not_numbers():
    assert error("Q {=a\n~%150%b}") == "quiz.gift:2: answer weight 150% is outside -100..100"
    assert "outside -100..100" in error("Q {=a ~%-101%b}")
    assert error("Q {=a ~%--5%b}") == "quiz.gift:1: answer weight '%--5%' has more than one minus sign"


def test_percent_text_that_is_not_a_weight_is_text():
    assert one("Q {=%d and %s ~x}").answers[0].text == "%d and %s"


def test_short_answer_errors():
    assert "short-answer question needs an answer worth 100%" in error("Q {=%50%a =%50%b}")
    assert "between 0 and 100, found -50%" in error("Q {=a =%-50%b}")


def test_numerical_errors():
    assert error("Q {#abc}") == (
        "quiz.gift:1: numerical answer 'abc' is not a number (expected VALUE, VALUE:TOLERANCE or MIN..MAX)"
    )
    assert "is not a number" in error("Q {#3:x}")
    assert "is not a number" in error("Q {#nan}")
    assert "is not a number" in error("Q {#1e999}")
    assert "minimum above its maximum" in error("Q {#5..1}")
    assert "must not be negative" in error("Q {#3:-1}")
    assert "needs an answer after '{#'" in error("Q {#}")
    assert "needs an answer worth 100%" in error("Q {#=%50%3 ~#x}")
    assert error("Q {#=3 ~4#no}") == (
        "quiz.gift:1: in a numerical question '~' is Moodle's 'any other answer' and takes only feedback "
        "('~#feedback'); write a wrong value as '=%0%VALUE'")
    assert "must come last" in error("Q {#=3 ~#no =4}")


def test_true_false_with_three_feedbacks():
    assert "at most two feedbacks" in error("Q {T#a#b#c}")


def test_short_answer_cannot_hold_an_arrow():
    assert error("Q {a -> b}") == "quiz.gift:1: a short answer cannot contain '->' (Moodle would read the question as matching)"
    assert "cannot contain '->'" in error("Q {a#see x -> y}")


def test_empty_answer_and_empty_text():
    assert error("Q {=a ~ }") == "quiz.gift:1: empty answer after '~'"
    assert error("::Only a title::") == "quiz.gift:1: question text is empty"
    assert "question text is empty" in error("{=a ~b}")


def test_category_glued_under_a_question():
    assert error("Q {T}\n$CATEGORY: late") == (
        "quiz.gift:2: put a blank line before '$CATEGORY:' to end the question above it"
    )


def test_all_errors_in_a_file_are_reported():
    text = "Good {T}\n\nBad {~a ~b}\n\nAlso good {F}\n\n[foo]Good {T}\n\nBad {#x}\n"
    assert errors(text) == [
        "quiz.gift:3: single-choice question needs a right answer marked with '='",
        "quiz.gift:9: numerical answer 'x' is not a number (expected VALUE, VALUE:TOLERANCE or MIN..MAX)",
    ]


def test_error_str_and_items():
    with pytest.raises(GiftError) as caught:
        parse_gift("Q {~a ~b}\n\nR {#x}", "pool.gift")
    error_ = caught.value
    assert [(e.filename, e.line) for e in error_.errors] == [("pool.gift", 1), ("pool.gift", 3)]
    assert str(error_).splitlines() == [str(e) for e in error_.errors]
    assert isinstance(error_, ValueError)


# --- model, dicts, export ---------------------------------------------------------------------------


def test_line_is_not_part_of_equality_and_lists_become_tuples():
    a = Question("multichoice", None, "Q", answers=[Answer("a", 100), Answer("b", 0)], single=True, line=3)
    b = Question("multichoice", None, "Q", answers=(Answer("a", 100), Answer("b", 0)), single=True, line=9)
    assert a == b and hash(a) == hash(b)


def test_question_to_dict_shapes():
    qs = parse(
        """\
        $CATEGORY: basic

        ::MC:: Pick {=a#yes ~%-50%b}

        TF {T#wrong#right}

        Num {#1..5}

        Match {=a -> 1 =b -> 2 = -> 3}

        Essay {}

        Words
        """
    )
    mc, tf, num, match, essay, words = (question_to_dict(q) for q in qs)
    assert mc == {
        "type": "multichoice", "title": "MC", "text": "Pick", "format": "moodle", "category": "basic",
        "general_feedback": None, "single": True,
        "answers": [{"text": "a", "fraction": 100, "feedback": "yes"},
                    {"text": "b", "fraction": -50, "feedback": None}],
    }
    assert tf["answers"] == [{"text": "true", "fraction": 100, "feedback": "right"},
                             {"text": "false", "fraction": 0, "feedback": "wrong"}]
    assert num["answers"] == [{"value": 3, "tolerance": 2, "fraction": 100, "feedback": None}]
    assert match["pairs"][2] == {"question": "", "answer": "3"} and "answers" not in match
    assert set(essay) == set(words) == {"type", "title", "text", "format", "category", "general_feedback"}
    assert isinstance(mc["answers"][0]["fraction"], int)


def test_export_reads_well_and_round_trips():
    qs = parse(SAMPLE + "\n::Pi:: Pi? {#3.14:0.01####Circles}\n\n[html]Grey {=gray ~grain} is a colour\n")
    text = export_gift(qs)
    assert "$CATEGORY: basic\n\n::Q1:: Sky is blue {TRUE}" in text
    assert "::Pi:: Pi? {#3.14:0.01####Circles}" in text
    assert "[html]Grey {\n\t=gray\n\t~grain\n} is a colour" in text
    assert "\n$CATEGORY:\n" in text
    assert parse_gift(text) == qs


def test_general_feedback_follows_the_last_four_hashes():
    q = one("Q {=a#one####two####three}")
    assert q.general_feedback == "three" and q.answers[0].feedback == "one####two"


def test_a_backslash_before_an_ordinary_character_escapes_nothing():
    q = one(r"Q {~a\->b =c}")
    assert q.answers[0].text == "a\\->b"
    assert one(r"Match {=a\-> 1 =b -> 2 =c -> 3}").pairs[0] == Pair("a\\", "1")


def test_export_writes_numerical_wrong_values_as_moodle_reads_them():
    q = Question("numerical", None, "N", answers=[
        NumericalAnswer(5.0, 0.0, 0, "Too much"), NumericalAnswer(4.0, 0.5, 100, None),
        NumericalAnswer(None, 0.0, 50, "Half"), NumericalAnswer(None, 0.0, 0, "Wrong")])
    text = export_gift([q])
    assert "\t=%0%5#Too much\n\t=4:0.5\n\t=%50%#Half\n\t~#Wrong\n" in text
    assert "~5" not in text
    assert parse_gift(text) == [q]


def test_export_writes_ids_and_tags_in_a_comment_line():
    q = Question("truefalse", "T", "Q", answers=[Answer("true", 100), Answer("false", 0)],
                 idnumber="my]id", tags=("a tag", "b"))
    text = export_gift([q])
    assert text == "// [id:my\\]id] [tag:a tag] [tag:b]\n::T:: Q {TRUE}\n"
    assert parse_gift(text) == [q]
    for bad in ("a\nb", " padded", "x\\", "<b>", "has [id:x"):
        with pytest.raises(ValueError, match="comment"):
            export_gift([Question("essay", None, "Q", tags=(bad,))])


def test_export_protects_feedback_that_starts_like_a_format():
    q = Question("multichoice", None, "Q", single=True, general_feedback="[html] general",
                 answers=[Answer("a", 100, "[plain]fb"), Answer("[markdown]b", 0, "%x")])
    text = export_gift([q])
    assert "#[moodle][plain]fb" in text and "####[moodle][html] general" in text
    assert parse_gift(text) == [q]


def test_export_protects_text_that_would_be_misread():
    qs = [
        Question("description", None, "// not a comment"),
        Question("description", None, "$CATEGORY: not a category"),
        Question("essay", None, "[sic] text {} with: specials #~="),
        Question("multichoice", None, "Q", answers=[Answer("%d%", 100), Answer("[x]", 0)], single=True),
    ]
    assert parse_gift(export_gift(qs)) == qs


def test_export_refuses_what_gift_cannot_express():
    with pytest.raises(ValueError, match="->"):
        export_gift([Question("shortanswer", None, "Q", answers=[Answer("a -> b", 100)])])
    with pytest.raises(ValueError, match="->"):
        export_gift([Question("shortanswer", None, "Q", answers=[Answer("a", 100, "see x -> y")])])
    with pytest.raises(ValueError, match="->"):
        export_gift([Question("matching", None, "Q", pairs=[Pair("a -> b", "c"), Pair("d", "e"), Pair("f", "g")])])
    with pytest.raises(ValueError, match="case-sensitive"):
        export_gift([Question("shortanswer", None, "Q", answers=[Answer("a", 100)], case_sensitive=True)])
    with pytest.raises(ValueError, match="worth 100%"):
        export_gift([Question("multichoice", None, "Q", single=True, answers=[Answer("a", 50), Answer("b", 0)])])
    with pytest.raises(ValueError, match="line break"):
        export_gift([Question("essay", None, "Q", category="a\nb")])
    with pytest.raises(ValueError, match="description"):
        export_gift([Question("description", None, "Q", general_feedback="fb")])

"""Moodle XML: a Moodle-style export read field by field, every error with its line, round trips
XML -> Question -> XML and GIFT -> Question -> XML -> Question."""

import dataclasses
import re
from pathlib import Path

import pytest
from hypothesis import given, settings

from advocacy.learning.banks.gift import Answer, NumericalAnswer, Pair, Question, parse_gift_file
from advocacy.learning.banks.moodle_xml import MoodleXmlError, parse_moodle_xml, parse_moodle_xml_file, to_moodle_xml, uses_moodle_files

from .test_gift_export_property import questions

FIXTURES = Path(__file__).parent / "fixtures" / "moodle"
EXPORT = FIXTURES / "moodle_export.xml"


def xml(body: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n{body}\n</quiz>\n'.encode()


def question(kind: str, inner: str, text: str = "Q?", fmt: str = "html") -> str:
    return (f'<question type="{kind}"><name><text>N</text></name>'
            f'<questiontext format="{fmt}"><text>{text}</text></questiontext>{inner}</question>')


def answer(fraction, text, feedback="", extra=""):
    return f'<answer fraction="{fraction}"><text>{text}</text><feedback><text>{feedback}</text></feedback>{extra}</answer>'


def errors(data: bytes) -> list[str]:
    with pytest.raises(MoodleXmlError) as caught:
        parse_moodle_xml(data, "bank.xml")
    return [str(e) for e in caught.value.errors]


def error(data: bytes) -> str:
    (message,) = errors(data)
    return message


# --- a Moodle export, field by field ------------------------------------------------------------------


@pytest.fixture(scope="module")
def exported():
    return parse_moodle_xml_file(EXPORT)


def test_export_types_lines_and_categories(exported):
    assert [(q.type, q.line) for q in exported] == [
        ("multichoice", 15), ("multichoice", 71), ("truefalse", 129), ("shortanswer", 158),
        ("numerical", 188), ("matching", 230), ("essay", 282), ("description", 314),
    ]
    assert [q.category for q in exported[:2]] == ["$course$/top/Default for Social basics"] * 2
    assert {q.category for q in exported[2:]} == {"$course$/top/Default for Social basics/Policy"}


def test_export_single_choice_with_tags_id_and_markup(exported):
    q = exported[0]
    assert (q.title, q.format, q.idnumber, q.tags, q.single) == ("Profile photo", "html", "priv-01",
                                                                 ("privacy", "profile"), True)
    assert q.text.startswith('<p dir="ltr">Who can see your <strong>profile photo</strong>')
    assert q.general_feedback == "<p>The photo is public unless you change it.</p>"
    assert q.answers == (
        Answer("<p>Only your first-degree connections</p>", 0, "<p>That is a setting you can choose, not the default.</p>"),
        Answer("<p>Everyone, including people without an account</p>", 100, "Right: the default is public."),
        Answer("Only recruiters & HR", -50, None),
    )
    assert uses_moodle_files(q) and not any(uses_moodle_files(other) for other in exported[1:])


def test_export_multiple_answers_skip_blank_ones(exported):
    q = exported[1]
    assert q.single is False and q.general_feedback is None and q.idnumber is None and q.tags == ()
    assert [a.fraction for a in q.answers] == [33.33333, 33.33333, 33.33333, -100]


def test_export_other_types(exported):
    tf, sa, num, match, essay, desc = exported[2:]
    assert tf.answers == (Answer("true", 100, "Right."), Answer("false", 0, "It is: nobody has to share."))
    assert tf.format == "moodle" and tf.general_feedback == "The policy says so in its first line."
    assert sa.format == "plain" and sa.case_sensitive is True
    assert sa.answers == (Answer("DemoBV", 100, "Exactly."), Answer("Demo", 50, "Close: the full name is better."))
    assert num.answers == (NumericalAnswer(1999.0, 0.0, 100, None), NumericalAnswer(1999.0, 2.0, 50, "<p>Close.</p>"),
                           NumericalAnswer(None, 0.0, 0, "<p>Have a look at the about page.</p>"))
    assert match.pairs == (Pair("<p>LinkedIn</p>", "careers and business news"),
                           Pair("<p>Instagram</p>", "photos and short videos"),
                           Pair("<p>Mastodon</p>", "federated microblogging"), Pair("", "fax"))
    assert (essay.type, essay.answers, essay.general_feedback) == ("essay", (), None)
    assert (desc.format, desc.general_feedback) == ("markdown", "Read the lesson first.")


def test_export_round_trips(exported):
    written = to_moodle_xml(exported)
    again = parse_moodle_xml(written)
    assert again == exported
    assert to_moodle_xml(again) == written
    assert [q.line for q in again][:2] == [11, 53]  # lines of the file written, not of the original


# --- round trips ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.gift")), ids=lambda p: p.name)
def test_gift_fixtures_survive_moodle_xml(path):
    qs = parse_gift_file(path)
    assert parse_moodle_xml(to_moodle_xml(qs)) == qs


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(value):
    """The same question with the characters XML cannot hold replaced."""
    if isinstance(value, str):
        return _NOT_XML.sub("?", value)
    if isinstance(value, tuple):
        return tuple(_xml_safe(v) for v in value)
    if dataclasses.is_dataclass(value):
        return dataclasses.replace(value, **{f.name: _xml_safe(getattr(value, f.name))
                                             for f in dataclasses.fields(value) if f.init})
    return value


@settings(max_examples=300, deadline=None)
@given(questions)
def test_gift_questions_survive_moodle_xml(qs):
    qs = [_xml_safe(q) for q in qs]
    written = to_moodle_xml(qs)
    assert parse_moodle_xml(written) == qs
    assert to_moodle_xml(parse_moodle_xml(written)) == written


def test_markup_carriage_returns_and_cdata_ends_survive():
    q = Question("essay", "A <b>", "x ]]> y <i>z</i>", general_feedback="line\r\nbreak & more")
    assert parse_moodle_xml(to_moodle_xml([q])) == [q]


def test_writing_refuses_what_xml_cannot_hold():
    with pytest.raises(ValueError, match="U\\+0000"):
        to_moodle_xml([Question("essay", None, "nul \x00 here")])


def test_untitled_questions_get_an_empty_name():
    written = to_moodle_xml([Question("essay", None, "Q")]).decode()
    assert "<name>\n      <text></text>\n    </name>" in written


# --- reading details -------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt, ours", [("moodle_auto_format", "moodle"), ("html", "html"), ("plain_text", "plain"),
                                       ("markdown", "markdown"), ("wiki_like", "plain"), ("rtf", "html")])
def test_formats(fmt, ours):
    (q,) = parse_moodle_xml(xml(question("essay", "", fmt=fmt)))
    assert q.format == ours


def test_missing_format_and_name_and_single():
    data = xml('<question type="multichoice"><questiontext><text>Q</text></questiontext>'
               + answer(100, "a") + answer(0, "b") + "</question>")
    (q,) = parse_moodle_xml(data)
    assert (q.format, q.title, q.single) == ("html", None, True)


@pytest.mark.parametrize("single", ["false", "0", ""])
def test_single_false(single):
    (q,) = parse_moodle_xml(xml(question("multichoice", f"<single>{single}</single>" + answer(50, "a") + answer(50, "b"))))
    assert q.single is False


def test_old_truefalse_with_translated_answer_texts():
    data = xml(question("truefalse", answer(0, "Waar", "no") + answer(100, "Onwaar", "yes")))
    (q,) = parse_moodle_xml(data)
    assert q.answers == (Answer("true", 0, "no"), Answer("false", 100, "yes"))


def test_match_is_matching_and_texts_are_trimmed():
    subs = "".join(f"<subquestion><text>  {i}  </text><answer><text> {a} </text></answer></subquestion>"
                   for i, a in [("a", "1"), ("b", "2"), ("", "3")])
    (q,) = parse_moodle_xml(xml(question("match", subs, text="\n  Match  \n")))
    assert (q.type, q.text, q.pairs) == ("matching", "Match", (Pair("a", "1"), Pair("b", "2"), Pair("", "3")))


def test_category_reset_and_bom():
    data = b"\xef\xbb\xbf" + xml(
        '<question type="category"><category><text>a/b</text></category></question>'
        + question("essay", "") + '<question type="category"><category><text></text></category></question>'
        + question("essay", ""))
    assert [q.category for q in parse_moodle_xml(data)] == ["a/b", None]


# --- errors, each with its line ----------------------------------------------------------------------------


def test_doctype_and_entities_are_refused():
    bomb = (b'<?xml version="1.0"?>\n<!DOCTYPE quiz [\n<!ENTITY a "aaaaaaaaaa">\n<!ENTITY b "&a;&a;&a;&a;">\n]>\n'
            b"<quiz>&b;</quiz>")
    assert error(bomb) == "bank.xml:2: a DOCTYPE or entity declaration is not allowed in a question file"
    external = b'<?xml version="1.0"?>\n<!DOCTYPE quiz SYSTEM "file:///etc/passwd">\n<quiz/>'
    assert "DOCTYPE" in error(external)


def test_not_well_formed_names_the_line():
    assert error(b"<quiz>\n<question type='essay'>\n</quiz>") == (
        "bank.xml:3: not well-formed XML: mismatched tag (column 3)")
    assert "undefined entity" in error(b"<quiz>\n<question>&nbsp;</question></quiz>")
    assert "no element found" in error(b"")


def test_wrong_root():
    assert error(b"<questions/>") == "bank.xml:1: expected a <quiz> element, found <questions>"


def test_every_problem_is_listed_with_its_line():
    body = "\n".join([
        question("cloze", ""),
        question("essay", "", text=""),
        question("multichoice", answer(50, "a") + answer(0, "b")),
        question("multichoice", "<single>false</single>" + answer(50, "a") + answer(40, "b")),
        question("multichoice", answer(100, "a")),
        question("shortanswer", answer(50, "a")),
        question("shortanswer", answer(100, "a") + "\n" + answer(-10, "b")),
        question("numerical", answer(100, "x")),
        question("numerical", answer(100, "3", extra="<tolerance>-1</tolerance>")),
        question("numerical", answer(100, "3") + "\n<units><unit><multiplier>1</multiplier><unit_name>m</unit_name></unit></units>"),
        question("numerical", answer(50, "3")),
        question("matching", "<subquestion><text>a</text><answer><text>1</text></answer></subquestion>"),
        question("matching", "\n<subquestion><text>a</text><answer><text></text></answer></subquestion>"),
        question("matching", "".join(f"<subquestion><text>{i}</text><answer><text>{a}</text></answer></subquestion>"
                                     for i, a in (("a", "1"), ("", "2"), ("", "3")))),
        question("multichoice", answer("abc", "a") + answer(0, "b")),
        question("multichoice", answer(150, "a") + answer(0, "b")),
        question("truefalse", ""),
    ])
    assert errors(xml(body)) == [
        "bank.xml:3: question type 'cloze' is not supported",
        "bank.xml:4: question text is empty",
        "bank.xml:5: single-choice question needs an answer worth 100%",
        "bank.xml:6: multiple-answer fractions must add up to 100% (they add up to 90%)",
        "bank.xml:7: multiple-choice question needs at least two answers",
        "bank.xml:8: short-answer question needs an answer worth 100%",
        "bank.xml:10: short-answer fractions must be between 0 and 100, found -10%",
        "bank.xml:11: numerical answer 'x' is not a number",
        "bank.xml:12: numerical tolerance -1 must not be negative",
        "bank.xml:14: numerical units are not supported: our quizzes read a bare number",
        "bank.xml:15: numerical question needs an answer worth 100%",
        "bank.xml:16: matching question needs at least three pairs (found 1)",
        "bank.xml:18: matching item has no answer",
        "bank.xml:19: matching question needs at least two pairs with an item (a blank item is only a distractor)",
        "bank.xml:20: answer fraction 'abc' is not a number",
        "bank.xml:21: answer fraction 150% is outside -100..100",
        "bank.xml:22: true/false question has no answers",
    ]

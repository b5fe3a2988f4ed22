"""GIFT as Moodle exports and imports it (tests/quizzes/fixtures/moodle/, see its README): every
file parses, reads as Moodle reads it, and exports back to the same questions."""

from pathlib import Path

import pytest

from advocacy.learning.banks.gift import Answer, NumericalAnswer, Pair, export_gift, parse_gift, parse_gift_file, question_to_dict

FIXTURES = Path(__file__).parent / "fixtures" / "moodle"
GIFT_FILES = sorted(FIXTURES.glob("*.gift"))


def load(name: str):
    return parse_gift_file(FIXTURES / name)


def test_there_are_fixtures():
    assert len(GIFT_FILES) >= 6


@pytest.mark.parametrize("path", GIFT_FILES, ids=lambda p: p.name)
def test_each_file_exports_back_unchanged_in_meaning(path):
    qs = parse_gift_file(path)
    exported = export_gift(qs)
    again = parse_gift(exported)
    assert again == qs
    assert [question_to_dict(q) for q in again] == [question_to_dict(q) for q in qs]
    assert export_gift(again) == exported


def test_real_export_with_arrows_in_choice_answers():
    coffee, word = load("fuhrmanator_shortAnswerNotMatching.gift")
    assert coffee.type == word.type == "multichoice"
    assert coffee.answers == (Answer("go to starbucks -> order a coffee", 0), Answer("get coffee powder -> add water", 100))
    assert word.title == "iebT26nuevo_P012" and word.text.endswith("2007?:")
    assert [a.fraction for a in word.answers] == [0, 0, 100]
    assert word.answers[1].text == "-archivo->configurar->orientación ó -archivo->configurar->diseño de página"


def test_html_question_with_moodle_answers_and_escaped_general_feedback():
    (q,) = load("fuhrmanator_mcHTMLComment.gift")
    assert q.format == "html" and q.single is True
    assert [a.text for a in q.answers][2] == "Nunca." and [a.fraction for a in q.answers] == [0, 0, 100]
    assert q.general_feedback.startswith('<p><span style="color: #ff6600;"><strong>Artículo 5')
    assert "</p>\n<p><em>" in q.general_feedback and 'href="http://www.formacioncnp.es' in q.general_feedback


def test_weights_of_a_third():
    (q,) = load("fuhrmanator_multipleAnswersFloat.gift")
    assert q.single is False and q.text == "Select all of the options below which name a continent:"
    assert [a.fraction for a in q.answers] == [33.33333, 33.33333, -100, 33.33333, -100]


def test_ids_and_tags():
    (q,) = load("fuhrmanator_tag_id_and_two_tags.gift")
    assert (q.type, q.idnumber, q.tags) == ("essay", "393", ("fred", "barney-wilma"))
    assert question_to_dict(q)["tags"] == ["fred", "barney-wilma"] and question_to_dict(q)["idnumber"] == "393"


def test_moodle_export_shapes():
    qs = load("moodle_export_shapes.gift")
    assert [q.type for q in qs] == ["multichoice", "multichoice", "shortanswer", "numerical", "matching",
                                    "truefalse", "essay", "description"]
    assert {q.category for q in qs} == {"$course$/top/Default for Social basics/Privacy"}
    photo, safe, hashtag, founded, networks, voluntary, _, about = qs
    assert (photo.idnumber, photo.tags, photo.format) == ("priv-01", ("privacy", "profile"), "html")
    assert photo.answers[2] == Answer("Only recruiters", 0)
    assert photo.general_feedback == "<p>See the lesson on profiles: the photo is public unless you change it.</p>"
    assert [a.fraction for a in safe.answers] == [50, 50, -100, -100] and safe.single is False
    assert hashtag.answers == (Answer("demobv", 100, "Exactly."), Answer("demo", 50, "Close: the full name is better."),
                               Answer("*", 0, "That is not our hashtag."))
    assert hashtag.general_feedback == "The policy lists our hashtag."
    assert founded.answers == (NumericalAnswer(1999.0, 0.0, 100, None), NumericalAnswer(1999.0, 2.0, 50, "Close."),
                               NumericalAnswer(None, 0.0, 0, "Have a look at the about page."))
    assert networks.pairs[0] == Pair("<p>LinkedIn</p>", "careers and business news") and networks.pairs[3] == Pair("", "fax")
    assert voluntary.tags == ("policy",) and voluntary.answers == (
        Answer("true", 100, "Right."), Answer("false", 0, "It is: nobody has to share."))
    assert voluntary.general_feedback == "<p>The policy says so in its first line.</p>"
    assert about.text == "<p>The next questions are about privacy\nand about your profile.</p>"


def test_the_cases_of_moodles_importer_fixture():
    essay, platforms, mc1, mc2, n1, sa1, tf1, tsl1, tsl2 = load("moodle_fixture_cases.gift")
    assert essay.type == "essay" and essay.title == "E1"
    assert platforms.type == "matching" and platforms.format == "html"
    assert [p.question for p in platforms.pairs] == ["The network for careers.", "The photo app.", "The video site.",
                                                     "The *federated* one.", ""]
    assert mc1.answers[1] == Answer("red", 0, "no, it is <i>blue</i>") and mc1.answers[2].text == "green"
    assert mc2.single is False and mc2.answers[3] == Answer("Fax", -100, "no")
    assert n1.text == 'Pick a number from 1 to 5. _____";'
    assert n1.answers == (NumericalAnswer(3.0, 2.0, 100, None), NumericalAnswer(None, 0.0, 0, "Not in the range"))
    assert sa1.answers[2] == Answer("*", 0, "Not the word we use.")
    assert tf1.answers == (Answer("true", 0, "It is voluntary."), Answer("false", 100, "Right, it is voluntary."))
    assert tf1.general_feedback == "The policy says so in its first line."
    assert (tsl1.title, tsl1.type, tsl2.type) == ("2-08 TSL", "truefalse", "truefalse")

"""Properties: exporting any valid list of questions and parsing it back gives the same questions,
and so does exporting whatever the parser reads from GIFT-like text."""

from hypothesis import given, settings
from hypothesis import strategies as st

from advocacy.learning.banks.gift import FORMATS, Answer, GiftError, NumericalAnswer, Pair, Question, export_gift, parse_gift

# Pieces that mean something in GIFT, mixed with arbitrary characters (no "\r": the parser
# reads it as a line break, and no surrogates: they are not text).
NASTY = [
    "~", "=", "#", "{", "}", ":", "\\", "\n", "\\n", "[", "]", "%", "/", "$", "-", ">", " ", "\t",
    "::", "####", "//", "->", "_____", "$CATEGORY:", "[html]", "[foo]", "%50%", "{T}", "T", "..",
    "\u00e9", "\u2028", "\x85", "\ufeff", "\x00",
]
piece = st.one_of(st.sampled_from(NASTY), st.characters(exclude_categories=("Cs",), exclude_characters="\r"))
text = st.lists(piece, max_size=12).map("".join).map(str.strip)
nonempty = text.map(lambda s: s or "x")
no_arrow = nonempty.map(lambda s: s.replace("->", "- >"))  # GIFT has no escape for "->"
optional = st.none() | nonempty
optional_no_arrow = st.none() | no_arrow
# Tags and idnumbers live in a `//` comment line: no control characters, no surrounding space.
mark_text = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=8) | st.sampled_from(
    ["a]b", "x y", "[x", "\\z", "tag:q", "é"])
mark_text = mark_text.map(str.strip).filter(
    lambda s: s and not s.endswith("\\") and "[id:" not in s and "[tag:" not in s)
tags = st.lists(mark_text.filter(lambda s: not set(s) & set("<>`")), max_size=3).map(tuple)
fraction = st.sampled_from([0.0, 100.0, 50.0, -50.0, -100.0, 33.33333, 12.5]) | st.floats(-100, 100)
finite = st.floats(allow_nan=False, allow_infinity=False)


@st.composite
def _with_a_full_mark(draw, items, make, min_size=1, max_size=5):
    """A list built by `make(item, fraction)`, with one item (at least) worth 100 %."""
    chosen = draw(st.lists(items, min_size=min_size, max_size=max_size))
    fractions = draw(st.lists(fraction, min_size=len(chosen), max_size=len(chosen)))
    fractions[draw(st.integers(0, len(chosen) - 1))] = 100.0
    return [make(item, f) for item, f in zip(chosen, fractions)]


def _answer(item, f):
    return Answer(item[0], f, item[1])


answer_item = st.tuples(nonempty, optional)  # a choice answer may hold '->' (a '~' keeps it a choice)
short_item = st.tuples(no_arrow, optional_no_arrow)  # a short answer may not: Moodle would read matching


@st.composite
def multiple_answers(draw):
    parts = draw(st.lists(st.integers(1, 100), min_size=1, max_size=3))
    positive = [p * 100 / sum(parts) for p in parts]
    others = draw(st.lists(st.sampled_from([0.0, -100.0, -50.0, -12.5]), min_size=max(0, 2 - len(positive)), max_size=3))
    fractions = draw(st.permutations(positive + others))
    items = draw(st.lists(answer_item, min_size=len(fractions), max_size=len(fractions)))
    return [_answer(item, f) for item, f in zip(items, fractions)]


@st.composite
def pairs(draw):
    items = draw(st.lists(no_arrow, min_size=2, max_size=4))
    distractors = draw(st.lists(st.just(""), min_size=max(0, 3 - len(items)), max_size=2))
    lefts = draw(st.permutations(items + distractors))
    return [Pair(left, draw(nonempty)) for left in lefts]  # the answer side may hold '->' 


@st.composite
def numerical_answer(draw, item, f):
    value = draw(st.none() | finite)
    tolerance = 0.0 if value is None else draw(st.just(0.0) | st.floats(0, 1e6) | finite.map(abs))
    return NumericalAnswer(value, tolerance, f, item)


@st.composite
def truefalse_answers(draw):
    right = draw(st.booleans())
    true = Answer("true", 100.0 if right else 0.0, draw(optional))
    false = Answer("false", 0.0 if right else 100.0, draw(optional))
    return [true, false]


def _kind(type_, general=optional, **fields):
    return st.fixed_dictionaries({"type": st.just(type_), "general_feedback": general, **fields})


kinds = st.one_of(
    _kind("multichoice", single=st.just(True),
          answers=_with_a_full_mark(answer_item, _answer, min_size=2)),
    _kind("multichoice", single=st.just(False), answers=multiple_answers()),
    _kind("truefalse", answers=truefalse_answers()),
    _kind("shortanswer", answers=_with_a_full_mark(short_item, lambda i, f: _answer(i, abs(f)))),
    _kind("matching", pairs=pairs()),
    _kind("numerical", answers=_with_a_full_mark(optional, lambda i, f: (i, f), max_size=3)),
    _kind("essay"),
    _kind("description", general=st.none()),
)


@st.composite
def question(draw, categories):
    fields = draw(kinds)
    if fields["type"] == "numerical":
        fields["answers"] = [draw(numerical_answer(item, f)) for item, f in fields["answers"]]
    return Question(
        title=draw(optional), text=draw(nonempty), format=draw(st.sampled_from(FORMATS)),
        category=draw(categories), tags=draw(tags), idnumber=draw(st.none() | mark_text), **fields,
    )


category = st.none() | nonempty.map(lambda s: s.replace("\n", " "))
questions = st.lists(category, min_size=1, max_size=3).flatmap(
    lambda pool: st.lists(question(st.sampled_from(pool)), max_size=6)
)


@settings(max_examples=400, deadline=None)
@given(questions)
def test_export_then_parse_gives_the_same_questions(qs):
    exported = export_gift(qs)
    assert parse_gift(exported, "exported.gift") == qs


@settings(max_examples=100, deadline=None)
@given(questions)
def test_export_is_stable(qs):
    exported = export_gift(qs)
    assert export_gift(parse_gift(exported)) == exported


# GIFT-like source: the pieces that decide how Moodle reads a question, in any order.
SOURCE = [
    "=", "~", "#", "####", "->", "%50%", "%-50%", "%+50%", "%100%", "%0%", "[html]", "[plain]", "[foo]",
    "T", "TRUE", "true", "F", "1", "2.5", ":", "..", " ", "\n", "\\", "\\n", "\\=", "a", "b", "é",
    "// [tag:t] [id:i]\n", "_____",
]
source_text = st.lists(st.sampled_from(SOURCE), max_size=14).map("".join)
word = st.sampled_from(["a", "b c", "T", "true", "[html]x", "[foo] y", "p -> q", "%d", "é", "\\#", "1", "2.5"])
answer_source = st.builds(
    "{}{}{}{}".format,
    st.sampled_from(["=", "~", ""]),
    st.sampled_from(["", "%50%", "%-50%", "%+50%", "%100%", "%33.3%", "%0%", "%5,5%"]),
    word,
    st.sampled_from(["", "#", "#fb", "#[html]<b>fb</b>", "#a -> b"]),
)
answers_source = st.one_of(
    st.lists(answer_source, min_size=1, max_size=5).map(" ".join),
    st.lists(st.sampled_from(["=a -> 1", "=b -> 2", "= -> 3", "c -> 4", "=[html]d -> 5 -> 6"]),
             min_size=2, max_size=5).map(" ".join),
    st.sampled_from(["T", "FALSE#w#r", "true", "#3:2~#no", "#=%50%1..5 =2", "#1e3", "", "####g"]),
    source_text,
)


@st.composite
def gift_block(draw):
    title = draw(st.sampled_from(["", "::Title::", "::T\\:1:: "]))
    comment = draw(st.sampled_from(["", "// [tag:t] [id:i]\n", "// [tag:x\\]y]\n"]))
    general = draw(st.sampled_from(["", "####General", "####[html]<i>G</i>"]))
    tail = draw(st.sampled_from(["", "", " rest."]))
    return f"{comment}{title}{draw(source_text)}x {{{draw(answers_source)}{general}}}{tail}"


def _parses(block: str) -> bool:
    try:
        parse_gift(block)
    except GiftError:
        return False
    return True


@settings(max_examples=600, deadline=None)
@given(st.lists(gift_block(), min_size=1, max_size=4))
def test_whatever_the_parser_reads_exports_back_unchanged(blocks):
    source = "\n\n".join(b for b in blocks if _parses(b))
    qs = parse_gift(source)
    assert parse_gift(export_gift(qs)) == qs

"""Property: exporting any valid list of questions and parsing it back gives the same questions."""

from hypothesis import given, settings
from hypothesis import strategies as st

from advocacy.learning.banks.gift import FORMATS, Answer, NumericalAnswer, Pair, Question, export_gift, parse_gift

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


answer_item = st.tuples(no_arrow, optional)


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
    return [Pair(left, draw(nonempty)) for left in lefts]


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
    _kind("shortanswer", answers=_with_a_full_mark(answer_item, lambda i, f: _answer(i, abs(f)))),
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
        category=draw(categories), **fields,
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

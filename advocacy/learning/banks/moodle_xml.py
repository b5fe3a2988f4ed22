"""Moodle XML, the format Moodle exports question banks in by default, read into the same Question
model as GIFT and written back from it.

The element names and what Moodle makes of them were learned from Moodle's public documentation
of the format and from what its importer (`question/format/xml/format.php`) reads; no code was
taken from it.  How this module reads a file:

* `<quiz>` holds `<question type="...">` elements.  `type="category"` sets the category of the
  questions after it (its `<category><text>`, kept as written, e.g. `$course$/top/Basics`).
* Every question: `<name><text>` is the title (blank: none), `<questiontext format="...">` the
  text and the question's format (`moodle_auto_format`, `html`, `plain_text`, `markdown`;
  `wiki_like` is read as plain, anything else or nothing as html, as Moodle does),
  `<generalfeedback>`, `<idnumber>` and `<tags><tag><text>`.  Texts are trimmed, as Moodle trims
  them.  Formats of answers and feedback are dropped: the model keeps the question's only.
  Embedded `<file>` elements (images) are not kept.
* multichoice: `<single>` (`false`, `0` or empty mean multiple answers) and `<answer fraction="%">`
  with `<text>` and `<feedback><text>`; answers with a blank text are skipped, as Moodle skips
  them.  `<shuffleanswers>` and `<answernumbering>` are ignored (our quizzes always shuffle).
* truefalse: the answers whose text is `true` and `false` (in an old file with other texts, the
  first is true); the one worth 100 % is right.
* shortanswer: `<usecase>1</usecase>` sets `case_sensitive`.
* numerical: `<answer>` text is the value (`*` or blank: any other answer) with `<tolerance>`;
  units are refused (our quizzes do not read them).
* matching (`matching` or `match`): `<subquestion><text>` with `<answer><text>`; a blank item is a
  distractor.
* essay and description are read (our quizzes cannot grade them); any other type is an error.

The same checks as for GIFT apply (a right answer, weights that add up, three pairs...).  Every
problem is reported with its line; the file is refused as a whole.  DTDs, and so entity
declarations, are refused outright: a question bank has no need of them and they are the way in
for entity-expansion and external-entity attacks.

`to_moodle_xml` writes the questions in the layout Moodle exports, so that
`parse_moodle_xml(to_moodle_xml(qs)) == qs`.  A question without a title gets an empty `<name>`
(Moodle requires the element, not a value).  Text XML cannot hold (control characters) raises
ValueError.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.parsers import expat

from advocacy.learning.banks.gift import (
    MULTI_TOLERANCE,
    Answer,
    GiftError,
    GiftErrorItem,
    NumericalAnswer,
    Pair,
    Question,
)
from advocacy.learning.banks.gift_export import number

FORMAT_FROM_XML = {"moodle_auto_format": "moodle", "html": "html", "plain_text": "plain",
                   "markdown": "markdown", "wiki_like": "plain"}
FORMAT_TO_XML = {"moodle": "moodle_auto_format", "html": "html", "plain": "plain_text", "markdown": "markdown"}
READ_TYPES = ("multichoice", "truefalse", "shortanswer", "numerical", "matching", "match", "essay", "description")
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class MoodleXmlError(GiftError):
    """Problems in a Moodle XML file: a GiftError, so callers can handle both formats alike."""


class _Refused(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


# --- a small tree with line numbers -----------------------------------------------------------


@dataclass
class _Node:
    tag: str
    attrs: dict
    line: int
    children: list = field(default_factory=list)
    chunks: list = field(default_factory=list)

    def child(self, tag: str) -> _Node | None:
        return next((c for c in self.children if c.tag == tag), None)

    def all(self, tag: str) -> list[_Node]:
        return [c for c in self.children if c.tag == tag]

    @property
    def content(self) -> str:
        return "".join(self.chunks).strip()

    def text(self, tag: str | None = None) -> str:
        """The trimmed `<text>` of this node (or of its child `tag`); '' when absent."""
        node = self.child(tag) if tag else self
        inner = node.child("text") if node is not None else None
        return inner.content if inner is not None else ""

    def value(self, tag: str, default: str = "") -> str:
        node = self.child(tag)
        return node.content if node is not None else default


def _tree(data: bytes) -> _Node:
    """Parse with expat, keeping each element's line; a DOCTYPE (and so any entity) is refused."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    roots: list[_Node] = []
    stack: list[_Node] = []

    def start(tag, attrs):
        node = _Node(tag, attrs, parser.CurrentLineNumber)
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)

    def refuse(*_):
        raise _Refused(parser.CurrentLineNumber, "a DOCTYPE or entity declaration is not allowed in a question file")

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda tag: stack.pop()
    parser.CharacterDataHandler = lambda text: stack[-1].chunks.append(text) if stack else None
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise _Refused(exc.lineno, f"not well-formed XML: {expat.ErrorString(exc.code)} "
                                   f"(column {exc.offset + 1})") from None
    return roots[0]


# --- reading ------------------------------------------------------------------------------------


def _format(node: _Node | None) -> str:
    name = (node.attrs.get("format", "html") if node is not None else "html").strip()
    return FORMAT_FROM_XML.get(name, "html")


def _fraction(node: _Node) -> float:
    raw = node.attrs.get("fraction", "0").strip() or "0"
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise _Refused(node.line, f"answer fraction '{raw}' is not a number")
    if not -100 <= value <= 100:
        raise _Refused(node.line, f"answer fraction {raw}% is outside -100..100")
    return value


def _number_in(node: _Node, raw: str, what: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise _Refused(node.line, f"numerical {what} '{raw[:30]}' is not a number")
    return value


def _answer(node: _Node) -> Answer:
    return Answer(node.text(), _fraction(node), node.text("feedback") or None)


def _answers(question: _Node) -> list[tuple[_Node, Answer]]:
    return [(n, _answer(n)) for n in question.all("answer") if n.text()]


def _multichoice(q: _Node) -> dict:
    single = q.value("single", "true").lower() not in ("false", "0", "")
    answers = [a for _, a in _answers(q)]
    if len(answers) < 2:
        raise _Refused(q.line, "multiple-choice question needs at least two answers")
    total = sum(a.fraction for a in answers if a.fraction > 0)
    if single and not any(a.fraction == 100 for a in answers):
        raise _Refused(q.line, "single-choice question needs an answer worth 100%")
    if not single and abs(total - 100) > MULTI_TOLERANCE:
        raise _Refused(q.line, "multiple-answer fractions must add up to 100% "
                               f"(they add up to {number(round(total, 4))}%)")
    return {"answers": answers, "single": single}


def _truefalse(q: _Node) -> dict:
    nodes = q.all("answer")
    if not nodes:
        raise _Refused(q.line, "true/false question has no answers")
    by_text = {}
    for index, node in enumerate(nodes[:2]):
        text = node.text().lower()
        by_text[text if text in ("true", "false") else ("true", "false")[index]] = node
    true, false = by_text.get("true"), by_text.get("false")
    true_right = _fraction(true) == 100 if true is not None else false is not None and _fraction(false) != 100
    feedback = {k: (n.text("feedback") or None) for k, n in by_text.items()}
    return {"answers": [Answer("true", 100.0 if true_right else 0.0, feedback.get("true")),
                        Answer("false", 0.0 if true_right else 100.0, feedback.get("false"))]}


def _shortanswer(q: _Node) -> dict:
    answers = _answers(q)
    for node, answer in answers:
        if answer.fraction < 0:
            raise _Refused(node.line, "short-answer fractions must be between 0 and 100, "
                                      f"found {number(answer.fraction)}%")
    if not any(a.fraction == 100 for _, a in answers):
        raise _Refused(q.line, "short-answer question needs an answer worth 100%")
    return {"answers": [a for _, a in answers], "case_sensitive": q.value("usecase", "0") not in ("0", "", "false")}


def _numerical_answer(node: _Node) -> NumericalAnswer:
    raw, fraction, feedback = node.text(), _fraction(node), node.text("feedback") or None
    if raw in ("", "*"):
        return NumericalAnswer(None, 0.0, fraction, feedback)
    tolerance = _number_in(node, node.value("tolerance", "0") or "0", "tolerance")
    if tolerance < 0:
        raise _Refused(node.line, f"numerical tolerance {node.value('tolerance')} must not be negative")
    return NumericalAnswer(_number_in(node, raw, "answer"), tolerance, fraction, feedback)


def _numerical(q: _Node) -> dict:
    units = q.child("units")
    named = [u for u in (units.all("unit") if units is not None else []) if u.value("unit_name")]
    if named:
        raise _Refused(named[0].line, "numerical units are not supported: our quizzes read a bare number")
    answers = [_numerical_answer(n) for n in q.all("answer")]
    if not any(a.fraction == 100 for a in answers):
        raise _Refused(q.line, "numerical question needs an answer worth 100%")
    return {"answers": answers}


def _matching(q: _Node) -> dict:
    pairs = []
    for sub in q.all("subquestion"):
        item, answer = sub.text(), sub.text("answer")
        if item and not answer:
            raise _Refused(sub.line, "matching item has no answer")
        if answer:
            pairs.append(Pair(item, answer))
    if len(pairs) < 3:
        raise _Refused(q.line, f"matching question needs at least three pairs (found {len(pairs)})")
    if sum(1 for p in pairs if p.question) < 2:
        raise _Refused(q.line, "matching question needs at least two pairs with an item "
                               "(a blank item is only a distractor)")
    return {"pairs": pairs}


_READERS = {"multichoice": _multichoice, "truefalse": _truefalse, "shortanswer": _shortanswer,
            "numerical": _numerical, "matching": _matching, "match": _matching,
            "essay": lambda q: {}, "description": lambda q: {}}


def _question(q: _Node, kind: str, category: str | None) -> Question:
    text_node = q.child("questiontext")
    text = q.text("questiontext")
    if not text:
        raise _Refused(q.line, "question text is empty")
    tags = q.child("tags")
    fields = {"type": kind, **_READERS[kind](q)}
    return Question(
        title=q.text("name") or None, text=text, format=_format(text_node), category=category,
        general_feedback=q.text("generalfeedback") or None, line=q.line,
        idnumber=q.value("idnumber") or None,
        tags=tuple(t.text() for t in (tags.all("tag") if tags is not None else []) if t.text()), **fields,
    )


def parse_moodle_xml(data: bytes, filename: str = "<xml>") -> list[Question]:
    """The questions of a Moodle XML file; raise MoodleXmlError listing every problem (file, line)."""
    errors: list[GiftErrorItem] = []
    try:
        root = _tree(data)
    except _Refused as refused:
        raise MoodleXmlError([GiftErrorItem(filename, refused.line, refused.message)]) from None
    if root.tag != "quiz":
        raise MoodleXmlError([GiftErrorItem(filename, root.line, f"expected a <quiz> element, found <{root.tag}>")])
    questions, category = [], None
    for node in root.all("question"):
        kind = node.attrs.get("type", "")
        if kind == "category":
            category = node.text("category") or None
            continue
        if kind not in READ_TYPES:
            errors.append(GiftErrorItem(filename, node.line, f"question type '{kind}' is not supported"))
            continue
        try:
            questions.append(_question(node, "matching" if kind == "match" else kind, category))
        except _Refused as refused:
            errors.append(GiftErrorItem(filename, refused.line, refused.message))
    if errors:
        raise MoodleXmlError(errors)
    return questions


def uses_moodle_files(question: Question) -> bool:
    """Whether a text points at a file Moodle embedded (`@@PLUGINFILE@@`), which is not imported."""
    texts = [question.text, question.general_feedback or ""]
    texts += [t for a in question.answers for t in (getattr(a, "text", ""), a.feedback or "")]
    texts += [p.question for p in question.pairs]
    return any("@@PLUGINFILE@@" in t for t in texts)


def parse_moodle_xml_file(path) -> list[Question]:
    with open(path, "rb") as handle:
        return parse_moodle_xml(handle.read(), str(path))


# --- writing ------------------------------------------------------------------------------------


def _escape(text: str) -> str:
    bad = _NOT_XML.search(text)
    if bad:
        raise ValueError(f"XML cannot hold the character U+{ord(bad.group()):04X} in {text!r}")
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


def _cdata(text: str) -> str:
    """Markup in a CDATA section, as Moodle writes it (a carriage return must stay an entity)."""
    if not any(c in text for c in "&<>") or "\r" in text:
        return _escape(text)
    _escape(text)  # refuses what XML cannot hold
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _text(text: str | None, indent: int) -> list[str]:
    return [" " * indent + f"<text>{_cdata(text or '')}</text>"]


def _texted(tag: str, text: str | None, indent: int, fmt: str | None = None) -> list[str]:
    attrs = f' format="{FORMAT_TO_XML[fmt]}"' if fmt else ""
    pad = " " * indent
    return [f"{pad}<{tag}{attrs}>", *_text(text, indent + 2), f"{pad}</{tag}>"]


def _answer_lines(fraction: float, text: str, feedback: str | None, fmt: str, extra: Sequence[str] = ()) -> list[str]:
    return [f'    <answer fraction="{number(fraction)}" format="{FORMAT_TO_XML[fmt]}">', *_text(text, 6),
            *_texted("feedback", feedback, 6, fmt), *extra, "    </answer>"]


def _multichoice_lines(q) -> list[str]:
    lines = [f"    <single>{'true' if q.single else 'false'}</single>", "    <shuffleanswers>true</shuffleanswers>",
             "    <answernumbering>abc</answernumbering>"]
    for a in q.answers:
        lines += _answer_lines(a.fraction, a.text, a.feedback, q.format)
    return lines


def _shortanswer_lines(q) -> list[str]:
    lines = [f"    <usecase>{1 if q.case_sensitive else 0}</usecase>"]
    for a in q.answers:
        lines += _answer_lines(a.fraction, a.text, a.feedback, q.format)
    return lines


def _truefalse_lines(q) -> list[str]:
    return [line for a in q.answers for line in _answer_lines(a.fraction, a.text, a.feedback, "moodle")]


def _numerical_lines(q) -> list[str]:
    lines = []
    for a in q.answers:
        value = "*" if a.value is None else number(a.value)
        tolerance = [f"      <tolerance>{number(a.tolerance)}</tolerance>"]
        lines += _answer_lines(a.fraction, value, a.feedback, q.format, tolerance)
    return lines + ["    <unitgradingtype>0</unitgradingtype>", "    <unitpenalty>0.1000000</unitpenalty>",
                    "    <showunits>3</showunits>", "    <unitsleft>0</unitsleft>"]


def _matching_lines(q) -> list[str]:
    lines = ["    <shuffleanswers>true</shuffleanswers>"]
    for p in q.pairs:
        lines += [f'    <subquestion format="{FORMAT_TO_XML[q.format]}">', *_text(p.question, 6),
                  "      <answer>", *_text(p.answer, 8), "      </answer>", "    </subquestion>"]
    return lines


def _essay_lines(q) -> list[str]:
    return ["    <responseformat>editor</responseformat>", "    <responserequired>1</responserequired>",
            "    <responsefieldlines>15</responsefieldlines>", "    <attachments>0</attachments>",
            "    <attachmentsrequired>0</attachmentsrequired>",
            *_texted("graderinfo", "", 4, "html"), *_texted("responsetemplate", "", 4, "html")]


_WRITERS = {"multichoice": _multichoice_lines, "shortanswer": _shortanswer_lines, "truefalse": _truefalse_lines,
            "numerical": _numerical_lines, "matching": _matching_lines, "essay": _essay_lines,
            "description": lambda q: []}


def _question_lines(q, number_: int) -> list[str]:
    grade = "0" if q.type == "description" else "1"
    penalty = "1.0000000" if q.type == "truefalse" else "0.3333333"
    lines = [f"<!-- question: {number_}  -->", f'  <question type="{q.type}">',
             *_texted("name", q.title, 4), *_texted("questiontext", q.text, 4, q.format),
             *_texted("generalfeedback", q.general_feedback, 4, q.format),
             f"    <defaultgrade>{grade}</defaultgrade>", f"    <penalty>{penalty}</penalty>",
             "    <hidden>0</hidden>", f"    <idnumber>{_escape(q.idnumber or '')}</idnumber>",
             *_WRITERS[q.type](q)]
    if q.tags:
        lines += ["    <tags>", *[f"      <tag>{_text(t, 0)[0]}</tag>" for t in q.tags], "    </tags>"]
    return lines + ["  </question>", ""]


def _category_lines(category: str | None) -> list[str]:
    return ["<!-- question: 0  -->", '  <question type="category">', *_texted("category", category or "", 4),
            "  </question>", ""]


def to_moodle_xml(questions) -> bytes:
    """Moodle XML for `questions`: a category element wherever the category changes."""
    lines, category = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"], None
    for number_, q in enumerate(questions, 1):
        if q.category != category:
            lines += _category_lines(q.category)
            category = q.category
        lines += _question_lines(q, number_)
    return ("\n".join(lines + ["</quiz>", ""])).encode("utf-8")


__all__ = ["MoodleXmlError", "parse_moodle_xml", "parse_moodle_xml_file", "to_moodle_xml", "uses_moodle_files",
           "READ_TYPES"]

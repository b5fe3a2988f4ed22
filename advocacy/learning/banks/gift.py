"""Parser for Moodle's GIFT quiz format, reading a file the way Moodle's own importer reads it.

The rules were learned from the format's public documentation and from what Moodle's importer
(`question/format/gift/format.php`) and its tests accept; no code was taken from it.  Where
Moodle would quietly read something other than what the author obviously meant, this parser
refuses the question with a message instead of guessing.

* Questions are separated by blank lines; a line whose first non-blank characters are ``//``
  is a comment (it does not separate questions).  ``[id:...]`` and ``[tag:...]`` in the
  comments of a question's block become its `idnumber` and `tags` (``\\]`` writes a ``]``).
* A block that starts with ``$CATEGORY: path`` sets the category of the questions that follow
  (an empty path resets it to none).  The block must hold nothing else: Moodle would read the
  lines below as part of the category's name.
* Text is stripped of surrounding whitespace and the escapes ``\\~ \\= \\# \\{ \\} \\:``,
  ``\\\\`` and ``\\n`` (newline) are resolved; any other backslash is kept as written.
* ``[html]``, ``[moodle]``, ``[plain]`` or ``[markdown]`` (lower case, as written here) at the
  start of the question text sets the question's format.  At the start of an answer, a
  matching item, a feedback or the general feedback it is a format too, and is dropped (the
  model keeps the question's format only).  Any other ``[word]`` there is plain text.
* What stands between the braces decides the type, in Moodle's order: nothing is an essay;
  a leading ``#`` is numerical; any ``~`` makes a multiple choice; ``=`` together with ``->``
  is matching; ``T``, ``TRUE``, ``F`` or ``FALSE`` (upper case) before any ``#`` is true/false;
  anything else is a short answer (so ``{true}`` is a short answer whose answer is "true").
  General feedback follows the last ``####``.
* Text before the first ``=`` or ``~`` is an answer too: wrong in a multiple choice, right in
  a short answer (``{blue}``), the first pair of a matching question.
* A weight is ``%n%`` right after the mark, n written with digits, an optional leading ``-`` and
  at most two digits before a decimal point (``%50%``, ``%-33.3%``, ``%100%``); anything else
  between percent signs (``%+50%``, ``%5,5%``) is answer text.  In a multiple choice ``=`` is
  always worth 100 % and whatever follows it is text (``=%50%x`` is a right answer "%50%x"),
  ``~`` is worth its weight or 0 %.  The question is single-choice when an ``=`` is present,
  multiple-answer (checkboxes) otherwise; multiple-answer positive weights must add up to 100
  within one percentage point (Moodle snaps weights such as 33 % to 33.33333 %).
* Short answers and numerical answers are worth 100 % unless weighted; a short answer must not
  contain ``->`` (with an ``=`` Moodle would read the question as matching).
* Numerical: ``VALUE``, ``VALUE:TOLERANCE`` or ``MIN..MAX`` (stored as midpoint and
  half-width), each optionally after ``=`` and a weight; an answer with no value
  (``=%0%#feedback``) matches anything.  A ``~`` starts Moodle's "any other answer": it takes
  only feedback (``~#feedback``), is worth 0 % and must come last.
* Matching needs at least three pairs, two of them with an item before ``->``; pairs take no
  weight and no ``#`` feedback (Moodle would keep either as part of the text).
* Text after the closing brace makes a missing-word question: the braces become ``_____``.
  Only one ``{...}`` block per question; a literal brace is written ``\\{`` / ``\\}``.
* Blank feedback, general feedback and titles are None.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field

TYPES = ("multichoice", "truefalse", "shortanswer", "matching", "numerical", "essay", "description")
FORMATS = ("moodle", "html", "plain", "markdown")
BLANK = "_____"
MULTI_TOLERANCE = 1.0  # percentage points a multiple-answer weight sum may stray from 100

_ESCAPES = {"~": "~", "=": "=", "#": "#", "{": "{", "}": "}", ":": ":", "\\": "\\", "n": "\n"}
_FORMAT_RE = re.compile(r"\[(html|moodle|plain|markdown)\]")
_WEIGHT_RE = re.compile(r"%(-*)(\d+|\d{1,2}\.\d*)%")
_NUMBER_RE = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
_TRUEFALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_ID_RE = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f\x7f])+)\]")
_TAG_RE = re.compile(r"\[tag:((?:\\\]|[^\]<>`\x00-\x1f\x7f])*)\]")


# --- data model -------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    text: str
    fraction: float
    feedback: str | None = None


@dataclass(frozen=True)
class NumericalAnswer:
    value: float | None  # None: any other answer (catch-all)
    tolerance: float = 0.0
    fraction: float = 100.0
    feedback: str | None = None


@dataclass(frozen=True)
class Pair:
    question: str  # "" for a distractor
    answer: str


@dataclass(frozen=True)
class Question:
    type: str
    title: str | None
    text: str
    format: str = "moodle"
    category: str | None = None
    general_feedback: str | None = None
    line: int = field(default=0, compare=False)
    answers: tuple = ()  # Answer, or NumericalAnswer for numerical questions
    pairs: tuple[Pair, ...] = ()
    single: bool | None = None  # multichoice only
    tags: tuple[str, ...] = ()
    idnumber: str | None = None
    case_sensitive: bool = False  # short answers read from Moodle XML with <usecase>1</usecase>

    def __post_init__(self):
        object.__setattr__(self, "answers", tuple(self.answers))
        object.__setattr__(self, "pairs", tuple(self.pairs))
        object.__setattr__(self, "tags", tuple(self.tags))


@dataclass(frozen=True)
class GiftErrorItem:
    filename: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.filename}:{self.line}: {self.message}"


class GiftError(ValueError):
    def __init__(self, errors: list[GiftErrorItem]):
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


class _Fail(Exception):
    """A problem at character offset `pos` of the block being parsed."""

    def __init__(self, pos: int, message: str):
        super().__init__(message)
        self.pos, self.message = pos, message


# --- escapes and scanning -----------------------------------------------------------------


def unescape(raw: str) -> str:
    out, i = [], 0
    while i < len(raw):
        pair = raw[i : i + 2]
        if raw[i] == "\\" and len(pair) == 2 and pair[1] in _ESCAPES:
            out.append(_ESCAPES[pair[1]])
            i += 2
        else:
            out.append(raw[i])
            i += 1
    return "".join(out)


def _escaped(s: str, i: int) -> bool:
    """Whether s[i] starts an escape (a backslash before one of GIFT's special characters)."""
    return s[i] == "\\" and i + 1 < len(s) and s[i + 1] in _ESCAPES


def _matches(s: str, target: str):
    """Offsets of every unescaped occurrence of `target` in s, overlapping ones included."""
    i = 0
    while i < len(s):
        if _escaped(s, i):
            i += 2
            continue
        if s.startswith(target, i):
            yield i
        i += 1


def _find(s: str, target: str, start: int = 0) -> int:
    """Offset of the first unescaped `target` in s at or after `start`, or -1."""
    return next((i for i in _matches(s, target) if i >= start), -1)


def _rfind(s: str, target: str) -> int:
    """Offset of the last unescaped `target` in s, or -1."""
    found = -1
    for found in _matches(s, target):  # noqa: B007  (the last one the loop sees is the answer)
        pass
    return found


def _cuts(s: str, chars: str) -> list[int]:
    """Offsets of every unescaped character of `chars` in s."""
    return sorted(i for c in chars for i in _matches(s, c))


def _before(s: str, target: str) -> str:
    """s up to its first unescaped `target` (all of s when there is none)."""
    at = _find(s, target)
    return s if at < 0 else s[:at]


def _lead(s: str) -> int:
    """Number of leading whitespace characters of s."""
    return len(s) - len(s.lstrip())


def _clean(raw: str) -> str:
    """Text with its escapes resolved and surrounding whitespace removed (as Moodle trims)."""
    return unescape(raw.strip()).strip()


def _clean_opt(raw: str | None) -> str | None:
    return (_clean(raw) or None) if raw is not None else None


def _format_prefix(s: str) -> tuple[str | None, int]:
    """A `[format]` at the start of s: (name or None, characters it takes)."""
    m = _FORMAT_RE.match(s)
    return (m.group(1), m.end()) if m else (None, 0)


def _formatted(raw: str) -> tuple[str | None, str]:
    """(format or None, clean text) of a text that may start with a `[format]`."""
    s = raw.strip()
    fmt, skip = _format_prefix(s)
    return fmt, _clean(s[skip:])


def _feedback(raw: str | None) -> str | None:
    """A feedback text (its format dropped), None when blank."""
    return None if raw is None else (_formatted(raw)[1] or None)


def _number(raw: str) -> float | None:
    """The finite number written in raw, or None."""
    value = float(raw) if _NUMBER_RE.fullmatch(raw) else math.nan
    return value if math.isfinite(value) else None


def _pct(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


# --- answers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tok:
    pos: int  # offset of the mark, or of the text for the unmarked first answer
    mark: str  # '=', '~', or '' for text before the first mark
    raw: str  # everything after the mark, up to the next mark


def _tokens(body: str, pos: int) -> list[_Tok]:
    cuts = _cuts(body, "=~")
    head = body[: cuts[0]] if cuts else body
    toks = [_Tok(pos + _lead(head), "", head)] if head.strip() else []
    ends = cuts[1:] + [len(body)]
    return toks + [_Tok(pos + c, body[c], body[c + 1 : e]) for c, e in zip(cuts, ends)]


def _weight(raw: str, pos: int) -> tuple[float | None, str]:
    """A `%n%` weight at the start of raw as Moodle reads one: (percent or None, the rest)."""
    s = raw.lstrip()
    m = _WEIGHT_RE.match(s)
    if not m:
        return None, raw
    if len(m.group(1)) > 1:
        raise _Fail(pos, f"answer weight '{m.group(0)}' has more than one minus sign")
    value = -float(m.group(2)) if m.group(1) else float(m.group(2))
    if not -100 <= value <= 100:
        raise _Fail(pos, f"answer weight {_pct(value)}% is outside -100..100")
    return value, s[m.end() :]


def _split_feedback(raw: str) -> tuple[str, str | None]:
    """(text part, feedback) of an answer written `text#feedback`."""
    at = _find(raw, "#")
    return (raw, None) if at < 0 else (raw[:at], _feedback(raw[at + 1 :]))


def _answer_text(raw: str, tok: _Tok) -> str:
    text = _formatted(raw)[1]
    if not text:
        raise _Fail(tok.pos, f"empty answer after '{tok.mark}'" if tok.mark else "empty answer")
    return text


def _multichoice(toks: list[_Tok], pos: int) -> dict:
    answers = []
    for tok in toks:
        if tok.mark == "=":  # always 100 %: Moodle keeps a '%n%' after '=' as part of the text here
            fraction, rest = 100.0, tok.raw
        else:
            weight, rest = _weight(tok.raw, tok.pos)
            fraction = 0.0 if weight is None else weight
        text, feedback = _split_feedback(rest)
        answers.append(Answer(_answer_text(text, tok), fraction, feedback))
    single = any(tok.mark == "=" for tok in toks)
    if len(answers) < 2:
        raise _Fail(pos, "multiple-choice question needs at least two answers")
    total = sum(a.fraction for a in answers if a.fraction > 0)
    if not single and total == 0:
        raise _Fail(pos, "single-choice question needs a right answer marked with '='")
    if not single and abs(total - 100) > MULTI_TOLERANCE:
        raise _Fail(pos, f"multiple-answer weights must add up to 100% (they add up to {_pct(round(total, 4))}%)")
    return {"type": "multichoice", "answers": tuple(answers), "single": single}


def _shortanswer(toks: list[_Tok], pos: int) -> dict:
    answers = []
    for tok in toks:
        weight, rest = _weight(tok.raw, tok.pos)
        fraction = 100.0 if weight is None else weight
        if fraction < 0:
            raise _Fail(tok.pos, f"short-answer weights must be between 0 and 100, found {_pct(fraction)}%")
        if _find(rest, "->") >= 0:
            raise _Fail(tok.pos, "a short answer cannot contain '->' (Moodle would read the question as matching)")
        text, feedback = _split_feedback(rest)
        answers.append(Answer(_answer_text(text, tok), fraction, feedback))
    if not any(a.fraction == 100 for a in answers):
        raise _Fail(pos, "short-answer question needs an answer worth 100% "
                         "(for a multiple-answer question, mark the wrong answers with '~')")
    return {"type": "shortanswer", "answers": tuple(answers)}


def _matching(toks: list[_Tok], pos: int) -> dict:
    pairs = tuple(_pair(t) for t in toks)
    if len(pairs) < 3:
        raise _Fail(pos, f"matching question needs at least three pairs (found {len(pairs)})")
    if sum(1 for p in pairs if p.question) < 2:
        raise _Fail(pos, "matching question needs at least two pairs with an item before '->' "
                         "('= -> answer' is only a distractor)")
    return {"type": "matching", "pairs": pairs}


def _pair(tok: _Tok) -> Pair:
    if _WEIGHT_RE.match(tok.raw.lstrip()):
        raise _Fail(tok.pos, "matching pairs take no '%weight%'")
    if _find(tok.raw, "#") >= 0:
        raise _Fail(tok.pos, "matching pairs take no '#' feedback")
    arrow = _find(tok.raw, "->")
    if arrow < 0:
        raise _Fail(tok.pos, "matching answer needs '->' between the item and its match")
    answer = _clean(tok.raw[arrow + 2 :])
    if not answer:
        raise _Fail(tok.pos, "matching pair needs an answer after '->'")
    return Pair(_formatted(tok.raw[:arrow])[1], answer)


def _numerical(body: str, pos: int) -> dict:
    """`body` is what follows the '#'; `pos` its offset."""
    tilde = _find(body, "~")
    head = body if tilde < 0 else body[:tilde]
    toks = _tokens(head, pos)
    if not toks:
        raise _Fail(pos, "numerical question needs an answer after '{#'")
    answers = [_numerical_answer(t) for t in toks]
    if tilde >= 0:
        answers.append(_any_other_answer(body[tilde + 1 :], pos + tilde))
    if not any(a.fraction == 100 for a in answers):
        raise _Fail(pos, "numerical question needs an answer worth 100%")
    return {"type": "numerical", "answers": tuple(answers)}


def _any_other_answer(rest: str, pos: int) -> NumericalAnswer:
    """Moodle's '~' in a numerical question: feedback for every answer not matched above."""
    if _cuts(rest, "=~"):
        raise _Fail(pos, "in a numerical question the '~' answer (any other answer) must come last: "
                         "Moodle reads everything after it as its feedback")
    value, feedback = _split_feedback(rest)
    if value.strip():
        raise _Fail(pos, "in a numerical question '~' is Moodle's 'any other answer' and takes only feedback "
                         "('~#feedback'); write a wrong value as '=%0%VALUE'")
    return NumericalAnswer(None, 0.0, 0.0, feedback)


def _numerical_answer(tok: _Tok) -> NumericalAnswer:
    weight, rest = _weight(tok.raw, tok.pos)
    fraction = 100.0 if weight is None else weight
    value_raw, feedback = _split_feedback(rest)
    raw = value_raw.strip()
    if not raw:
        return NumericalAnswer(None, 0.0, fraction, feedback)
    if ".." in raw:
        low_text, _, high_text = raw.partition("..")
        low, high = _number(low_text.strip()), _number(high_text.strip())
        if low is not None and high is not None:
            if low > high:
                raise _Fail(tok.pos, f"numerical range '{raw}' has its minimum above its maximum")
            return NumericalAnswer(low / 2 + high / 2, high / 2 - low / 2, fraction, feedback)
    else:
        value_text, colon, tol_text = raw.partition(":")
        value, tol = _number(value_text.strip()), _number(tol_text.strip()) if colon else 0.0
        if value is not None and tol is not None:
            if tol < 0:
                raise _Fail(tok.pos, f"numerical tolerance in '{raw}' must not be negative")
            return NumericalAnswer(value, tol, fraction, feedback)
    raise _Fail(tok.pos, f"numerical answer '{raw[:30]}' is not a number "
                         "(expected VALUE, VALUE:TOLERANCE or MIN..MAX)")


def _truefalse(body: str, pos: int) -> dict:
    cuts = _cuts(body, "#")
    if len(cuts) > 2:
        raise _Fail(pos + cuts[2], "true/false takes at most two feedbacks: {T#shown when wrong#shown when right}")
    parts = [body[a + 1 : b] for a, b in zip([-1] + cuts, cuts + [len(body)])]
    right = _TRUEFALSE[parts[0].strip()]
    wrong_fb, right_fb = (_feedback(p) for p in (parts[1:] + [None, None])[:2])
    true = Answer("true", 100.0 if right else 0.0, right_fb if right else wrong_fb)
    false = Answer("false", 0.0 if right else 100.0, wrong_fb if right else right_fb)
    return {"type": "truefalse", "answers": (true, false)}


def _answers(inner: str, pos: int) -> dict:
    """Parse what stands between the braces; `pos` is the offset of inner[0]."""
    split = _rfind(inner, "####")
    body = inner if split < 0 else inner[:split]
    general = None if split < 0 else _feedback(inner[split + 4 :])
    if not body.strip():
        fields = {"type": "essay"}
    elif body.lstrip().startswith("#"):
        start = _lead(body) + 1
        fields = _numerical(body[start:], pos + start)
    elif _find(body, "~") >= 0:
        fields = _multichoice(_tokens(body, pos), pos)
    elif _find(body, "=") >= 0 and _find(body, "->") >= 0:
        fields = _matching(_tokens(body, pos), pos)
    elif _before(body, "#").strip() in _TRUEFALSE:
        fields = _truefalse(body, pos)
    else:
        fields = _shortanswer(_tokens(body, pos), pos)
    return {**fields, "general_feedback": general}


# --- questions and blocks ---------------------------------------------------------------


def _question(s: str, line_of) -> dict:
    """Parse one question block (comments and category lines already removed)."""
    pos = _lead(s)
    title = None
    if s.startswith("::", pos):
        end = _find(s, "::", pos + 2)
        if end < 0:
            raise _Fail(pos, "title opened with '::' is not closed with '::'")
        title, pos = _clean_opt(s[pos + 2 : end]), end + 2
    pos += _lead(s[pos:])
    fmt, skip = _format_prefix(s[pos:])
    pos += skip
    opening, closing = _find(s, "{", pos), _find(s, "}", pos)
    if closing >= 0 and (opening < 0 or closing < opening):
        raise _Fail(closing, "unexpected '}' without a '{' before it (write \\} for a literal brace)")
    if opening < 0:
        fields, text_raw = {"type": "description"}, s[pos:]
    else:
        fields, text_raw = _braces(s, opening, line_of(opening)), s[pos:opening]
        tail = s[_find(s, "}", opening) + 1 :]
        if tail.strip():
            text_raw += BLANK + tail
    text = _clean(text_raw)
    if not text:
        raise _Fail(pos, "question text is empty")
    return {"title": title, "format": fmt or "moodle", "text": text, **fields}


def _braces(s: str, opening: int, opening_line: int) -> dict:
    closing, nested = _find(s, "}", opening + 1), _find(s, "{", opening + 1)
    expected = f"expected '}}' to close the answers opened on line {opening_line}"
    if 0 <= nested and (closing < 0 or nested < closing):
        raise _Fail(nested, expected + ", found '{'")
    if closing < 0:
        raise _Fail(len(s), expected)
    stray = [i for i in (_find(s, "{", closing), _find(s, "}", closing + 1)) if i >= 0]
    if stray:
        raise _Fail(min(stray), "only one {...} answer block per question (write \\{ and \\} for literal braces)")
    return _answers(s[opening + 1 : closing], opening + 1)


def _unescape_bracket(raw: str) -> str:
    return raw.strip().replace("\\]", "]")


def comment_marks(comments: str) -> tuple[str | None, tuple[str, ...]]:
    """(idnumber, tags) written as `[id:...]` and `[tag:...]` in a question's comment lines:
    the first id, every tag, trimmed, `\\]` read as `]`; blank ones are left out."""
    found = _ID_RE.search(comments)
    idnumber = _unescape_bracket(found.group(1)) if found else ""
    tags = tuple(t for t in (_unescape_bracket(m) for m in _TAG_RE.findall(comments)) if t)
    return idnumber or None, tags


class _Block:
    def __init__(self, lines: list[tuple[int, str]]):
        self.numbers = [n for n, _ in lines]
        self.text = "\n".join(line for _, line in lines)

    def line(self, pos: int) -> int:
        return self.numbers[self.text.count("\n", 0, max(pos, 0))]


def _blocks(text: str):
    """Yield (lines, comments) per block: blank lines separate; `//` lines are the comments."""
    block: list[tuple[int, str]] = []
    comments: list[str] = []
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if not stripped:
            if block:
                yield block, "\n".join(comments)
            block, comments = [], []
        elif stripped.startswith("//"):
            comments.append(stripped)
        else:
            block.append((number, line))
    if block:
        yield block, "\n".join(comments)


class _Parser:
    def __init__(self, filename: str):
        self.filename = filename
        self.category: str | None = None
        self.questions: list[Question] = []
        self.errors: list[GiftErrorItem] = []

    def error(self, line: int, message: str) -> None:
        self.errors.append(GiftErrorItem(self.filename, line, message))

    def block(self, lines: list[tuple[int, str]], comments: str) -> None:
        if lines[0][1].lstrip().startswith("$CATEGORY:"):
            self.category = lines[0][1].split(":", 1)[1].strip() or None
            if len(lines) > 1:
                self.error(lines[1][0], "put a blank line after '$CATEGORY:' (Moodle reads the lines "
                                        "below it as part of the category name)")
            return
        late = [n for n, line in lines if line.lstrip().startswith("$CATEGORY:")]
        if late:
            self.error(late[0], "put a blank line before '$CATEGORY:' to end the question above it")
        else:
            self.question(_Block(lines), comments)

    def question(self, block: _Block, comments: str) -> None:
        try:
            fields = _question(block.text, block.line)
        except _Fail as fail:
            self.error(block.line(fail.pos), fail.message)
        else:
            idnumber, tags = comment_marks(comments)
            self.questions.append(Question(category=self.category, line=block.numbers[0],
                                           idnumber=idnumber, tags=tags, **fields))


# --- public API --------------------------------------------------------------------------


def parse_gift(text: str, filename: str = "<string>") -> list[Question]:
    """Parse GIFT text; raise GiftError listing every problem found (file, line, message)."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    parser = _Parser(filename)
    for lines, comments in _blocks(text):
        parser.block(lines, comments)
    if parser.errors:
        raise GiftError(parser.errors)
    return parser.questions


def parse_gift_bytes(data: bytes, filename: str = "<bytes>") -> list[Question]:
    """Decode UTF-8 (a BOM is allowed) and parse; other encodings are refused."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); save the file as UTF-8"
        raise GiftError([GiftErrorItem(filename, line, message)]) from None
    return parse_gift(text, filename)


def parse_gift_file(path: str | os.PathLike) -> list[Question]:
    with open(path, "rb") as handle:
        return parse_gift_bytes(handle.read(), os.fspath(path))


def question_from_dict(data: dict) -> Question:
    """The Question a dict of `question_to_dict` was made from (a stored bank back to the model, to
    export it): question_from_dict(question_to_dict(q)) == q."""
    kind = data["type"]
    if kind == "numerical":
        answers: list = [NumericalAnswer(a["value"], a["tolerance"], a["fraction"], a.get("feedback"))
                         for a in data.get("answers", [])]
    else:
        answers = [Answer(a["text"], a["fraction"], a.get("feedback")) for a in data.get("answers", [])]
    return Question(
        type=kind, title=data.get("title"), text=data.get("text", ""), format=data.get("format", "moodle"),
        category=data.get("category"), general_feedback=data.get("general_feedback"), answers=tuple(answers),
        pairs=tuple(Pair(p["question"], p["answer"]) for p in data.get("pairs", [])),
        single=data.get("single") if kind == "multichoice" else None, tags=tuple(data.get("tags", ())),
        idnumber=data.get("idnumber"), case_sensitive=bool(data.get("case_sensitive")))


from advocacy.learning.banks.gift_export import escape, export_gift, question_to_dict  # noqa: E402  (re-exported)

__all__ = [
    "Answer", "NumericalAnswer", "Pair", "Question", "GiftError", "GiftErrorItem",
    "parse_gift", "parse_gift_bytes", "parse_gift_file", "export_gift", "question_to_dict", "question_from_dict",
    "escape", "unescape", "comment_marks", "TYPES", "FORMATS", "BLANK",
]

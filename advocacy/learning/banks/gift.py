"""Parser for Moodle's GIFT quiz format (written from the format's public documentation).

Rules this parser applies where the documentation leaves room:

* Questions are separated by blank lines; a line whose first non-blank characters are ``//``
  is a comment and is dropped (it does not separate questions).
* ``$CATEGORY: path`` lines at the start of a block set the category of the questions that
  follow; an empty ``$CATEGORY:`` resets it to none.
* Text is stripped of surrounding whitespace, then the escapes ``\\~ \\= \\# \\{ \\} \\:``,
  ``\\\\`` and ``\\n`` (newline) are resolved; any other backslash is kept as written.
* ``[html]``, ``[moodle]``, ``[plain]`` or ``[markdown]`` may start the question text and the
  text of a choice answer or a matching item; any other ``[word]`` there is an error.  Answer
  formats are checked and dropped (the model keeps the question's format only); formats at
  the start of feedback are kept verbatim as part of the feedback.
* Choice answers: ``=`` is right (100 %), ``~`` is wrong (0 %), ``%n%`` sets a weight in
  -100..100.  If every answer is ``=`` the question is a short answer (one answer must be
  worth 100 %).  Otherwise it is a multiple choice: single-choice when an unweighted ``=``
  is present (or nothing is weighted), multiple-answer (checkboxes) when weights are used
  without a plain ``=``.  Multiple-answer positive weights must add up to 100 within one
  percentage point (Moodle snaps weights such as 33 % to 33.33333 %, so 3 x 33 % is fine).
* Text after the closing brace makes a missing-word question: the braces become ``_____``.
  Only one ``{...}`` block per question; a literal brace is written ``\\{`` / ``\\}``.
* A ``%...%`` holding something other than digits, sign, ``.`` or ``,`` is answer text
  (``~%d and %s``), not a weight.
* Matching needs at least three pairs, two of them with an item before ``->``.
* Numerical: ``VALUE``, ``VALUE:TOLERANCE`` or ``MIN..MAX`` (stored as midpoint and
  half-width); an answer with no value (``~#feedback``) is a catch-all, ``value`` None.
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
_FORMAT_RE = re.compile(r"\[([A-Za-z]+)\]")
_WEIGHT_RE = re.compile(r"%\s*([-+]?[0-9.,]+)\s*%")
_NUMBER_RE = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
_TRUEFALSE = {"t": True, "true": True, "f": False, "false": False}


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

    def __post_init__(self):
        object.__setattr__(self, "answers", tuple(self.answers))
        object.__setattr__(self, "pairs", tuple(self.pairs))


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


def _clean(raw: str) -> str:
    return unescape(raw.strip())


def _clean_opt(raw: str | None) -> str | None:
    return (_clean(raw) or None) if raw is not None else None


def _find(s: str, target: str, start: int = 0) -> int:
    """Offset of the first `target` in s at or after `start` that is not escaped, or -1."""
    i = start
    while i < len(s):
        if s[i] == "\\":
            i += 2
        elif s.startswith(target, i):
            return i
        else:
            i += 1
    return -1


def _cuts(s: str, chars: str) -> list[int]:
    """Offsets of every unescaped character of `chars` in s."""
    found, i = [], 0
    while i < len(s):
        if s[i] == "\\":
            i += 2
            continue
        if s[i] in chars:
            found.append(i)
        i += 1
    return found


def _before(s: str, target: str) -> str:
    """s up to its first unescaped `target` (all of s when there is none)."""
    at = _find(s, target)
    return s if at < 0 else s[:at]


def _lead(s: str) -> int:
    """Number of leading whitespace characters of s."""
    return len(s) - len(s.lstrip())


def _number(raw: str) -> float | None:
    """The finite number written in raw, or None."""
    value = float(raw) if _NUMBER_RE.fullmatch(raw) else math.nan
    return value if math.isfinite(value) else None


def _pct(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def _format_prefix(s: str, pos: int) -> tuple[str | None, int]:
    """A `[format]` at the start of s: (name or None, characters it takes)."""
    m = _FORMAT_RE.match(s)
    if not m:
        return None, 0
    if m.group(1) not in FORMATS:
        raise _Fail(pos, f"unknown format [{m.group(1)}]; expected [html], [moodle], [plain] or [markdown]")
    return m.group(1), m.end()


# --- answers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tok:
    pos: int  # offset of the '=' or '~'
    mark: str
    weight: float | None
    text: str  # raw, before '#'
    feedback: str | None


def _tokens(body: str, pos: int) -> list[_Tok]:
    cuts = _cuts(body, "=~")
    head = body[: cuts[0]] if cuts else body
    if head.strip():
        found = head.strip().split("\n")[0][:30]
        raise _Fail(pos + _lead(head), f"expected an answer starting with '=' or '~', found '{found}'")
    ends = cuts[1:] + [len(body)]
    return [_token(body[c], body[c + 1 : e], pos + c) for c, e in zip(cuts, ends)]


def _token(mark: str, content: str, pos: int) -> _Tok:
    weight, content = _weight(content.lstrip(), pos)
    hash_at = _find(content, "#")
    if hash_at < 0:
        return _Tok(pos, mark, weight, content, None)
    return _Tok(pos, mark, weight, content[:hash_at], _clean_opt(content[hash_at + 1 :]))


def _weight(content: str, pos: int) -> tuple[float | None, str]:
    m = _WEIGHT_RE.match(content)
    if not m:
        return None, content
    value = _number(m.group(1))
    if value is None:
        raise _Fail(pos, f"answer weight must be a number between '%' signs, found '{m.group(0)}'")
    if not -100 <= value <= 100:
        raise _Fail(pos, f"answer weight {_pct(value)}% is outside -100..100")
    return value, content[m.end() :]


def _answer_text(tok: _Tok) -> str:
    raw = tok.text.lstrip()
    _, skip = _format_prefix(raw, tok.pos)
    text = _clean(raw[skip:])
    if not text:
        raise _Fail(tok.pos, f"empty answer after '{tok.mark}'")
    return text


def _fraction(tok: _Tok) -> float:
    if tok.weight is not None:
        return tok.weight
    return 100.0 if tok.mark == "=" else 0.0


def _choice(body: str, pos: int) -> dict:
    toks = _tokens(body, pos)
    if any(_find(t.text, "->") >= 0 for t in toks):
        return _matching(toks, pos)
    answers = tuple(Answer(_answer_text(t), _fraction(t), t.feedback) for t in toks)
    if all(t.mark == "=" for t in toks):
        return _shortanswer(toks, answers, pos)
    return _multichoice(toks, answers, pos)


def _shortanswer(toks: list[_Tok], answers: tuple[Answer, ...], pos: int) -> dict:
    for tok, answer in zip(toks, answers):
        if answer.fraction < 0:
            raise _Fail(tok.pos, f"short-answer weights must be between 0 and 100, found {_pct(answer.fraction)}%")
    if not any(a.fraction == 100 for a in answers):
        raise _Fail(pos, "short-answer question needs an answer worth 100% "
                         "(for a multiple-answer question, mark the wrong answers with '~')")
    return {"type": "shortanswer", "answers": answers}


def _multichoice(toks: list[_Tok], answers: tuple[Answer, ...], pos: int) -> dict:
    plain_right = any(t.mark == "=" and t.weight is None for t in toks)
    single = plain_right or all(t.weight is None for t in toks)
    if single and not any(a.fraction == 100 for a in answers):
        raise _Fail(pos, "single-choice question needs a right answer marked with '='")
    if len(answers) < 2:
        raise _Fail(pos, "multiple-choice question needs at least two answers")
    total = sum(a.fraction for a in answers if a.fraction > 0)
    if not single and abs(total - 100) > MULTI_TOLERANCE:
        raise _Fail(pos, f"multiple-answer weights must add up to 100% (they add up to {_pct(round(total, 4))}%)")
    return {"type": "multichoice", "answers": answers, "single": single}


def _matching(toks: list[_Tok], pos: int) -> dict:
    pairs = tuple(_pair(t) for t in toks)
    if len(pairs) < 3:
        raise _Fail(pos, f"matching question needs at least three pairs (found {len(pairs)})")
    if sum(1 for p in pairs if p.question) < 2:
        raise _Fail(pos, "matching question needs at least two pairs with an item before '->' "
                         "('= -> answer' is only a distractor)")
    return {"type": "matching", "pairs": pairs}


def _pair(tok: _Tok) -> Pair:
    if tok.mark != "=":
        raise _Fail(tok.pos, "matching pairs start with '=', found '~'")
    if tok.weight is not None:
        raise _Fail(tok.pos, "matching pairs take no '%weight%'")
    if tok.feedback is not None:
        raise _Fail(tok.pos, "matching pairs take no '#' feedback")
    arrow = _find(tok.text, "->")
    if arrow < 0:
        raise _Fail(tok.pos, "matching answer needs '->' between the item and its match")
    left = tok.text[:arrow].lstrip()
    _, skip = _format_prefix(left, tok.pos)
    answer = _clean(tok.text[arrow + 2 :])
    if not answer:
        raise _Fail(tok.pos, "matching pair needs an answer after '->'")
    return Pair(_clean(left[skip:]), answer)


def _numerical(body: str, pos: int) -> dict:
    if not body.strip():
        raise _Fail(pos, "numerical question needs an answer after '{#'")
    if body.lstrip()[0] in "=~":
        toks = _tokens(body, pos)
    else:  # the short form {#VALUE...}: one answer worth 100 %
        toks = [_token("=", body, pos)]
    answers = tuple(_numerical_answer(t) for t in toks)
    if not any(a.fraction == 100 for a in answers):
        raise _Fail(pos, "numerical question needs an answer worth 100%")
    return {"type": "numerical", "answers": answers}


def _numerical_answer(tok: _Tok) -> NumericalAnswer:
    raw = tok.text.strip()
    fraction, feedback = _fraction(tok), tok.feedback
    if not raw:
        return NumericalAnswer(None, 0.0, fraction, feedback)
    if ".." in raw:
        low, _, high = raw.partition("..")
        low, high = _number(low.strip()), _number(high.strip())
        if low is not None and high is not None:
            if low > high:
                raise _Fail(tok.pos, f"numerical range '{raw}' has its minimum above its maximum")
            return NumericalAnswer(low / 2 + high / 2, high / 2 - low / 2, fraction, feedback)
    else:
        value, colon, tol = raw.partition(":")
        value, tol = _number(value.strip()), _number(tol.strip()) if colon else 0.0
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
    right = _TRUEFALSE[parts[0].strip().lower()]
    wrong_fb, right_fb = (_clean_opt(p) for p in (parts[1:] + [None, None])[:2])
    true = Answer("true", 100.0 if right else 0.0, right_fb if right else wrong_fb)
    false = Answer("false", 0.0 if right else 100.0, wrong_fb if right else right_fb)
    return {"type": "truefalse", "answers": (true, false)}


def _answers(inner: str, pos: int) -> dict:
    """Parse what stands between the braces; `pos` is the offset of inner[0]."""
    numerical = inner.lstrip().startswith("#") and not inner.lstrip().startswith("####")
    if numerical:
        pos += _lead(inner) + 1
        inner = inner.lstrip()[1:]
    split = _find(inner, "####")
    body = inner if split < 0 else inner[:split]
    general = None if split < 0 else _clean_opt(inner[split + 4 :])
    if numerical:
        fields = _numerical(body, pos)
    elif not body.strip():
        fields = {"type": "essay"}
    elif _before(body, "#").strip().lower() in _TRUEFALSE:
        fields = _truefalse(body, pos)
    else:
        fields = _choice(body, pos)
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
    fmt, skip = _format_prefix(s[pos:], pos)
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


class _Block:
    def __init__(self, lines: list[tuple[int, str]]):
        self.numbers = [n for n, _ in lines]
        self.text = "\n".join(line for _, line in lines)

    def line(self, pos: int) -> int:
        return self.numbers[self.text.count("\n", 0, max(pos, 0))]


def _blocks(text: str):
    """Yield lists of (line number, line): blank lines separate, `//` lines are dropped."""
    block: list[tuple[int, str]] = []
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if not stripped:
            if block:
                yield block
            block = []
        elif not stripped.startswith("//"):
            block.append((number, line))
    if block:
        yield block


class _Parser:
    def __init__(self, filename: str):
        self.filename = filename
        self.category: str | None = None
        self.questions: list[Question] = []
        self.errors: list[GiftErrorItem] = []

    def error(self, line: int, message: str) -> None:
        self.errors.append(GiftErrorItem(self.filename, line, message))

    def block(self, lines: list[tuple[int, str]]) -> None:
        while lines and lines[0][1].lstrip().startswith("$CATEGORY:"):
            self.category = lines[0][1].split(":", 1)[1].strip() or None
            lines = lines[1:]
        late = [n for n, line in lines if line.lstrip().startswith("$CATEGORY:")]
        if late:
            self.error(late[0], "put a blank line before '$CATEGORY:' to end the question above it")
        elif lines:
            self.question(_Block(lines))

    def question(self, block: _Block) -> None:
        try:
            fields = _question(block.text, block.line)
        except _Fail as fail:
            self.error(block.line(fail.pos), fail.message)
        else:
            self.questions.append(Question(category=self.category, line=block.numbers[0], **fields))


# --- public API --------------------------------------------------------------------------


def parse_gift(text: str, filename: str = "<string>") -> list[Question]:
    """Parse GIFT text; raise GiftError listing every problem found (file, line, message)."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    parser = _Parser(filename)
    for lines in _blocks(text):
        parser.block(lines)
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


from advocacy.learning.banks.gift_export import escape, export_gift, question_to_dict  # noqa: E402  (re-exported)

__all__ = [
    "Answer", "NumericalAnswer", "Pair", "Question", "GiftError", "GiftErrorItem",
    "parse_gift", "parse_gift_bytes", "parse_gift_file", "export_gift", "question_to_dict",
    "escape", "unescape", "TYPES", "FORMATS", "BLANK",
]

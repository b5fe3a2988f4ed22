"""The question bank editor: a draft's `<language>/quiz.gift` read as questions, one question
written from a form, and the file written back (checked by parsing it again, as a sync would).

A form has a fixed number of answer rows; empty rows are ignored. Errors are keyed by form field
("text", "answer_2", "answers", ...) so the page shows them next to what is wrong.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace

from advocacy.learning.banks.gift import (
    Answer,
    GiftError,
    NumericalAnswer,
    Pair,
    Question,
    export_gift,
    parse_gift,
)

ROWS = 6
KINDS = ("multichoice", "truefalse", "shortanswer", "matching", "numerical")
NUMBER_RE = re.compile(r"[-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?")


def quiz_path(language: str) -> str:
    return f"{language}/quiz.gift"


def read_bank(files: dict[str, str], language: str) -> tuple[list[Question], list[str]]:
    """The questions of the draft's quiz file in `language` ([] when there is none), and the
    parser's problems (then the list is empty: nothing is edited in a file that does not parse)."""
    text = files.get(quiz_path(language), "")
    if not text.strip():
        return [], []
    try:
        return parse_gift(text, quiz_path(language)), []
    except GiftError as error:
        return [], [str(item) for item in error.errors]


@dataclass
class Row:
    text: str = ""
    item: str = ""  # matching: the item on the left of the pair
    weight: str = ""
    feedback: str = ""
    value: str = ""
    tolerance: str = ""
    low: str = ""
    high: str = ""

    def empty(self) -> bool:
        return not any(v.strip() for v in (self.text, self.item, self.weight, self.value, self.tolerance,
                                           self.low, self.high, self.feedback))


@dataclass
class Entry:
    """What the form holds, as text."""

    kind: str
    title: str = ""
    text: str = ""
    general_feedback: str = ""
    several: bool = False  # multiple choice: several right answers, with weights
    truth: str = "true"  # true/false: the right answer
    right_feedback: str = ""
    wrong_feedback: str = ""
    rows: list[Row] = field(default_factory=lambda: [Row() for _ in range(ROWS)])


def _number(raw: str) -> float | None:
    raw = raw.strip()
    if not NUMBER_RE.fullmatch(raw):
        return None
    value = float(raw.replace(",", "."))
    return value if math.isfinite(value) else None


def _text(value: float) -> str:
    return f"{value:g}" if value is not None else ""


def entry_of(question: Question) -> Entry:
    """A question as the form shows it."""
    entry = Entry(kind=question.type, title=question.title or "", text=question.text,
                  general_feedback=question.general_feedback or "", several=question.single is False)
    rows: list[Row] = []
    if question.type == "truefalse":
        right = next((a for a in question.answers if a.fraction >= 100), question.answers[0])
        wrong = next((a for a in question.answers if a is not right), None)
        entry.truth = right.text
        entry.right_feedback = right.feedback or ""
        entry.wrong_feedback = (wrong.feedback if wrong else "") or ""
    elif question.type == "matching":
        rows = [Row(item=p.question, text=p.answer) for p in question.pairs]
    elif question.type == "numerical":
        for a in question.answers:
            if a.value is None:
                continue
            rows.append(Row(value=_text(a.value), tolerance=_text(a.tolerance) if a.tolerance else "",
                            weight=_text(a.fraction), feedback=a.feedback or ""))
    else:
        rows = [Row(text=a.text, weight=_text(a.fraction), feedback=a.feedback or "") for a in question.answers]
    entry.rows = (rows + [Row() for _ in range(ROWS)])[:max(ROWS, len(rows))]
    return entry


def _weight(row: Row, index: int, default: float, errors: dict[str, list[str]], messages) -> float:
    if not row.weight.strip():
        return default
    value = _number(row.weight.strip().rstrip("%"))
    if value is None or not -100 <= value <= 100:
        errors.setdefault(f"weight_{index}", []).append(messages["weight"])
        return default
    return value


def question_of(entry: Entry, base: Question | None, messages: dict[str, str]) -> tuple[Question | None,
                                                                                        dict[str, list[str]]]:
    """The question the form describes, or the errors next to their fields. `base` (the question
    being edited) keeps what the form does not show: category, tags, id number, format."""
    errors: dict[str, list[str]] = {}
    if not entry.text.strip():
        errors["text"] = [messages["text"]]
    rows = [(i, row) for i, row in enumerate(entry.rows) if not row.empty()]
    answers: list = []
    pairs: list[Pair] = []
    single: bool | None = None
    if entry.kind == "truefalse":
        right = entry.truth == "true"
        answers = [Answer("true", 100.0 if right else 0.0, (entry.right_feedback if right else entry.wrong_feedback)
                          .strip() or None),
                   Answer("false", 0.0 if right else 100.0, (entry.wrong_feedback if right else entry.right_feedback)
                          .strip() or None)]
    elif entry.kind == "matching":
        for i, row in rows:
            if not row.text.strip():
                errors.setdefault(f"answer_{i}", []).append(messages["match"])
            pairs.append(Pair(row.item.strip(), row.text.strip()))
        if len(pairs) < 3 or sum(1 for p in pairs if p.question) < 2:
            errors.setdefault("answers", []).append(messages["pairs"])
    elif entry.kind == "numerical":
        for i, row in rows:
            low, high = _number(row.low), _number(row.high)
            value: float | None
            tolerance: float | None
            if row.low.strip() or row.high.strip():
                if low is None or high is None or low > high:
                    errors.setdefault(f"low_{i}", []).append(messages["range"])
                    continue
                value, tolerance = (low + high) / 2, (high - low) / 2
            else:
                value = _number(row.value)
                tolerance = _number(row.tolerance) if row.tolerance.strip() else 0.0
                if value is None:
                    errors.setdefault(f"value_{i}", []).append(messages["number"])
                    continue
                if tolerance is None or tolerance < 0:
                    errors.setdefault(f"tolerance_{i}", []).append(messages["tolerance"])
                    continue
            fraction = _weight(row, i, 100.0, errors, messages)
            assert value is not None and tolerance is not None
            answers.append(NumericalAnswer(value, tolerance, fraction, row.feedback.strip() or None))
        if not answers and not errors:
            errors.setdefault("answers", []).append(messages["one_answer"])
    else:  # multiple choice, short answer
        default = 100.0 if entry.kind == "shortanswer" else 0.0
        for i, row in rows:
            if not row.text.strip():
                errors.setdefault(f"answer_{i}", []).append(messages["answer_text"])
                continue
            answers.append(Answer(row.text.strip(), _weight(row, i, default, errors, messages),
                                  row.feedback.strip() or None))
        if entry.kind == "multichoice":
            single = not entry.several
            if len(answers) < 2:
                errors.setdefault("answers", []).append(messages["two_options"])
            elif single and not any(a.fraction >= 100 for a in answers):
                errors.setdefault("answers", []).append(messages["one_right"])
        elif not answers:
            errors.setdefault("answers", []).append(messages["one_answer"])
    if errors:
        return None, errors
    question = Question(type=entry.kind, title=entry.title.strip() or None, text=entry.text.strip(),
                        general_feedback=entry.general_feedback.strip() or None, answers=tuple(answers),
                        pairs=tuple(pairs), single=single)
    if base is not None and base.type == entry.kind:
        if entry.kind == "numerical":  # Moodle's "any other answer" has no row: it is kept, last
            answers += [a for a in base.answers if a.value is None]
        question = replace(base, title=question.title, text=question.text,
                           general_feedback=question.general_feedback, answers=tuple(answers),
                           pairs=question.pairs, single=question.single)
    elif base is not None:
        question = replace(question, category=base.category, tags=base.tags, idnumber=base.idnumber)
    # Written and read back as a sync reads it: what the parser refuses is not saved.
    try:
        written = export_gift([question])
        parse_gift(written, "question")
    except GiftError as error:
        return None, {"answers": [item.message for item in error.errors]}
    except ValueError as error:
        return None, {"answers": [str(error)]}
    return question, {}


def write_bank(questions: list[Question]) -> str:
    """The file text of `questions`; parsed again so that a file that would not sync is never saved."""
    text = export_gift(questions)
    if text:
        parse_gift(text, "quiz.gift")
    return text

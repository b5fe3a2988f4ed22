"""Write questions back as GIFT, and turn them into plain dicts (the `--json` shape).

`parse_gift(export_gift(qs)) == qs` for every list of questions the parser can produce, and the
text written is read the same way by Moodle's importer: numerical wrong values are weighted
`=%0%5` (Moodle reads `~5` as "any other answer"), texts and feedback that start with
something Moodle would take for a format or a weight get the question's `[format]` in front,
and `[id:...]` / `[tag:...]` go into a comment line above the question, as Moodle writes them.
What GIFT cannot express raises ValueError: a newline in a category, general feedback on a
description, `->` inside a matching item or a short answer (GIFT has no escape for it; Moodle
would read the short answer as matching), a case-sensitive short answer, and an idnumber or tag
that cannot be written in a comment. Text is written as given, so leading or trailing
whitespace (which the parser strips) does not survive.
"""

from __future__ import annotations

from decimal import Decimal

_SPECIAL = set("\\~=#{}:")


def escape(text: str) -> str:
    """Escape GIFT's special characters; line breaks become `\\n`."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join("\\" + c if c in _SPECIAL else "\\n" if c == "\n" else c for c in text)


def number(x: float) -> str:
    """Shortest exact decimal for x, without exponent (`3`, `0.1`, `0.00001`)."""
    text = repr(float(x))
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    return text.removesuffix(".0")


def _text_start(text: str, fmt: str, always: bool) -> str:
    """Escaped text, behind a `[format]` when asked or when the text would be misread."""
    body = escape(text)
    if always or body.startswith(("[", "%", "/", "$", "\ufeff")):
        return f"[{fmt}]{body}"
    return body


def _feedback(feedback: str | None, fmt: str) -> str:
    return f"#{_text_start(feedback, fmt, False)}" if feedback else ""


def _no_arrow(text: str, what: str) -> str:
    if "->" in text:
        raise ValueError(f"GIFT cannot write '->' inside {what}: {text!r}")
    return text


def _mark(fraction: float, right: str, wrong: str, weighted: str) -> str:
    if fraction == 100 and right:
        return right
    if fraction == 0 and wrong:
        return wrong
    return f"{weighted}%{number(fraction)}%"


def _choice_marks(q) -> list[str]:
    """'=' / '~' / weight for each answer, so that the parser (and Moodle) find the same type and
    `single`: an '=' is what makes a multiple choice single-choice, a '~' what makes it a choice."""
    if q.type == "shortanswer":
        return [_mark(a.fraction, "=", "", "=") for a in q.answers]
    if not q.single:
        return [_mark(a.fraction, "", "~", "~") for a in q.answers]
    marks = [_mark(a.fraction, "=", "~", "~") for a in q.answers]
    if "=" not in marks:
        raise ValueError(f"a single-choice question needs an answer worth 100%: {q.text!r}")
    if all(m == "=" for m in marks):  # all right: one '~' keeps it a choice
        marks[-1] = "~%100%"
    return marks


def _short_answer_checks(q) -> None:
    if q.case_sensitive:
        raise ValueError(f"GIFT cannot mark a short answer as case-sensitive: {q.text!r}")
    for a in q.answers:
        _no_arrow(a.text, "a short answer")
        _no_arrow(a.feedback or "", "a short answer's feedback")


def _choice_lines(q) -> list[str]:
    if q.type == "shortanswer":
        _short_answer_checks(q)
    lines = []
    for a, mark in zip(q.answers, _choice_marks(q)):
        text = _text_start(a.text, q.format, False)
        lines.append(mark + text + _feedback(a.feedback, q.format))
    return lines


def _matching_lines(q) -> list[str]:
    lines = []
    for p in q.pairs:
        item = _text_start(_no_arrow(p.question, "a matching item"), q.format, False)
        lines.append(f"={item} -> {escape(p.answer)}")
    return lines


def _numerical_value(a) -> str:
    if a.value is None:
        return ""
    return number(a.value) + (":" + number(a.tolerance) if a.tolerance else "")


def _numerical_lines(q) -> list[str]:
    """Every answer after '=' with its weight; only a last catch-all worth 0 % is written as
    Moodle's '~#feedback' (Moodle drops the value and weight of any other '~' answer)."""
    lines = []
    for number_, a in enumerate(q.answers, 1):
        if a.value is None and a.fraction == 0 and number_ == len(q.answers):
            mark = "~"
        else:
            mark = _mark(a.fraction, "=", "", "=")
        lines.append(mark + _numerical_value(a) + _feedback(a.feedback, q.format))
    return lines


def _truefalse_inline(q) -> str:
    true, false = q.answers
    right, wrong = (true, false) if true.fraction == 100 else (false, true)
    feedback = [_text_start(f, q.format, False) if f else "" for f in (wrong.feedback, right.feedback)]
    while feedback and not feedback[-1]:
        feedback.pop()
    return ("TRUE" if right is true else "FALSE") + "".join("#" + f for f in feedback)


def _inline(q) -> str | None:
    """The one-line form of the answers, for questions that have one."""
    if q.type == "truefalse":
        return _truefalse_inline(q)
    if q.type == "essay":
        return ""
    if q.type == "numerical" and len(q.answers) == 1:
        (answer,) = q.answers
        if answer.value is not None and answer.fraction == 100:
            return "#" + _numerical_value(answer) + _feedback(answer.feedback, q.format)
    return None


def _braces(q) -> str:
    general = f"####{_text_start(q.general_feedback, q.format, False)}" if q.general_feedback else ""
    inline = _inline(q)
    if inline is not None:
        return "{" + inline + general + "}"
    lines = {"matching": _matching_lines, "numerical": _numerical_lines}.get(q.type, _choice_lines)(q)
    lines += [general] if general else []
    return "{" + "#" * (q.type == "numerical") + "".join("\n\t" + line for line in lines) + "\n}"


def _comment_value(value: str, kind: str, forbidden: str) -> str:
    """A tag or idnumber as it goes between `[kind:` and `]` in a comment (`]` written `\\]`)."""
    if (not value or value != value.strip() or value.endswith("\\") or "[id:" in value or "[tag:" in value
            or any(ord(c) < 32 or ord(c) == 127 or c in forbidden for c in value)):
        raise ValueError(f"GIFT cannot write this {kind} in a comment: {value!r}")
    return f"[{kind}:" + value.replace("]", "\\]") + "]"


def _marks_line(q) -> str:
    """`// [id:...] [tag:...]` above the question, as Moodle writes them; '' when there are none."""
    marks = [_comment_value(q.idnumber, "id", "")] if q.idnumber else []
    marks += [_comment_value(tag, "tag", "<>`") for tag in q.tags]
    return "// " + " ".join(marks) + "\n" if marks else ""


def _question(q) -> str:
    return _marks_line(q) + _question_body(q)


def _question_body(q) -> str:
    head = f"::{escape(q.title)}:: " if q.title else ""
    explicit = q.format != "moodle"
    if q.type == "description":
        if q.general_feedback:
            raise ValueError("GIFT cannot write general feedback for a description")
        return head + _text_start(q.text, q.format, explicit)
    before, blank, after = q.text.partition("_____")
    if not (blank and after.strip()):  # no room for a missing word: answers go at the end
        return head + _text_start(q.text, q.format, explicit) + " " + _braces(q)
    return head + _text_start(before, q.format, explicit) + _braces(q) + escape(after)


def _category_line(category: str | None) -> str:
    if category and ("\n" in category or "\r" in category):
        raise ValueError(f"a category cannot contain a line break: {category!r}")
    return f"$CATEGORY: {category}" if category else "$CATEGORY:"


def export_gift(questions) -> str:
    """GIFT text for `questions`: a `$CATEGORY:` line wherever the category changes."""
    chunks, category = [], None
    for q in questions:
        if q.category != category:
            chunks.append(_category_line(q.category))
            category = q.category
        chunks.append(_question(q))
    return "\n\n".join(chunks) + "\n" if chunks else ""


# --- plain dicts (JSON) ------------------------------------------------------------------


def _json_number(x: float | None):
    if x is None:
        return None
    return int(x) if float(x).is_integer() and abs(x) < 2**53 else x


def _answer_dict(a) -> dict:
    return {"text": a.text, "fraction": _json_number(a.fraction), "feedback": a.feedback}


def _numerical_dict(a) -> dict:
    return {"value": _json_number(a.value), "tolerance": _json_number(a.tolerance),
            "fraction": _json_number(a.fraction), "feedback": a.feedback}


def question_to_dict(q) -> dict:
    data = {"type": q.type, "title": q.title, "text": q.text, "format": q.format,
            "category": q.category, "general_feedback": q.general_feedback}
    if q.type == "multichoice":
        data["single"] = bool(q.single)
    if q.type in ("multichoice", "truefalse", "shortanswer"):
        data["answers"] = [_answer_dict(a) for a in q.answers]
    elif q.type == "numerical":
        data["answers"] = [_numerical_dict(a) for a in q.answers]
    elif q.type == "matching":
        data["pairs"] = [{"question": p.question, "answer": p.answer} for p in q.pairs]
    # Only when present, so that the dicts (and content hashes) of other questions stay as they were.
    if q.tags:
        data["tags"] = list(q.tags)
    if q.idnumber:
        data["idnumber"] = q.idnumber
    if q.case_sensitive:
        data["case_sensitive"] = True
    return data


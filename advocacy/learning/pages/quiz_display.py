"""What the quiz templates get: plain view objects built from an attempt and its questions.

`form_questions` is the only thing the attempt page sees before submission: question and option
texts and per-attempt tokens, never a fraction, a feedback or a flag saying what is right.
`review` shows after submission: verdicts and general feedback after a fail, everything after a pass.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from flask_babel import gettext as _
from markupsafe import Markup, escape

from advocacy.core.markdown import render, sanitise_html
from advocacy.learning.rules import grading as engine

_WRAPPING_P = re.compile(r"^\s*<p>(.*)</p>\s*$", re.S)


def gift_html(text: str | None, fmt: str = "moodle", inline: bool = False) -> Markup:
    """A GIFT text in its format: plain is escaped; moodle and html keep harmless tags;
    markdown is rendered. Everything goes through the sanitiser."""
    text = text or ""
    if fmt == "plain":
        return Markup("<br>".join(escape(line) for line in text.split("\n")))
    if fmt == "markdown":
        html = str(render(text, trusted=False))
        match = _WRAPPING_P.match(html) if inline else None
        return Markup(match.group(1) if match and "<p>" not in match.group(1) else html)
    if fmt == "moodle":
        text = text.replace("\n", "<br>")
    return Markup(sanitise_html(text))


def truefalse_label(index: int) -> Markup:
    return escape(_("True") if index == 0 else _("False"))


@dataclass
class Option:
    value: str  # the per-attempt token
    label: Markup


@dataclass
class FormQuestion:
    number: int
    kind: str
    text: Markup
    field: str
    multiple: bool = False
    options: list[Option] = dataclass_field(default_factory=list)
    items: list[tuple[str, Markup]] = dataclass_field(default_factory=list)  # matching: (field, item text)


def _form_question(number: int, item: dict, question: dict) -> FormQuestion:
    kind, fmt = question["type"], question["format"]
    view = FormQuestion(number, kind, gift_html(question["text"], fmt), engine.field_name(number))
    if kind == "multichoice":
        view.multiple = not question["single"]
        view.options = [Option(token, gift_html(question["answers"][i]["text"], fmt, inline=True))
                        for token, i in item["options"]]
    elif kind == "truefalse":
        view.options = [Option(token, truefalse_label(i)) for token, i in item["options"]]
    elif kind == "matching":
        view.items = [(engine.field_name(number, part), gift_html(question["pairs"][i]["question"], fmt, inline=True))
                      for part, i in enumerate(item["items"], 1)]
        view.options = [Option(token, escape(text)) for token, text in item["choices"]]
    return view


def form_questions(items: list[dict], questions: dict[int, dict]) -> list[FormQuestion]:
    return [_form_question(number, item, questions[item["id"]]) for number, item in enumerate(items, 1)]


# --- after submission --------------------------------------------------------------------------


@dataclass
class ReviewLine:
    """One option (or accepted answer, or matching item) in the full review."""

    text: Markup
    right: bool
    chosen: bool = False
    feedback: Markup | None = None
    answer: Markup | None = None  # matching: what the person picked
    right_answer: Markup | None = None  # matching: the right match


@dataclass
class ReviewQuestion:
    number: int
    kind: str
    text: Markup
    verdict: str  # right | partly | wrong
    general_feedback: Markup | None
    lines: list[ReviewLine] = dataclass_field(default_factory=list)
    given: str | None = None  # short answer and numerical: what the person typed
    given_feedback: Markup | None = None


def _feedback(text: str | None, fmt: str) -> Markup | None:
    return gift_html(text, fmt) if text else None


def _choice_lines(question: dict, item: dict, response: dict, fmt: str) -> list[ReviewLine]:
    chosen = set(response.get("chosen", []))
    lines = []
    for _token, index in item["options"]:
        answer = question["answers"][index]
        text = truefalse_label(index) if question["type"] == "truefalse" else gift_html(answer["text"], fmt, True)
        lines.append(ReviewLine(text, answer["fraction"] > 0, index in chosen, _feedback(answer["feedback"], fmt)))
    return lines


def _text_answer(question: dict, response: dict, review: ReviewQuestion, fmt: str) -> None:
    review.given = response.get("text", "")
    if question["type"] == "shortanswer":
        given = engine.normalise_text(review.given)
        matches = [a for a in question["answers"] if given and engine.normalise_text(a["text"]) == given]
        review.lines = [ReviewLine(escape(a["text"]), a["fraction"] > 0, feedback=_feedback(a["feedback"], fmt))
                        for a in question["answers"] if a["fraction"] > 0]
    else:
        value = engine.parse_number(review.given)
        matches = [a for a in question["answers"] if value is not None and engine.numerical_matches(a, value)]
        review.lines = [ReviewLine(escape(_numerical_label(a)), a["fraction"] > 0,
                                   feedback=_feedback(a["feedback"], fmt))
                        for a in question["answers"] if a["value"] is not None and a["fraction"] > 0]
    best = max(matches, key=lambda a: a["fraction"], default=None)
    review.given_feedback = _feedback(best["feedback"], fmt) if best else None


def _numerical_label(answer: dict) -> str:
    value = f"{answer['value']:g}"
    return f"{value} ± {answer['tolerance']:g}" if answer["tolerance"] else value


def _matching_lines(question: dict, response: dict, fmt: str) -> list[ReviewLine]:
    lines = []
    for pair_index, picked in response.get("matches", []):
        pair = question["pairs"][pair_index]
        lines.append(ReviewLine(gift_html(pair["question"], fmt, True), picked == pair["answer"],
                                chosen=picked is not None, answer=escape(picked) if picked else None,
                                right_answer=escape(pair["answer"])))
    return lines


def _review_question(number: int, item: dict, question: dict, result: dict, full: bool) -> ReviewQuestion:
    fmt = question["format"]
    review = ReviewQuestion(number, question["type"], gift_html(question["text"], fmt),
                            engine.verdict(result["fraction"]), _feedback(question.get("general_feedback"), fmt))
    if not full:
        return review
    response = result["response"]
    if question["type"] in ("multichoice", "truefalse"):
        review.lines = _choice_lines(question, item, response, fmt)
    elif question["type"] == "matching":
        review.lines = _matching_lines(question, response, fmt)
    else:
        _text_answer(question, response, review, fmt)
    return review


def review(items: list[dict], results: list[dict] | None, questions: dict[int, dict],
           full: bool) -> list[ReviewQuestion]:
    """The graded questions; `full` adds the answers and every feedback (only after a pass)."""
    if not results:
        return []
    return [_review_question(number, item, questions[item["id"]], result, full)
            for number, (item, result) in enumerate(zip(items, results), 1)]

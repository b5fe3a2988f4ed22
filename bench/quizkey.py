"""The answers that earn full marks on one attempt, from the attempt's stored draw and the stored
questions: for tests and load runs that must pass a quiz. The app never sends this to a browser."""
from __future__ import annotations

import json


def _loaded(value):
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def right_answers(items, question_data: dict) -> dict[str, list[str]]:
    """Form field -> values, for an attempt's `items` and {question id: question data}."""
    answers: dict[str, list[str]] = {}
    for number, item in enumerate(_loaded(items), 1):
        answers.update(right_for(number, item, _loaded(question_data[item["id"]])))
    return answers


def right_for(number: int, item: dict, question: dict) -> dict[str, list[str]]:
    kind, field = question["type"], f"q{number}"
    if kind in ("multichoice", "truefalse"):
        fractions = {token: question["answers"][index]["fraction"] for token, index in item["options"]}
        single = kind == "truefalse" or question.get("single", True)
        if single:
            return {field: [max(fractions, key=fractions.get)]}
        return {field: [token for token, fraction in fractions.items() if fraction > 0]}
    if kind == "matching":
        by_text = {text: token for token, text in item["choices"]}
        return {f"{field}-{part}": [by_text[question["pairs"][pair]["answer"]]]
                for part, pair in enumerate(item["items"], 1)}
    best = max(question["answers"], key=lambda answer: answer["fraction"])
    if kind == "numerical":
        return {field: ["%g" % best["value"]]}
    return {field: [best["text"]]}

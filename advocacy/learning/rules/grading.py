"""The quiz rules as pure functions over plain values: draw, lay out, read, grade, pass, cool down.

Questions are the dicts of `gift.question_to_dict` (fractions in percent, -100..100). An attempt's
`items` list the drawn questions in display order; choice options and matching choices carry
random per-attempt tokens, so the form never names an answer by a position that maps to a key.
Nothing here touches the database or the request; tests call it with a seeded random.Random.
"""
from __future__ import annotations

import calendar
import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

GRADABLE_TYPES = ("multichoice", "truefalse", "shortanswer", "matching", "numerical")
GRACE = timedelta(seconds=30)  # the network's share of a time limit
MAX_TEXT_ANSWER = 500
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


@dataclass(frozen=True)
class QuizSettings:
    questions: int
    pass_mark: float
    attempts_before_cooldown: int
    cooldown_hours: float
    time_limit_minutes: int | None
    valid_months: int


# --- drawing and laying out --------------------------------------------------------------------


def draw_questions(pool: Sequence[tuple[int, str]], seen: Mapping[str, int], count: int, rng) -> list[int]:
    """Ids of `count` questions from `pool` ((id, key) pairs): never-seen ones first, then the
    least seen, chosen at random among equals, and presented in random order."""
    shuffled = list(pool)
    rng.shuffle(shuffled)
    shuffled.sort(key=lambda question: seen.get(question[1], 0))  # stable: random among equals
    chosen = shuffled[:count]
    rng.shuffle(chosen)
    return [question_id for question_id, _ in chosen]


def token_maker(rng) -> Callable[[], str]:
    """Option tokens, unique within one attempt (random.SystemRandom in production, so they come
    from the OS; a seeded random.Random in tests). A token says nothing about the answer behind it."""
    used: set[str] = set()

    def make() -> str:
        while True:
            token = f"{rng.getrandbits(64):016x}"
            if token not in used:
                used.add(token)
                return token

    return make


def lay_out(question_id: int, key: str, question: dict, rng, token: Callable[[], str]) -> dict:
    """One attempt item: the question's id and key plus its options in a shuffled order, each
    behind a fresh token (true/false keeps True before False, as people expect)."""
    item = {"id": question_id, "key": key}
    kind = question["type"]
    if kind == "multichoice":
        order = list(range(len(question["answers"])))
        rng.shuffle(order)
        item["options"] = [[token(), index] for index in order]
    elif kind == "truefalse":
        item["options"] = [[token(), 0], [token(), 1]]
    elif kind == "matching":
        items = [i for i, pair in enumerate(question["pairs"]) if pair["question"]]
        rng.shuffle(items)
        choices = sorted({pair["answer"] for pair in question["pairs"]})
        rng.shuffle(choices)
        item["items"] = items
        item["choices"] = [[token(), text] for text in choices]
    return item


def field_name(number: int, part: int | None = None) -> str:
    """Form field of question `number` (1-based); matching items add their 1-based `part`."""
    return f"q{number}" if part is None else f"q{number}-{part}"


# --- reading a submitted form ------------------------------------------------------------------


def read_response(number: int, item: dict, question: dict, form: Mapping[str, Sequence[str]]) -> dict:
    """What the person answered to item `number`, with tokens turned back into answer indexes.
    Unknown tokens count as no answer; they cannot point anywhere else."""
    kind = question["type"]
    values = list(form.get(field_name(number), []))
    if kind in ("multichoice", "truefalse"):
        by_token = dict(item["options"])
        chosen = []
        for value in values:
            if value in by_token and by_token[value] not in chosen:
                chosen.append(by_token[value])
        return {"chosen": chosen}
    if kind == "matching":
        by_token = dict(item["choices"])
        matches = []
        for part, pair_index in enumerate(item["items"], 1):
            picked = list(form.get(field_name(number, part), []))
            matches.append([pair_index, by_token.get(picked[0]) if picked else None])
        return {"matches": matches}
    return {"text": (values[0] if values else "")[:MAX_TEXT_ANSWER]}


# --- grading -----------------------------------------------------------------------------------


def normalise_text(text: str) -> str:
    """Short answers compare without case, surrounding space or doubled inner space."""
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def parse_number(text: str) -> float | None:
    """A number as people type it: `3.5`, `3,5`, ` 12 `; None when it is not one."""
    raw = text.strip().replace(" ", "")
    if "," in raw and "." not in raw:
        raw = raw.replace(",", ".")
    if not _NUMBER.fullmatch(raw):
        return None
    value = float(raw)
    return value if math.isfinite(value) else None


def _clamp(fraction: float) -> float:
    return min(1.0, max(0.0, fraction))


def _grade_choice(question: dict, chosen: Sequence[int]) -> float:
    single = question["type"] == "truefalse" or question.get("single", True)
    if single and len(chosen) > 1:
        return 0.0
    return _clamp(sum(question["answers"][i]["fraction"] for i in set(chosen)) / 100)


def _grade_shortanswer(question: dict, text: str) -> float:
    given = normalise_text(text)
    fractions = [a["fraction"] for a in question["answers"] if given and normalise_text(a["text"]) == given]
    return _clamp(max(fractions, default=0) / 100)


def numerical_matches(answer: dict, value: float) -> bool:
    if answer["value"] is None:
        return True
    slack = 1e-9 * max(1.0, abs(answer["value"]))  # 0.1 + 0.2 is within 0.3:0
    return abs(value - answer["value"]) <= answer["tolerance"] + slack


def _grade_numerical(question: dict, text: str) -> float:
    value = parse_number(text)
    if value is None:
        return 0.0
    fractions = [a["fraction"] for a in question["answers"] if numerical_matches(a, value)]
    return _clamp(max(fractions, default=0) / 100)


def _grade_matching(question: dict, matches: Sequence[Sequence]) -> float:
    pairs = question["pairs"]
    items = [i for i, pair in enumerate(pairs) if pair["question"]]
    picked: dict[int, str | None] = {int(pair[0]): pair[1] for pair in matches}
    right = sum(1 for i in items if picked.get(i) == pairs[i]["answer"])
    return right / len(items) if items else 0.0


def grade_question(question: dict, response: dict) -> float:
    """The share of the question's marks this response earns, 0..1 (negative weights floor at 0)."""
    kind = question["type"]
    if kind in ("multichoice", "truefalse"):
        return _grade_choice(question, response.get("chosen", []))
    if kind == "shortanswer":
        return _grade_shortanswer(question, response.get("text", ""))
    if kind == "numerical":
        return _grade_numerical(question, response.get("text", ""))
    if kind == "matching":
        return _grade_matching(question, response.get("matches", []))
    raise ValueError(f"cannot grade a {kind} question")


def grade_attempt(items: Sequence[dict], questions: Mapping[int, dict],
                  form: Mapping[str, Sequence[str]]) -> tuple[list[dict], float]:
    """Per-item results ({fraction, response}) and the score in percent."""
    results: list[dict] = []
    for number, item in enumerate(items, 1):
        question = questions[item["id"]]
        response = read_response(number, item, question, form)
        results.append({"fraction": round(grade_question(question, response), 6), "response": response})
    return results, score_percent([r["fraction"] for r in results])


def score_percent(fractions: Sequence[float]) -> float:
    if not fractions:
        return 0.0
    return round(100 * sum(fractions) / len(fractions), 2)


def has_passed(score: float, pass_mark: float) -> bool:
    return score + 1e-9 >= pass_mark


def verdict(fraction: float) -> str:
    """right | partly | wrong, for the review."""
    if fraction >= 1 - 1e-9:
        return "right"
    return "partly" if fraction > 0 else "wrong"


# --- time --------------------------------------------------------------------------------------


def deadline_for(started_at: datetime, time_limit_minutes: int | None) -> datetime | None:
    return None if not time_limit_minutes else started_at + timedelta(minutes=time_limit_minutes)


def in_time(deadline: datetime | None, now: datetime) -> bool:
    """Answers count until the deadline plus a small grace for the network."""
    return deadline is None or now <= deadline + GRACE


def failures_in_a_row(outcomes: Sequence[tuple[datetime, bool]]) -> int:
    """Failed attempts since the last pass; `outcomes` are (submitted_at, passed), oldest first."""
    count = 0
    for _, passed in outcomes:
        count = 0 if passed else count + 1
    return count


def next_attempt_at(outcomes: Sequence[tuple[datetime, bool]], attempts_before_cooldown: int,
                    cooldown_hours: float) -> datetime | None:
    """When the next attempt opens, or None when it is open now. Every `attempts_before_cooldown`
    failures in a row start a cooldown of `cooldown_hours` from the last failure."""
    streak = failures_in_a_row(outcomes)
    if streak == 0 or streak % attempts_before_cooldown:
        return None
    return outcomes[-1][0] + timedelta(hours=cooldown_hours)


def attempts_before_next_cooldown(outcomes: Sequence[tuple[datetime, bool]], attempts_before_cooldown: int) -> int:
    return attempts_before_cooldown - failures_in_a_row(outcomes) % attempts_before_cooldown


def add_months(when: datetime, months: int) -> datetime:
    """The same day and time `months` later; the 31st becomes the month's last day when short."""
    month_index = when.month - 1 + months
    year, month = when.year + month_index // 12, month_index % 12 + 1
    day = min(when.day, calendar.monthrange(year, month)[1])
    return when.replace(year=year, month=month, day=day)

"""Item analysis: how each question of a bank version performs, from the attempts made on it.

Pure functions over plain attempt records (no people in them: an attempt is a total score and
its responses). Figures are only given for a question seen in at least MIN_ATTEMPTS attempts,
and never per person; free-text answers are only listed when at least MIN_TEXT_COUNT attempts
gave them, so that a single person's wording does not show.

Per question:

* facility: the mean fraction scored, 0..1 (Moodle's "facility index", there in percent);
* discrimination: the mean fraction of the top third of its attempts (ranked by total score)
  minus that of the bottom third, -1..1 (the classic upper-lower index D; each third holds
  n // 3 attempts, ties broken by the order the attempts are given in). This is the figure the
  flags use: it is what the authoring page explains ("people who did well on the quiz got this
  right more often than people who did badly");
* discrimination_index: for reference, the correlation between the question's fraction and the
  score on the rest of the attempt (the sum of the other questions' fractions), -1..1; Moodle's
  quiz statistics report shows this one, times 100, as its "discrimination index". None when
  either varies not at all;
* options: how often each option was chosen (choice and true/false: option index, 0 = true; short
  answer and numerical: the answer as typed, trimmed and case-folded; matching: (item, answer)),
  with "no answer" counted apart;
* flags: too_easy (facility > 0.9), too_hard (< 0.2), weak_discrimination (0 <= D < 0.2),
  negative_discrimination (D < 0), wrong_beats_right (a wrong option chosen more often than the
  right one; for typed answers, the commonest wrong answer given more often than right ones),
  or too_few_attempts alone when figures are withheld.
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from statistics import mean

MIN_ATTEMPTS = 5
MIN_TEXT_COUNT = 2
TOO_EASY = 0.9
TOO_HARD = 0.2
WEAK_DISCRIMINATION = 0.2
NO_ANSWER = "no answer"
OTHER_TEXTS = "other"


@dataclass(frozen=True)
class Response:
    """One question of one attempt. `chosen`: option indexes (choice, true/false), the typed text
    (short answer, numerical), (item index, answer) pairs (matching), or None for no answer."""

    key: str
    fraction: float
    chosen: object = None


@dataclass(frozen=True)
class AttemptRecord:
    total: float
    responses: tuple[Response, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "responses", tuple(self.responses))


@dataclass(frozen=True)
class ItemStats:
    key: str
    attempts: int
    facility: float | None = None
    discrimination: float | None = None
    discrimination_index: float | None = None
    options: Mapping = field(default_factory=dict)
    flags: tuple[str, ...] = ()

    @property
    def enough(self) -> bool:
        return self.attempts >= MIN_ATTEMPTS


@dataclass(frozen=True)
class BankAnalysis:
    version: object
    attempts: int
    mean_total: float
    items: tuple[ItemStats, ...]


def record(total: float, responses: Sequence[tuple]) -> AttemptRecord:
    """An attempt from (key, fraction[, chosen]) tuples: the short way to write one in a test or a query."""
    return AttemptRecord(total, tuple(Response(*r) for r in responses))


# --- options ----------------------------------------------------------------------------------------


def _normalise(text: str) -> str:
    return " ".join(text.split()).casefold()


def _choices(chosen) -> list:
    """What one response counts for: option indexes, a typed text, or (item, answer) pairs."""
    if chosen is None:
        return []
    if isinstance(chosen, str):
        return [_normalise(chosen)] if chosen.strip() else []
    picks = []
    for pick in chosen:
        if isinstance(pick, (list, tuple)):
            if len(pick) == 2 and pick[1] is not None:
                picks.append((pick[0], pick[1]))
        elif pick not in picks:
            picks.append(pick)
    return picks


def option_counts(responses: Sequence[Response]) -> Counter:
    """How often each option (or text, or match) was chosen; responses with none count as NO_ANSWER."""
    counts: Counter = Counter()
    for response in responses:
        picks = _choices(response.chosen)
        counts.update(picks or [NO_ANSWER])
    return counts


def _shown_options(counts: Counter, responses: Sequence[Response], question: Mapping | None) -> dict:
    """The option counts to show: every option of a known choice question (0 for one nobody chose,
    a distractor that does not work), options in order, typed answers commonest first; typed
    answers given fewer than MIN_TEXT_COUNT times are folded into OTHER_TEXTS; NO_ANSWER last."""
    counts = Counter(counts)
    if question and question.get("type") in ("multichoice", "truefalse"):
        for index in range(len(question.get("answers", []))):
            counts.setdefault(index, 0)
    blank = counts.pop(NO_ANSWER, 0)
    typed = any(isinstance(r.chosen, str) for r in responses)
    if typed:
        shown = {o: n for o, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if n >= MIN_TEXT_COUNT}
        other = sum(n for o, n in counts.items() if o not in shown)
        shown.update({OTHER_TEXTS: other} if other else {})
    else:
        shown = dict(sorted(counts.items()))
    return shown | ({NO_ANSWER: blank} if blank else {})


def _right_options(question: Mapping) -> tuple[set[int], set[int]]:
    answers = question.get("answers", [])
    single = question.get("type") == "truefalse" or question.get("single", True)
    right = {i for i, a in enumerate(answers) if (a["fraction"] >= 100 if single else a["fraction"] > 0)}
    return right, set(range(len(answers))) - right


def wrong_beats_right(question: Mapping | None, responses: Sequence[Response], counts: Counter) -> bool:
    """A wrong option chosen more often than the right one (multiple answers: than the least chosen
    right one); for typed answers, one wrong answer given more often than all right ones together."""
    if any(isinstance(r.chosen, str) for r in responses):
        typed_wrong = Counter(_normalise(r.chosen) for r in responses
                              if isinstance(r.chosen, str) and r.chosen.strip() and r.fraction < 1)
        top = max(typed_wrong.values(), default=0)
        return top >= MIN_TEXT_COUNT and top > sum(1 for r in responses if r.fraction >= 1)
    if not question or question.get("type") not in ("multichoice", "truefalse"):
        return False
    right, wrong = _right_options(question)
    if not right or not wrong:
        return False
    single = question.get("type") == "truefalse" or question.get("single", True)
    right_counts = [counts.get(i, 0) for i in right]
    bar = max(right_counts) if single else min(right_counts)
    return max(counts.get(i, 0) for i in wrong) > bar


# --- figures ---------------------------------------------------------------------------------------


def facility(fractions: Sequence[float]) -> float:
    return mean(fractions)


def upper_lower(pairs: Sequence[tuple[float, float]]) -> float:
    """D from (total, fraction) pairs: mean fraction of the top third by total minus the bottom third."""
    ranked = [f for _, f in sorted(pairs, key=lambda p: p[0])]  # stable: ties keep the given order
    third = max(1, len(ranked) // 3)
    return mean(ranked[-third:]) - mean(ranked[:third])


def correlation(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r, or None when either series does not vary."""
    mx, my = mean(xs), mean(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx, syy = sum((x - mx) ** 2 for x in xs), sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def _flags(fac: float, disc: float, beaten: bool) -> tuple[str, ...]:
    flags = []
    if fac > TOO_EASY:
        flags.append("too_easy")
    if fac < TOO_HARD:
        flags.append("too_hard")
    if disc < 0:
        flags.append("negative_discrimination")
    elif disc < WEAK_DISCRIMINATION:
        flags.append("weak_discrimination")
    if beaten:
        flags.append("wrong_beats_right")
    return tuple(flags)


def item_stats(key: str, attempts: Sequence[AttemptRecord], question: Mapping | None = None) -> ItemStats:
    """The figures of question `key` over the attempts that drew it (withheld below MIN_ATTEMPTS)."""
    seen = [(a, r) for a in attempts for r in a.responses if r.key == key]
    if len(seen) < MIN_ATTEMPTS:
        return ItemStats(key, len(seen), flags=("too_few_attempts",))
    responses = [r for _, r in seen]
    fractions = [r.fraction for r in responses]
    rest = [sum(o.fraction for o in a.responses if o is not r) for a, r in seen]
    counts = option_counts(responses)
    fac, disc = facility(fractions), upper_lower([(a.total, r.fraction) for a, r in seen])
    return ItemStats(
        key, len(seen), fac, disc, correlation(fractions, rest), _shown_options(counts, responses, question),
        _flags(fac, disc, wrong_beats_right(question, responses, counts)),
    )


def analyse(attempts: Sequence[AttemptRecord], questions: Mapping[str, Mapping] | None = None,
            version: object = None) -> BankAnalysis | None:
    """Every question of one bank version, in the order of `questions` (else first seen); None when
    the version has fewer than MIN_ATTEMPTS attempts."""
    if len(attempts) < MIN_ATTEMPTS:
        return None
    keys = list(questions or {})
    for attempt in attempts:
        keys += [r.key for r in attempt.responses if r.key not in keys]
    questions = questions or {}
    items = tuple(item_stats(key, attempts, questions.get(key)) for key in keys)
    return BankAnalysis(version, len(attempts), mean(a.total for a in attempts), items)


# --- CSV ------------------------------------------------------------------------------------------

CSV_HEADER = ("version", "question", "label", "attempts", "facility", "discrimination",
              "discrimination_index", "options", "flags")


def _figure(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def _option_label(option, question: Mapping | None) -> str:
    if isinstance(option, int) and question and question.get("type") == "truefalse":
        return ("true", "false")[option] if option in (0, 1) else str(option)
    if isinstance(option, int):
        return str(option + 1)  # options are numbered from 1 for people
    if isinstance(option, tuple):
        return f"{option[0] + 1}->{option[1]}"
    return str(option)


def option_label(option, question: Mapping | None) -> str:
    """How an option is named for people: 1, 2, ... (true/false: true, false; matching: 1->answer)."""
    return _option_label(option, question)


def _label(question: Mapping | None) -> str:
    if not question:
        return ""
    text = question.get("title") or " ".join((question.get("text") or "").split())
    return text if len(text) <= 60 else text[:59] + "…"


def csv_row(item: ItemStats, version: object = "", question: Mapping | None = None) -> list[str]:
    """One CSV row (strings, in CSV_HEADER's order); figures with three decimals, blank when withheld."""
    options = "; ".join(f"{_option_label(o, question)}: {n}" for o, n in item.options.items())
    return [str(version if version is not None else ""), item.key, _label(question), str(item.attempts),
            _figure(item.facility), _figure(item.discrimination), _figure(item.discrimination_index),
            options, " ".join(item.flags)]


def to_csv(analysis: BankAnalysis | None, questions: Mapping[str, Mapping] | None = None) -> str:
    """The whole analysis as CSV text with a header row (only the header when there is none)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    if analysis is not None:
        for item in analysis.items:
            writer.writerow(csv_row(item, analysis.version, (questions or {}).get(item.key)))
    return out.getvalue()

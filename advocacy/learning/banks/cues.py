"""Cues that give answers away, found in questions while they are written.

Pure functions over question dicts (the shape of `gift.question_to_dict`). A test-wise person can
often pick the right option without knowing the subject: it is the longest, it repeats the
stem's words, "all of the above" is right, a negation in the stem is missed, or the bank's
true/false answers lean one way. Each finding is a `Cue`; its English message is built from a
template in MESSAGES and its `params`, so that the interface can translate the template and fill
in the same values.

Severity: "warning" for a cue that gives an answer away (or a bank that cannot be drawn as asked),
"info" for something worth a look (missing feedback, a right option only slightly longer).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from statistics import mean

LONGEST_WARNING_RATIO = 1.5  # the right option this many times the wrong ones' mean length: a warning
STEM_OVERLAP_MARGIN = 2  # content words the right option shares with the stem beyond any wrong one
TRUEFALSE_MIN = 5  # true/false questions before their balance is judged
TRUEFALSE_BALANCE = (0.35, 0.65)  # share of "true" answers that looks like chance
POOL_FACTOR = 2  # a pool should hold at least this many times the questions drawn
BANK_LONGEST_SHARE = 0.5  # share of single-answer questions with the longest option right: a bank cue
BANK_LONGEST_MIN = 5

MESSAGES: dict[str, str] = {
    "longest_right": "The right option is the longest, {ratio:.1f} times as long as the wrong ones on average.",
    "all_of_the_above": "Option {option} says \"all of the above\": "
                        "test-wise people pick it when two options look right.",
    "none_of_the_above": "Option {option} says \"none of the above\": it tells nothing about what the person knows.",
    "negation_in_stem": "The question says \"{word}\" without emphasis: "
                        "write it in capitals or **bold**, or ask it positively.",
    "stem_overlap": "The right option repeats {right} words of the question, the wrong ones at most {wrong}.",
    "missing_answer_feedback": "{missing} of {total} answers have no feedback.",
    "missing_general_feedback": "There is no general feedback (shown after a failed attempt).",
    "pool_too_small": "The pool has {pool} questions for {draw} drawn: have at least {needed} so attempts differ.",
    "truefalse_balance": "{count} of {total} true/false questions are {side} ({share:.0%}): people can guess.",
    "longest_right_bank": "In {count} of {total} single-answer questions ({share:.0%}) "
                          "the right option is the longest.",
}


@dataclass(frozen=True, eq=True)
class Cue:
    code: str
    question_index: int | None  # None: about the bank as a whole
    message_en: str
    severity: str  # "warning" or "info"
    params: Mapping = field(default_factory=dict, compare=False)


def _cue(code: str, index: int | None, severity: str, **params) -> Cue:
    return Cue(code, index, MESSAGES[code].format(**params), severity, params)


# --- reading texts --------------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]+>")
_MARKUP = re.compile(r"[*_`#]+")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_EMPHASIS = re.compile(r"\*\*(.+?)\*\*|__(.+?)__|<(b|strong|em|i|u)\b[^>]*>(.*?)</\3>", re.S | re.I)

# Small lists of function words (English and Dutch): words that say nothing about the subject.
STOPWORDS = frozenset("""
a an the and or but of to in on at by for with from as is are was were be been being it its this that these those
which who whom what when where why how do does did has have had can could would should will shall may might must
not no yes you your we our they their he she his her them us i me my all any some each every other than then so
if into about over under more most less also only just very such there here one two
de het een en of maar van naar in op aan bij voor met uit als is zijn was waren wordt worden het dit dat deze die
wie wat wanneer waar waarom hoe doe doet deed heeft hebben had kan kunnen zou zouden moet moeten zal zullen mag
niet geen ja je jij jouw u uw we wij ons onze zij ze hun hij haar hem ik mij mijn alle alles elk elke ander andere
dan toen dus ook alleen maar heel zo er hier een twee om te tot door over onder meer meest minder
""".split())

_ALL_ABOVE = re.compile(
    r"\b(all|both) (of )?(the )?(above|these|the answers above)\b|\ball (answers|options) (are )?(correct|right)\b"
    r"|\balle (bovenstaande|bovengenoemde|voorgaande|genoemde)\b|\balle (antwoorden|opties) (zijn )?(juist|goed)\b"
    r"|\b(allebei|beide) (zijn )?(juist|goed)\b|\bzowel .+ als .+ (zijn )?(juist|goed)\b")
_NONE_ABOVE = re.compile(
    r"\bnone (of )?(the )?(above|these|the answers above)\b|\bneither (of )?(the )?(above|these)\b"
    r"|\bgeen van (de )?(bovenstaande|bovengenoemde|voorgaande|genoemde|beide)\b"
    r"|\bgeen (enkel )?(antwoord|optie) (is )?(juist|goed)\b|\bniets van (het )?(bovenstaande|dit)\b")
NEGATIONS = ("not", "never", "except", "cannot", "niet", "nooit", "behalve", "geen")
_NEGATION = re.compile(r"\b(" + "|".join(NEGATIONS) + r"|[^\W\d_]+n['’]t)\b", re.I)
_STOCK_PHRASES = re.compile(r"\bwaar of niet waar\b", re.I)
_SENTENCE_END = re.compile(r"[.?!:][\"'”’)]*(?=\s)")


def visible(text: str) -> str:
    """The text a learner reads: tags and Markdown marks removed, entities decoded, spaces collapsed."""
    return " ".join(_MARKUP.sub("", html.unescape(_TAG.sub(" ", text or ""))).split())


def _plain(text: str) -> str:
    return visible(text).lower()


def content_words(text: str) -> set[str]:
    """Words that carry meaning: three letters or more and not a function word."""
    return {w for w in _WORD.findall(_plain(text)) if len(w) >= 3 and w not in STOPWORDS}


def _is_choice(q: Mapping) -> bool:
    return q.get("type") == "multichoice"


def _is_single(q: Mapping) -> bool:
    return _is_choice(q) and q.get("single", True)


def _right_and_wrong(q: Mapping) -> tuple[list[int], list[int]]:
    """Indexes of the right options (100 % for single choice, any credit for multiple answers) and the wrong ones."""
    answers = q.get("answers", [])
    if _is_single(q):
        right = [i for i, a in enumerate(answers) if a["fraction"] >= 100]
    else:
        right = [i for i, a in enumerate(answers) if a["fraction"] > 0]
    return right, [i for i, a in enumerate(answers) if i not in right and a["fraction"] <= 0]


# --- the cues of one question ---------------------------------------------------------------------


def longest_ratio(q: Mapping) -> float | None:
    """For a single-answer question whose right option is longer than every wrong one: how many times
    the wrong options' mean length it is. None otherwise."""
    if not _is_single(q):
        return None
    right, wrong = _right_and_wrong(q)
    if len(right) != 1 or not wrong:
        return None
    lengths = [len(visible(a["text"])) for a in q["answers"]]
    right_length, wrong_lengths = lengths[right[0]], [lengths[i] for i in wrong]
    if right_length <= max(wrong_lengths):
        return None
    return right_length / max(mean(wrong_lengths), 1)


def _longest_right(q: Mapping, index: int) -> list[Cue]:
    ratio = longest_ratio(q)
    if ratio is None:
        return []
    return [_cue("longest_right", index, "warning" if ratio >= LONGEST_WARNING_RATIO else "info", ratio=ratio)]


def _above(q: Mapping, index: int) -> list[Cue]:
    cues = []
    for number, answer in enumerate(q.get("answers", []) if _is_choice(q) else [], 1):
        text = _plain(answer["text"])
        if _ALL_ABOVE.search(text):
            cues.append(_cue("all_of_the_above", index, "warning", option=number))
        elif _NONE_ABOVE.search(text):
            cues.append(_cue("none_of_the_above", index, "warning", option=number))
    return cues


def unemphasised_negations(text: str) -> list[tuple[str, int]]:
    """(word, offset) of each negation in `text` that is neither in capitals nor bold (Markdown or
    HTML emphasis). The stock phrase "waar of niet waar" ("true or not true") is no negation."""
    text = _STOCK_PHRASES.sub(lambda m: " " * len(m.group(0)), text or "")
    emphasised = [m.span() for m in _EMPHASIS.finditer(text)]
    found = []
    for m in _NEGATION.finditer(text):
        word = m.group(0)
        if (word.isupper() and len(word) > 1) or any(a <= m.start() and m.end() <= b for a, b in emphasised):
            continue
        found.append((word.lower(), m.start()))
    return found


def _last_sentence_start(text: str) -> int:
    """Offset where the last sentence of `text` (the question itself, in a scenario) begins."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text.rstrip())]
    return ends[-1] if ends else 0


def _negation(q: Mapping, index: int) -> list[Cue]:
    """A warning when the negation is in the statement of a true/false question or in the sentence
    that asks; in the scenario before it ("you have never posted...") it is worth a look only."""
    text = q.get("text", "")
    words = unemphasised_negations(text)
    if not words:
        return []
    asking = _last_sentence_start(text)
    in_question = [w for w, at in words if at >= asking or q.get("type") == "truefalse"]
    word, severity = (in_question[0], "warning") if in_question else (words[0][0], "info")
    return [_cue("negation_in_stem", index, severity, word=word)]


def _stem_overlap(q: Mapping, index: int) -> list[Cue]:
    if not _is_choice(q):
        return []
    right, wrong = _right_and_wrong(q)
    if not right or not wrong:
        return []
    stem = content_words(q.get("text", ""))
    overlap = [len(stem & content_words(a["text"])) for a in q["answers"]]
    least_right, most_wrong = min(overlap[i] for i in right), max(overlap[i] for i in wrong)
    if least_right - most_wrong < STEM_OVERLAP_MARGIN:
        return []
    return [_cue("stem_overlap", index, "warning", right=least_right, wrong=most_wrong)]


def _feedback(q: Mapping, index: int) -> list[Cue]:
    if q.get("type") in ("essay", "description"):
        return []
    cues = []
    answers = q.get("answers", [])
    missing = sum(1 for a in answers if not a.get("feedback"))
    if missing:
        cues.append(_cue("missing_answer_feedback", index, "info", missing=missing, total=len(answers)))
    if not q.get("general_feedback"):
        cues.append(_cue("missing_general_feedback", index, "info"))
    return cues


QUESTION_CHECKS = (_longest_right, _above, _negation, _stem_overlap, _feedback)


def question_cues(q: Mapping, index: int = 0) -> list[Cue]:
    """Every cue of one question (`index` is its place in the bank, reported with each cue)."""
    return [cue for check in QUESTION_CHECKS for cue in check(q, index)]


# --- the cues of a bank ---------------------------------------------------------------------------


def _gradable(questions: Sequence[Mapping]) -> list[Mapping]:
    return [q for q in questions if q.get("type") not in ("essay", "description")]


def truefalse_counts(questions: Iterable[Mapping]) -> tuple[int, int]:
    """(questions whose answer is true, true/false questions)."""
    tf = [q for q in questions if q.get("type") == "truefalse"]
    return sum(1 for q in tf if q["answers"][0]["fraction"] >= 100), len(tf)


def _truefalse_balance(questions: Sequence[Mapping]) -> list[Cue]:
    true, total = truefalse_counts(questions)
    if total < TRUEFALSE_MIN:
        return []
    share = true / total
    low, high = TRUEFALSE_BALANCE
    if low <= share <= high:
        return []
    side, count = ("true", true) if share > high else ("false", total - true)
    return [_cue("truefalse_balance", None, "warning", count=count, total=total, side=side, share=count / total)]


def _pool(questions: Sequence[Mapping], draw: int | None) -> list[Cue]:
    pool = len(_gradable(questions))
    if not draw or pool >= POOL_FACTOR * draw:
        return []
    return [_cue("pool_too_small", None, "warning", pool=pool, draw=draw, needed=POOL_FACTOR * draw)]


def _longest_bank(questions: Sequence[Mapping]) -> list[Cue]:
    single = [q for q in questions if _is_single(q) and len(_right_and_wrong(q)[0]) == 1]
    longest = [q for q in single if longest_ratio(q) is not None]
    if len(single) < BANK_LONGEST_MIN or len(longest) / len(single) <= BANK_LONGEST_SHARE:
        return []
    return [_cue("longest_right_bank", None, "warning", count=len(longest), total=len(single),
                 share=len(longest) / len(single))]


def bank_cues(questions: Sequence[Mapping], draw: int | None = None) -> list[Cue]:
    """Every cue of a bank: each question's, then the bank's own (pool size for `draw` questions per
    attempt, true/false balance, the right option being the longest too often)."""
    cues = [cue for index, q in enumerate(questions) for cue in question_cues(q, index)]
    return cues + _pool(questions, draw) + _truefalse_balance(questions) + _longest_bank(questions)


def bank_summary(questions: Sequence[Mapping], draw: int | None = None) -> dict:
    """Counts and shares for the bank's quality panel (shares are None when there is nothing to count)."""

    def share(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    single = [q for q in questions if _is_single(q) and len(_right_and_wrong(q)[0]) == 1]
    ratios = [r for r in (longest_ratio(q) for q in single) if r is not None]
    true, tf_total = truefalse_counts(questions)
    graded = _gradable(questions)
    answers = [a for q in graded for a in q.get("answers", [])]
    with_feedback = sum(1 for a in answers if a.get("feedback"))
    general = sum(1 for q in graded if q.get("general_feedback"))
    cues = bank_cues(questions, draw)
    return {
        "questions": len(questions),
        "gradable": len(graded),
        "by_type": dict(sorted(Counter(q.get("type") for q in questions).items())),
        "single_answer": len(single),
        "longest_right": len(ratios),
        "longest_right_share": share(len(ratios), len(single)),
        "longest_right_ratio": mean(ratios) if ratios else None,
        "truefalse": tf_total,
        "truefalse_true": true,
        "truefalse_true_share": share(true, tf_total),
        "answers": len(answers),
        "answers_with_feedback": with_feedback,
        "answer_feedback_share": share(with_feedback, len(answers)),
        "general_feedback": general,
        "general_feedback_share": share(general, len(graded)),
        "cues": dict(sorted(Counter(c.code for c in cues).items())),
        "warnings": sum(1 for c in cues if c.severity == "warning"),
    }

"""A quiz bank's versions: the one way a pool becomes a new QuizVersion.

`flask content sync` (curriculum/quiz_sync.py) and publishing in the browser
(services/banks.publish_bank) both check a pool with `pool_problems` and store it with
`store_version`: an unchanged pool and settings write nothing; a change is a new version, so
attempts, progress and certifications keep the version they were made on. Only flushes.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from sqlalchemy import select

from advocacy.core.clock import utcnow
from advocacy.core.db import db
from advocacy.learning.banks.gift import Question, question_to_dict
from advocacy.learning.models.quizzes import Quiz, QuizQuestion, QuizVersion
from advocacy.learning.rules.grading import GRADABLE_TYPES, QuizSettings

# key: (kind, minimum, maximum, required)
SETTINGS = {
    "questions": ("whole", 1, 500, True),
    "pass_mark": ("number", 1, 100, True),
    "attempts_before_cooldown": ("whole", 1, 100, True),
    "cooldown_hours": ("number", 0, 24 * 365, True),
    "time_limit_minutes": ("whole", 1, 24 * 60, False),
    "valid_months": ("whole", 1, 120, True),
}


def check_settings(settings: dict) -> tuple[QuizSettings | None, list[tuple[str, str]]]:
    """The [quiz] table as QuizSettings, or None and a (key, message) for every problem."""
    problems = [(key, f"unknown quiz setting '{key}'; expected one of: {', '.join(SETTINGS)}")
                for key in settings if key not in SETTINGS]
    for key, (kind, low, high, required) in SETTINGS.items():
        if key not in settings:
            if required:
                problems.append((key, f"[quiz] needs '{key}'"))
            continue
        value = settings[key]
        whole = isinstance(value, int) and not isinstance(value, bool)
        number = whole or isinstance(value, float)
        if (kind == "whole" and not whole) or not number:
            noun = "a whole number" if kind == "whole" else "a number"
            problems.append((key, f"'{key}' must be {noun}, found {value!r}"))
        elif not low <= value <= high:
            problems.append((key, f"'{key}' must be between {low} and {high}, found {value}"))
    if problems:
        return None, problems
    return QuizSettings(settings["questions"], float(settings["pass_mark"]), settings["attempts_before_cooldown"],
                        float(settings["cooldown_hours"]), settings.get("time_limit_minutes"),
                        settings["valid_months"]), []


def question_key(question: dict) -> str:
    """What identifies a question to the person who saw it: its type, text and options."""
    seen = {k: question.get(k) for k in ("type", "text", "pairs")}
    seen["answers"] = [a.get("text", a.get("value")) for a in question.get("answers", [])]
    return hashlib.sha256(json.dumps(seen, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def content_hash(settings: QuizSettings, questions: list[dict]) -> str:
    payload = json.dumps({"settings": asdict(settings), "questions": questions}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def ungradable_reason(kind: str) -> str:
    return (f"a certification quiz cannot grade {kind} questions; "
            "use multiple choice, true/false, short answer, matching or numerical")


@dataclass(frozen=True)
class PoolFinding:
    """A question a certification pool cannot hold: `code` (ungradable, repeated) and its values."""

    line: int
    code: str
    params: dict
    message: str


def pool_findings(questions: list[Question]) -> list[PoolFinding]:
    """Every question a certification pool cannot hold: a type our quizzes cannot grade, or the
    same question twice (the first stays)."""
    found: list[PoolFinding] = []
    first_seen: dict[str, int] = {}
    for question in questions:
        if question.type not in GRADABLE_TYPES:
            found.append(PoolFinding(question.line, "ungradable", {"type": question.type},
                                     ungradable_reason(question.type)))
            continue
        key = question_key(question_to_dict(question))
        if key in first_seen:
            found.append(PoolFinding(question.line, "repeated", {"line": first_seen[key]},
                                     f"the same question as on line {first_seen[key]}"))
        first_seen.setdefault(key, question.line)
    return found


def pool_problems(questions: list[Question]) -> list[tuple[int, str]]:
    """(line, message) for every question a certification pool cannot hold (pool_findings)."""
    return [(finding.line, finding.message) for finding in pool_findings(questions)]


def quiz_of(course, language: str) -> Quiz | None:
    if course.id is None:
        db.session.flush()
    return db.session.scalar(select(Quiz).where(Quiz.course_id == course.id, Quiz.language == language))


def store_version(course, language: str, settings: QuizSettings, questions: list[Question]) -> int:
    """Make `questions` with `settings` the quiz's newest version unless they already are. Returns
    how many rows it created or changed (0: nothing to do). The pool must have passed pool_problems."""
    changed = 0
    quiz = quiz_of(course, language)
    if quiz is None:
        quiz = Quiz(course=course, language=language)
        db.session.add(quiz)
        changed += 1
    if quiz.retired_at is not None:
        quiz.retired_at, changed = None, changed + 1
    dicts = [question_to_dict(q) for q in questions]
    digest = content_hash(settings, dicts)
    latest = quiz.versions[-1] if quiz.versions else None
    if latest is not None and latest.content_hash == digest:
        return changed
    version = QuizVersion(
        quiz=quiz, number=latest.number + 1 if latest else 1, content_hash=digest, created_at=utcnow(),
        questions_per_attempt=settings.questions, pass_mark=settings.pass_mark,
        attempts_before_cooldown=settings.attempts_before_cooldown, cooldown_hours=settings.cooldown_hours,
        time_limit_minutes=settings.time_limit_minutes, valid_months=settings.valid_months)
    version.questions = [QuizQuestion(position=position, key=question_key(data), type=data["type"], line=q.line,
                                      data=data)
                         for position, (q, data) in enumerate(zip(questions, dicts), 1)]
    db.session.add(version)
    return changed + 1 + len(dicts)

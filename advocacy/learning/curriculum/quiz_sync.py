"""Loading a course's quiz.gift during `flask content sync`.

The courses loader calls sync_quiz() for every course and language, inside its one transaction,
with the [quiz] table of course.md. Problems are appended to `errors` (file, line, message) and
nothing of this quiz is written; the loader then rolls everything back. An unchanged quiz writes
nothing; a changed pool or changed settings become a new QuizVersion, so attempts keep theirs.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from advocacy.core.clock import utcnow
from advocacy.core.db import db
from advocacy.learning.banks.gift import GiftError, Question, parse_gift_file, question_to_dict
from advocacy.learning.curriculum.errors import ContentError
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


def settings_line(course_md: Path, key: str | None) -> int:
    """Line of `key` in the [quiz] table of course.md (of the table itself when key is None)."""
    try:
        lines = course_md.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    table = next((n for n, line in enumerate(lines, 1) if line.strip() == "[quiz]"), None)
    if table is None:
        return 1
    for number, line in enumerate(lines[table:], table + 1):
        if line.strip().startswith("[") or line.strip() == "+++":
            break
        if key and re.match(rf"\s*{re.escape(key)}\s*=", line):
            return number
    return table


def load_pool(quiz_path: Path, errors: list[ContentError]) -> list[Question]:
    """The gradable questions of quiz.gift; parse errors, ungradable and repeated questions are errors."""
    try:
        questions = parse_gift_file(quiz_path)
    except GiftError as error:
        errors.extend(ContentError(item.filename, item.line, item.message) for item in error.errors)
        return []
    first_seen: dict[str, int] = {}
    for question in questions:
        if question.type not in GRADABLE_TYPES:
            errors.append(ContentError(str(quiz_path), question.line,
                                       f"a certification quiz cannot grade {question.type} questions; "
                                       "use multiple choice, true/false, short answer, matching or numerical"))
            continue
        key = question_key(question_to_dict(question))
        if key in first_seen:
            errors.append(ContentError(str(quiz_path), question.line,
                                       f"the same question as on line {first_seen[key]}"))
        first_seen.setdefault(key, question.line)
    return questions


def _course_md(course, quiz_path: Path | None, language: str) -> Path:
    if quiz_path is not None:
        return Path(quiz_path).with_name("course.md")
    return Path(current_app.config["CONTENT_PATH"]) / language / course.slug / "course.md"


def _quiz_of(course, language: str) -> Quiz | None:
    if course.id is None:
        db.session.flush()
    return db.session.scalar(select(Quiz).where(Quiz.course_id == course.id, Quiz.language == language))


def _retire(course, language: str) -> int:
    quiz = _quiz_of(course, language)
    if quiz is None or quiz.retired_at is not None:
        return 0
    quiz.retired_at = utcnow()
    return 1


def _store(course, language: str, settings: QuizSettings, questions: list[Question]) -> int:
    changed = 0
    quiz = _quiz_of(course, language)
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


def sync_quiz(course, quiz_path: Path | None, settings: dict, language: str, errors: list[ContentError]) -> int:
    """Load or update the quiz of `course` in `language` from `quiz_path` (None: no quiz.gift there)
    with `settings` (the [quiz] table of course.md). Append problems to `errors` instead of raising.
    Returns how many rows it created or changed (0 when everything was already up to date)."""
    settings = dict(settings or {})
    course_md = _course_md(course, quiz_path, language)
    if quiz_path is None:
        if settings:
            errors.append(ContentError(str(course_md), settings_line(course_md, None),
                                       "course.md has a [quiz] table but there is no quiz.gift beside it"))
            return 0
        return _retire(course, language)
    before = len(errors)
    if any(error.path == str(course_md) for error in errors):
        # The courses loader already reported this course.md (and left bad settings out): check
        # the pool for its own errors, but do not report the same settings twice.
        load_pool(Path(quiz_path), errors)
        return 0
    if not settings:
        errors.append(ContentError(str(course_md), 1, "quiz.gift needs a [quiz] table in course.md "
                                                      "(questions, pass_mark, attempts_before_cooldown, "
                                                      "cooldown_hours, valid_months)"))
    parsed, problems = check_settings(settings) if settings else (None, [])
    errors.extend(ContentError(str(course_md), settings_line(course_md, key), message) for key, message in problems)
    questions = load_pool(Path(quiz_path), errors)
    if parsed is not None and len(errors) == before and len(questions) < parsed.questions:
        errors.append(ContentError(str(quiz_path), 1, f"the pool has {len(questions)} questions but course.md "
                                                      f"draws {parsed.questions} per attempt"))
    if len(errors) > before or parsed is None:
        return 0
    return _store(course, language, parsed, questions)

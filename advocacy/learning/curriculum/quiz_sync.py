"""Loading a course's quiz.gift during `flask content sync`.

The courses loader calls sync_quiz() for every course and language, inside its one transaction,
with the [quiz] table of course.md. Problems are appended to `errors` (file, line, message) and
nothing of this quiz is written; the loader then rolls everything back. An unchanged quiz writes
nothing; a changed pool or changed settings become a new QuizVersion (learning/bank_store.py, the
same as publishing a bank in the browser), so attempts keep theirs.
"""
from __future__ import annotations

import re
from pathlib import Path

from flask import current_app

from advocacy.core.clock import utcnow
from advocacy.learning.bank_store import check_settings, pool_problems, question_key, quiz_of, store_version
from advocacy.learning.banks.gift import GiftError, Question, parse_gift_file
from advocacy.learning.curriculum.errors import ContentError

__all__ = ["check_settings", "load_pool", "question_key", "settings_line", "sync_quiz"]

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
    errors.extend(ContentError(str(quiz_path), line, message) for line, message in pool_problems(questions))
    return questions


def _course_md(course, quiz_path: Path | None, language: str) -> Path:
    if quiz_path is not None:
        return Path(quiz_path).with_name("course.md")
    return Path(current_app.config["CONTENT_PATH"]) / language / course.slug / "course.md"


def _retire(course, language: str) -> int:
    quiz = quiz_of(course, language)
    if quiz is None or quiz.retired_at is not None:
        return 0
    quiz.retired_at = utcnow()
    return 1


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
    return store_version(course, language, parsed, questions)

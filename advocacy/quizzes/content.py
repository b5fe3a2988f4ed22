"""Loading a course's quiz.gift during `flask content sync` (contract; the quizzes feature fills it in).

The courses loader calls sync_quiz() for every course and language, inside its one transaction.
"""
from __future__ import annotations

from pathlib import Path

from ..content_errors import ContentError


def sync_quiz(course, quiz_path: Path | None, settings: dict, language: str, errors: list[ContentError]) -> int:
    """Load or update the quiz of `course` in `language` from `quiz_path` (None: no quiz.gift there)
    with `settings` (the [quiz] table of course.md). Append problems to `errors` instead of raising.
    Returns how many rows it created or changed (0 when everything was already up to date)."""
    return 0

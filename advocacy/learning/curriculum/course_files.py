"""One course as files held in memory (the studio's drafts), checked and published by the same
loader and the same sync as `flask content sync`.

    check_course_files(slug, files) -> [ContentError]     what publishing would refuse
    publish_course_files(slug, files, user_id) -> SyncResult

`files` maps "<language>/<file name>" (en/course.md, en/01-intro.md, nl/quiz.gift) to text. They
are written to a temporary content tree (<language>/<slug>/<file name>), read by read_content and
written by sync_courses for this course only: a new lesson or quiz version exactly as a sync
makes it, no other course touched. Errors name the file as the draft does ("nl/01-intro.md").
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from advocacy.core.clock import utcnow
from advocacy.core.db import db
from advocacy.core.i18n import REFERENCE_LANGUAGE
from advocacy.learning.curriculum.errors import ContentError
from advocacy.learning.curriculum.loader import LanguageContent, read_content
from advocacy.learning.curriculum.sync import SyncResult, kept_unless_errors, sync_courses
from advocacy.learning.models.courses import Course
from advocacy.learning.models.goals import Goal

FILE_RE = re.compile(r"^([a-z]{2})/(course\.md|quiz\.gift|\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*\.md)$")


def _materialise(root: Path, slug: str, files: dict[str, str], errors: list[ContentError]) -> None:
    for language in current_app.config["LANGUAGES"]:
        (root / language).mkdir(parents=True, exist_ok=True)
    for relative, text in files.items():
        match = FILE_RE.match(relative)
        if not match or match.group(1) not in current_app.config["LANGUAGES"]:
            errors.append(ContentError(relative, 1, "not a file a course holds"))
            continue
        path = root / match.group(1) / slug / match.group(2)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _relative(error: ContentError, root: Path, slug: str) -> ContentError:
    path = error.path
    prefix = str(root) + "/"
    if path.startswith(prefix):
        path = path[len(prefix):]
        language, _, rest = path.partition("/")
        path = f"{language}/{rest.removeprefix(slug + '/')}"
    return ContentError(path, error.line, error.message)


def _read(root: Path, slug: str, errors: list[ContentError]) -> dict[str, LanguageContent]:
    known_goals = set(db.session.scalars(select(Goal.slug)))
    tree = read_content(root, current_app.config["LANGUAGES"], known_goals, errors)
    english = tree.get(REFERENCE_LANGUAGE)
    if not errors and (english is None or slug not in english.courses):
        errors.append(ContentError(f"{REFERENCE_LANGUAGE}/course.md", 1,
                                   f"the English course.md must keep the slug {slug!r}"))
    return tree


def check_course_files(slug: str, files: dict[str, str]) -> list[ContentError]:
    errors: list[ContentError] = []
    with tempfile.TemporaryDirectory(prefix="advocacy-draft-") as folder:
        root = Path(folder)
        _materialise(root, slug, files, errors)
        if not errors:
            _read(root, slug, errors)
        return [_relative(e, root, slug) for e in errors]


def publish_course_files(slug: str, files: dict[str, str], user_id: int | None) -> SyncResult:
    """Check and write the course (the caller commits). With any error nothing is written."""
    result = SyncResult()
    with tempfile.TemporaryDirectory(prefix="advocacy-draft-") as folder:
        root = Path(folder)
        _materialise(root, slug, files, result.errors)
        tree = _read(root, slug, result.errors) if not result.errors else {}
        if not result.errors:
            goals = {g.slug: g for g in db.session.scalars(select(Goal))}
            result.changed = kept_unless_errors(
                lambda: sync_courses(tree, goals, utcnow(), result.errors, only=slug), result.errors)
            if not result.errors:
                course = db.session.scalar(select(Course).where(Course.slug == slug))
                if course is not None:
                    course.edited_at, course.edited_by_id = utcnow(), user_id
                    db.session.flush()
        result.errors = [_relative(e, root, slug) for e in result.errors]
    return result

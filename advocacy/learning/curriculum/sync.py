"""`flask content sync`: write the checked curriculum to the database, all or nothing.

Idempotent: each row is compared before it is written, and only real changes count. A changed
lesson gets a new LessonVersion; a lesson or course that disappeared is retired, never deleted.
Goals are seeded: missing slugs are created, goals nobody edited in the browser follow the files,
goals an admin or marketer edited (edited_at set) are left alone.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from advocacy.core.clock import utcnow
from advocacy.core.db import db
from advocacy.core.organisation import User
from advocacy.learning.curriculum.errors import ContentError
from advocacy.learning.curriculum.loader import (
    REFERENCE_LANGUAGE,
    CourseSource,
    GoalSource,
    LanguageContent,
    LessonSource,
    read_content,
)
from advocacy.learning.curriculum.quiz_sync import sync_quiz
from advocacy.learning.models.courses import Course, CourseText, Lesson, LessonVersion
from advocacy.learning.models.goals import Goal, GoalText
from advocacy.learning.models.policy import PolicyText, PolicyVersion


@dataclass
class SyncResult:
    changed: int = 0
    errors: list[ContentError] = field(default_factory=list)
    # Courses published from the browser since: (slug, why) - not touched unless force.
    left_alone: list[tuple[str, str]] = field(default_factory=list)


def digest(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def sync_content(root: Path, force: bool = False) -> SyncResult:
    """Read, check and write everything under `root` (the caller commits). With any error, nothing
    is written (a savepoint is rolled back) and the result lists every error found. A course
    published from the browser is left alone (and named in the result) unless `force`."""
    result = SyncResult()
    known_goals = set(db.session.scalars(select(Goal.slug)))
    tree = read_content(root, current_app.config["LANGUAGES"], known_goals, result.errors)
    if result.errors:
        return result
    now = utcnow()
    left_alone = {} if force else browser_edited()
    result.left_alone = [(slug, why) for slug, why in left_alone.items()]

    def write() -> int:
        goals = sync_goals(tree, now)
        return (goals.changed + sync_policy(tree, result.errors)
                + sync_courses(tree, goals.by_slug, now, result.errors, left_alone=set(left_alone)))

    result.changed = kept_unless_errors(write, result.errors)
    return result


def kept_unless_errors(write, errors: list[ContentError]) -> int:
    """Run `write()` (it returns how many things changed) in a savepoint that is kept only when
    `errors` stayed empty; rolled back on an error or an exception. How many changed: 0 when rolled back."""
    savepoint = db.session.begin_nested()
    try:
        changed = write()
    except Exception:
        savepoint.rollback()
        raise
    if errors:
        savepoint.rollback()
        return 0
    savepoint.commit()
    return changed


def assign(obj, values: dict) -> int:
    """Set attributes that differ; 1 when anything changed, else 0."""
    changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
    for key, value in changed.items():
        setattr(obj, key, value)
    return 1 if changed else 0


# -- goals ---------------------------------------------------------------------------------------

@dataclass
class GoalSync:
    changed: int
    by_slug: dict[str, Goal]


def goal_values(source: GoalSource) -> dict:
    return dict(name=source.name, why=source.why, kpi=source.kpi, unit=source.unit, measure=source.measure,
                baseline=source.baseline, baseline_date=source.baseline_date, target=source.target)


def sync_goals(tree: dict[str, LanguageContent], now: datetime) -> GoalSync:
    goals = {g.slug: g for g in db.session.scalars(select(Goal).options(selectinload(Goal.texts)))}
    changed = 0
    for slug, source in tree[REFERENCE_LANGUAGE].goals.items():
        goal = goals.get(slug)
        if goal is None:
            goal = goals[slug] = Goal(slug=slug, **goal_values(source))
            db.session.add(goal)
            changed += 1
        elif goal.edited_at is None:
            changed += assign(goal, goal_values(source))
        else:
            continue  # edited in the browser: the browser's version wins
        changed += sync_goal_texts(goal, tree, slug)
    db.session.flush()
    return GoalSync(changed, goals)


def sync_goal_texts(goal: Goal, tree: dict[str, LanguageContent], slug: str) -> int:
    changed = 0
    existing = {t.language: t for t in goal.texts}
    for language, content in tree.items():
        source = content.goals.get(slug)
        if language == REFERENCE_LANGUAGE or source is None:
            continue
        values = dict(name=source.name, why=source.why, kpi=source.kpi, unit=source.unit)
        if language in existing:
            changed += assign(existing[language], values)
        else:
            goal.texts.append(GoalText(language=language, **values))
            changed += 1
    return changed


# -- policy --------------------------------------------------------------------------------------

def sync_policy(tree: dict[str, LanguageContent], errors: list[ContentError]) -> int:
    """A policy version never changes once people can acknowledge it: a new text needs a new
    `version`. Translations attach to the version number their file names."""
    versions = {p.version: p
                for p in db.session.scalars(select(PolicyVersion).options(selectinload(PolicyVersion.texts)))}
    changed = 0
    english = tree[REFERENCE_LANGUAGE].policy
    if english is not None:
        changed += sync_policy_version(english, versions, errors)
    for language, content in tree.items():
        source = content.policy
        if language == REFERENCE_LANGUAGE or source is None:
            continue
        changed += sync_policy_translation(language, source, versions, errors)
    return changed


def sync_policy_version(source, versions: dict[int, PolicyVersion], errors) -> int:
    policy = versions.get(source.version)
    newest = max(versions, default=0)
    where = (source.path, source.version_line)
    if policy is None:
        if source.version < newest:
            errors.append(ContentError(*where, f"version {source.version} is older than the newest policy "
                                       f"(version {newest}); use version {newest + 1} for a new text"))
            return 0
        versions[source.version] = PolicyVersion(version=source.version, title=source.title, summary=source.summary,
                                                 body=source.body, source="content")
        db.session.add(versions[source.version])
        db.session.flush()
        return 1
    if policy.source != "content":
        errors.append(ContentError(*where, f"version {source.version} was written in the browser; "
                                   f"use version {newest + 1} for this file"))
    elif (policy.title, policy.summary, policy.body) != (source.title, source.summary, source.body):
        errors.append(ContentError(*where, f"the policy text changed but `version` is still {source.version}: "
                                   f"raise it to {newest + 1} so everyone acknowledges the new text"))
    return 0


def sync_policy_translation(language: str, source, versions: dict[int, PolicyVersion], errors) -> int:
    policy = versions.get(source.version)
    where = (source.path, source.version_line)
    if policy is None:
        errors.append(ContentError(*where, f"there is no English policy version {source.version} to translate"))
        return 0
    existing = next((t for t in policy.texts if t.language == language), None)
    if existing is None:
        policy.texts.append(PolicyText(language=language, title=source.title, summary=source.summary,
                                       body=source.body))
        return 1
    if (existing.title, existing.summary, existing.body) != (source.title, source.summary, source.body):
        errors.append(ContentError(*where, f"the translation of policy version {source.version} changed; "
                                   "a changed text needs a new `version`"))
    return 0


# -- courses and lessons -------------------------------------------------------------------------

def browser_edited() -> dict[str, str]:
    """slug -> why, for every course last published from the browser."""
    found = {}
    for course in db.session.scalars(select(Course).where(Course.edited_at.is_not(None)).order_by(Course.slug)):
        by = db.session.get(User, course.edited_by_id) if course.edited_by_id else None
        found[course.slug] = (f"published in the browser on {course.edited_at:%Y-%m-%d %H:%M} UTC"
                              + (f" by {by.name}" if by else ""))
    return found


def sync_courses(tree: dict[str, LanguageContent], goals: dict[str, Goal], now: datetime, errors,
                 left_alone: frozenset[str] | set[str] = frozenset(), only: str | None = None) -> int:
    """Every course of the tree; with `only`, that one course and no other (nothing retired)."""
    courses = {c.slug: c for c in db.session.scalars(
        select(Course).options(selectinload(Course.texts), selectinload(Course.goals)))}
    english = tree[REFERENCE_LANGUAGE].courses
    changed = 0
    for slug, course in courses.items():
        if only is None and slug not in english and course.retired_at is None and slug not in left_alone:
            course.retired_at = now
            changed += 1
    for slug, source in english.items():
        if slug in left_alone or (only is not None and slug != only):
            continue
        known = courses.get(slug)
        if known is None:
            course = Course(slug=slug, tier=source.tier, order=source.order)
            db.session.add(course)
            changed += 1
        else:
            course = known
        changed += assign(course, dict(tier=source.tier, order=source.order, retired_at=None, edited_at=None,
                                       edited_by_id=None, lessons_before_quiz=source.lessons_before_quiz))
        changed += sync_links(course, "goals", [goals[g] for g in dict.fromkeys(source.goals)])
        db.session.flush()
        changed += sync_course_texts(course, tree)
        changed += sync_lessons(course, tree, goals, now)
        changed += sync_quizzes(course, tree, errors)
    return changed


def sync_links(obj, attribute: str, wanted: list) -> int:
    if {g.id for g in getattr(obj, attribute)} == {g.id for g in wanted}:
        return 0
    setattr(obj, attribute, wanted)
    return 1


def course_text_values(source: CourseSource, quiz: dict) -> dict:
    """`quiz`: the English course's [quiz] table, the one set of settings for every language."""
    values = dict(title=source.title, summary=source.summary, intro=source.intro, minutes=source.minutes,
                  unlocks=source.unlocks, quiz_settings=quiz)
    return {**values, "content_hash": digest(values)}


def sync_course_texts(course: Course, tree: dict[str, LanguageContent]) -> int:
    changed = 0
    existing = {t.language: t for t in course.texts}
    quiz = tree[REFERENCE_LANGUAGE].courses[course.slug].quiz
    for language, content in tree.items():
        source = content.courses.get(course.slug)
        text = existing.get(language)
        if source is None:
            if text is not None:  # the translation was removed: fall back to English from now on
                course.texts.remove(text)
                changed += 1
            continue
        values = course_text_values(source, quiz)
        if text is None:
            course.texts.append(CourseText(language=language, **values))
            changed += 1
        elif text.content_hash != values["content_hash"]:
            changed += assign(text, values)
    return changed


def sync_lessons(course: Course, tree: dict[str, LanguageContent], goals: dict[str, Goal], now: datetime) -> int:
    lessons = {lesson.slug: lesson for lesson in db.session.scalars(
        select(Lesson).where(Lesson.course_id == course.id).options(selectinload(Lesson.goals)))}
    current = {(v.lesson_id, v.language): v for v in db.session.scalars(
        select(LessonVersion).join(Lesson).where(Lesson.course_id == course.id, LessonVersion.current))}
    sources = tree[REFERENCE_LANGUAGE].courses[course.slug].lessons
    changed = 0
    for slug, lesson in lessons.items():
        if slug not in sources and lesson.retired_at is None:
            lesson.retired_at = now  # progress and versions stay; the reader no longer shows it
            changed += 1
    for slug, source in sources.items():
        known_lesson = lessons.get(slug)
        if known_lesson is None:
            lesson = Lesson(course=course, slug=slug, position=source.position)
            db.session.add(lesson)
            changed += 1
        else:
            lesson = known_lesson
        changed += assign(lesson, dict(position=source.position, retired_at=None))
        changed += sync_links(lesson, "goals", [goals[g] for g in dict.fromkeys(source.goals)])
        db.session.flush()
        changed += sync_lesson_versions(lesson, tree, course.slug, current)
    return changed


def lesson_hash(source: LessonSource) -> str:
    return digest(source.title, source.minutes, source.body)


def sync_lesson_versions(lesson: Lesson, tree: dict[str, LanguageContent], course_slug: str, current: dict) -> int:
    """A new version in a language whose text changed. A translation written (or changed) now is
    made from the English version of now: it keeps that version's hash as its source_hash."""
    changed = 0
    english = tree[REFERENCE_LANGUAGE].courses[course_slug].lessons[lesson.slug]
    for language, content in tree.items():
        course_source = content.courses.get(course_slug)
        source = course_source.lessons.get(lesson.slug) if course_source else None
        old = current.get((lesson.id, language))
        if source is not None and old is not None and old.content_hash == lesson_hash(source):
            continue
        if old is not None:
            old.current = False  # kept for history: progress records which version was read
            db.session.flush()
            changed += 1
        if source is not None:
            db.session.add(LessonVersion(
                lesson_id=lesson.id, language=language, version=next_version(lesson.id, language),
                title=source.title, minutes=source.minutes, body=source.body, content_hash=lesson_hash(source),
                source_hash=None if language == REFERENCE_LANGUAGE else lesson_hash(english), current=True))
            changed += 1 if old is None else 0
    return changed


def next_version(lesson_id: int, language: str) -> int:
    highest = db.session.scalar(select(db.func.max(LessonVersion.version)).where(
        LessonVersion.lesson_id == lesson_id, LessonVersion.language == language))
    return (highest or 0) + 1


def sync_quizzes(course: Course, tree: dict[str, LanguageContent], errors) -> int:
    """The quizzes feature loads quiz.gift. Every language folder is offered: one without this
    course (or without a quiz.gift) gets None, so an earlier quiz in that language can be retired."""
    changed = 0
    settings = tree[REFERENCE_LANGUAGE].courses[course.slug].quiz  # one set for every language
    for language, content in tree.items():
        source = content.courses.get(course.slug)
        if source is None:
            changed += sync_quiz(course, None, {}, language, errors)
        elif source.quiz_path is None and language != REFERENCE_LANGUAGE:
            changed += sync_quiz(course, None, {}, language, errors)  # no quiz in this language
        else:
            changed += sync_quiz(course, source.quiz_path, settings, language, errors)
    return changed

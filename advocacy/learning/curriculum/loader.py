"""Reading the curriculum in content/ into plain values, with every error found (file and line).

    content/<language>/policy.md, goals.toml, <folder>/course.md, <folder>/NN-slug.md, quiz.gift

English is the reference: every course and lesson exists in en; other languages translate them.
This module reads and checks only; courses/sync.py writes the result to the database.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from advocacy.core.i18n import REFERENCE_LANGUAGE
from advocacy.learning.curriculum.errors import ContentError
from advocacy.learning.curriculum.frontmatter import Document, Fields, key_lines, read_document, read_toml
from advocacy.learning.tiers import TIERS

# /courses/<slug>/quiz belongs to the quizzes feature, so no lesson may take that name.
RESERVED_LESSON_SLUGS = {"quiz"}
LESSON_FILE_RE = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
COURSE_KEYS = {"slug", "title", "tier", "summary", "order", "minutes", "goals", "unlocks", "quiz",
               "lessons_before_quiz"}
LESSON_KEYS = {"title", "minutes", "goals"}
POLICY_KEYS = {"version", "title", "summary"}
GOAL_KEYS = {"slug", "name", "why", "kpi", "unit", "measure", "baseline", "baseline_date", "target"}
GOAL_NUMBERS = ("measure", "baseline", "baseline_date", "target")
MEASURES = ("certified", "advocates", "shares", "clicks")
QUIZ_RULES = {
    # key: (kind, required, minimum, maximum); the same ranges the quizzes feature accepts
    "questions": ("whole", True, 1, 500),
    "pass_mark": ("number", True, 1, 100),
    "attempts_before_cooldown": ("whole", True, 1, 100),
    "cooldown_hours": ("number", True, 0, 24 * 365),
    "time_limit_minutes": ("whole", False, 1, 24 * 60),
    "valid_months": ("whole", True, 1, 120),
}


@dataclass
class LessonSource:
    slug: str
    position: int
    title: str
    minutes: int
    goals: list[str]
    body: str
    path: str


@dataclass
class CourseSource:
    slug: str
    tier: str
    order: int
    title: str
    summary: str
    intro: str
    minutes: int
    unlocks: str
    goals: list[str]
    quiz: dict
    quiz_path: Path | None
    lessons: dict[str, LessonSource]
    path: str
    doc: Document
    lessons_before_quiz: bool = True  # learning order: the quiz opens once every lesson is read


@dataclass
class GoalSource:
    slug: str
    name: str
    why: str
    kpi: str
    unit: str
    measure: str | None
    baseline: float | None
    baseline_date: date | None
    target: float | None
    path: str
    line: int


@dataclass
class PolicySource:
    version: int
    title: str
    summary: str
    body: str
    path: str
    version_line: int


@dataclass
class LanguageContent:
    courses: dict[str, CourseSource] = field(default_factory=dict)
    goals: dict[str, GoalSource] = field(default_factory=dict)
    policy: PolicySource | None = None


def shown(root: Path, path: Path) -> str:
    return str(root / path.relative_to(root))


# -- courses and lessons -------------------------------------------------------------------------

def read_quiz_settings(fields: Fields) -> dict:
    quiz = fields.table("quiz")
    if not quiz:
        return {}
    checker = Fields(fields.doc, fields.errors, prefix="quiz.", meta=quiz)
    checker.no_unknown_keys(QUIZ_RULES)
    settings = {}
    for key, (kind, required, low, high) in QUIZ_RULES.items():
        read = checker.integer if kind == "whole" else checker.number
        value = read(key, required, low, high)
        if value is not None:
            settings[key] = quiz[key]  # as written: 80 stays 80, not 80.0
    return settings


def read_lesson(path: Path, display: str, position: int, slug: str, errors) -> LessonSource | None:
    doc = read_document(path, display, errors)
    if doc is None:
        return None
    fields = Fields(doc, errors)
    fields.no_unknown_keys(LESSON_KEYS)
    title = fields.text("title", max_length=200)
    minutes = fields.integer("minutes", minimum=1, maximum=240)
    goals = fields.slug_list("goals")
    if not doc.body.strip():
        errors.append(ContentError(display, 1, "the lesson has no text after the front matter"))
        return None
    if not fields.ok or minutes is None:
        return None
    return LessonSource(slug, position, title, minutes, goals, doc.body, display)


def read_lessons(root: Path, folder: Path, errors) -> dict[str, LessonSource]:
    lessons: dict[str, LessonSource] = {}
    positions: dict[int, str] = {}
    for path in sorted(folder.glob("*.md")):
        if path.name == "course.md":
            continue
        display = shown(root, path)
        match = LESSON_FILE_RE.match(path.name)
        if not match:
            errors.append(ContentError(display, 1, "a lesson file is named NN-slug.md, e.g. 01-why-we-are-social.md"))
            continue
        position, slug = int(match.group(1)), match.group(2)
        if slug in RESERVED_LESSON_SLUGS:
            errors.append(ContentError(display, 1, f"{slug!r} is reserved; give the lesson another name"))
            continue
        if position in positions:
            errors.append(ContentError(display, 1, f"number {match.group(1)} is also used by {positions[position]}"))
        if slug in lessons:
            errors.append(ContentError(display, 1, f"lesson slug {slug!r} is also used by {lessons[slug].path}"))
            continue
        positions[position] = path.name
        lesson = read_lesson(path, display, position, slug, errors)
        if lesson is not None:
            lessons[slug] = lesson
    return lessons


def read_course(root: Path, folder: Path, errors) -> CourseSource | None:
    path = folder / "course.md"
    display = shown(root, path)
    if not path.is_file():
        errors.append(ContentError(shown(root, folder), 1, "a course folder needs a course.md"))
        return None
    doc = read_document(path, display, errors)
    if doc is None:
        return None
    fields = Fields(doc, errors)
    fields.no_unknown_keys(COURSE_KEYS)
    values: dict[str, Any] = dict(
        slug=fields.slug(), tier=fields.choice("tier", TIERS), order=fields.integer("order"),
        title=fields.text("title", max_length=200), summary=fields.text("summary"),
        minutes=fields.integer("minutes", minimum=1, maximum=6000), goals=fields.slug_list("goals"),
        unlocks=fields.text("unlocks", required=False), quiz=read_quiz_settings(fields),
        lessons_before_quiz=fields.boolean("lessons_before_quiz", default=True),
    )
    quiz_path = folder / "quiz.gift"
    lessons = read_lessons(root, folder, errors)
    if not fields.ok:
        return None
    return CourseSource(**values, intro=doc.body, quiz_path=quiz_path if quiz_path.is_file() else None,
                        lessons=lessons, path=display, doc=doc)


def read_courses(root: Path, language_dir: Path, errors) -> dict[str, CourseSource]:
    courses: dict[str, CourseSource] = {}
    for folder in sorted(p for p in language_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        course = read_course(root, folder, errors)
        if course is None:
            continue
        if course.slug in courses:
            course.doc.error(errors, "slug", f"course slug {course.slug!r} is also used by {courses[course.slug].path}")
            continue
        courses[course.slug] = course
    return courses


# -- goals and policy ----------------------------------------------------------------------------

def goal_blocks(lines: list[str]) -> list[int]:
    """The line number of each [[goal]] header, in order."""
    return [n for n, line in enumerate(lines, start=1) if line.strip().replace(" ", "") == "[[goal]]"]


def read_goal(doc: Document, entry: dict, errors, reference: bool) -> GoalSource | None:
    fields = Fields(doc, errors, meta=entry)
    fields.no_unknown_keys(GOAL_KEYS)
    values: dict[str, Any] = dict(
        slug=fields.slug(), name=fields.text("name", max_length=200), why=fields.text("why"),
        kpi=fields.text("kpi", max_length=200), unit=fields.text("unit", required=False, max_length=40),
        measure=fields.choice("measure", MEASURES, required=False),
        baseline=fields.number("baseline", required=reference),
        baseline_date=fields.day("baseline_date", required=reference),
        target=fields.number("target", required=reference),
    )
    if reference and fields.ok and values["baseline"] == values["target"]:
        fields._fail("target", "`target` must differ from `baseline`, or there is nothing to reach")
    return GoalSource(**values, path=doc.path, line=doc.start_line) if fields.ok else None


def read_goals(root: Path, path: Path, errors, reference: bool) -> dict[str, GoalSource]:
    display = shown(root, path)
    parsed = read_toml(path, display, errors)
    if parsed is None:
        return {}
    data, lines = parsed
    entries = data.get("goal", [])
    if set(data) - {"goal"} or not isinstance(entries, list):
        errors.append(ContentError(display, 1, "goals.toml holds only [[goal]] entries"))
        return {}
    goals: dict[str, GoalSource] = {}
    headers = goal_blocks(lines)
    for index, entry in enumerate(entries):
        start = headers[index] if index < len(headers) else 1
        end = headers[index + 1] if index + 1 < len(headers) else len(lines) + 1
        doc = Document(display, entry, key_lines=key_lines(lines[start:end - 1], start + 1), start_line=start)
        goal = read_goal(doc, entry, errors, reference)
        if goal is None:
            continue
        if goal.slug in goals:
            doc.error(errors, "slug", f"goal slug {goal.slug!r} is used twice")
            continue
        goals[goal.slug] = goal
    return goals


def read_policy(root: Path, path: Path, errors) -> PolicySource | None:
    display = shown(root, path)
    doc = read_document(path, display, errors)
    if doc is None:
        return None
    fields = Fields(doc, errors)
    fields.no_unknown_keys(POLICY_KEYS)
    version = fields.integer("version", minimum=1)
    title = fields.text("title", max_length=200)
    summary = fields.text("summary", required=False)
    if not doc.body.strip():
        errors.append(ContentError(display, 1, "the policy has no text after the front matter"))
        return None
    if not fields.ok or version is None:
        return None
    return PolicySource(version, title, summary, doc.body, display, doc.line_of("version"))


# -- the whole tree ------------------------------------------------------------------------------

def read_language(root: Path, language_dir: Path, errors) -> LanguageContent:
    reference = language_dir.name == REFERENCE_LANGUAGE
    content = LanguageContent(courses=read_courses(root, language_dir, errors))
    if (language_dir / "goals.toml").is_file():
        content.goals = read_goals(root, language_dir / "goals.toml", errors, reference)
    if (language_dir / "policy.md").is_file():
        content.policy = read_policy(root, language_dir / "policy.md", errors)
    for path in sorted(language_dir.iterdir()):
        if path.is_file() and path.suffix in (".md", ".toml") and path.name not in ("policy.md", "goals.toml"):
            errors.append(ContentError(shown(root, path), 1, "unexpected file: a language folder holds "
                                       "policy.md, goals.toml and one folder per course"))
    return content


def read_content(root: Path, languages, known_goal_slugs: set[str], errors: list[ContentError]
                 ) -> dict[str, LanguageContent]:
    """Every language folder under `root`, checked on its own and against English."""
    if not (root / REFERENCE_LANGUAGE).is_dir():
        errors.append(ContentError(str(root / REFERENCE_LANGUAGE), 1,
                                   "no English content: the curriculum needs content/en/"))
        return {}
    tree: dict[str, LanguageContent] = {}
    for language_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if language_dir.name not in languages:
            errors.append(ContentError(str(language_dir), 1, "unknown language folder; known: " + ", ".join(languages)))
            continue
        tree[language_dir.name] = read_language(root, language_dir, errors)
    check_translations(tree, known_goal_slugs, errors)
    return tree


def check_translations(tree: dict[str, LanguageContent], known_goal_slugs: set[str], errors) -> None:
    english = tree[REFERENCE_LANGUAGE]
    goal_slugs = set(english.goals) | known_goal_slugs
    for language, content in tree.items():
        for course in content.courses.values():
            check_goal_slugs(course.doc, course.goals, goal_slugs, errors)
            for lesson in course.lessons.values():
                check_lesson_goals(lesson, goal_slugs, errors)
            if language != REFERENCE_LANGUAGE:
                check_course_translation(course, english.courses.get(course.slug), errors)
        if language != REFERENCE_LANGUAGE:
            check_goal_translations(content.goals, english.goals, errors)


def check_goal_slugs(doc: Document, slugs: list[str], known: set[str], errors) -> None:
    for slug in slugs:
        if slug not in known:
            doc.error(errors, "goals", f"unknown goal {slug!r}; goals are defined in en/goals.toml")


def check_lesson_goals(lesson: LessonSource, known: set[str], errors) -> None:
    for slug in lesson.goals:
        if slug not in known:
            errors.append(ContentError(lesson.path, 1, f"unknown goal {slug!r}; goals are defined in en/goals.toml"))


def check_course_translation(course: CourseSource, english: CourseSource | None, errors) -> None:
    if english is None:
        course.doc.error(errors, "slug", f"course {course.slug!r} has no English version (en/.../course.md)")
        return
    for key in ("tier", "order", "lessons_before_quiz"):
        if getattr(course, key) != getattr(english, key):
            course.doc.error(errors, key, f"`{key}` differs from the English course ({getattr(english, key)!r})")
    if "quiz" in course.doc.meta:
        course.doc.error(errors, "quiz", "quiz settings are set once per course, in the English course.md; "
                                         "remove the [quiz] table from this translation")
    for slug, lesson in course.lessons.items():
        if slug not in english.lessons:
            errors.append(ContentError(lesson.path, 1, "this lesson has no English version with the same file name"))
        elif english.lessons[slug].position != lesson.position:
            errors.append(ContentError(lesson.path, 1, "the number differs from the English lesson's file name"))


def check_goal_translations(goals: dict[str, GoalSource], english: dict[str, GoalSource], errors) -> None:
    for slug, goal in goals.items():
        if slug not in english:
            errors.append(ContentError(goal.path, goal.line, f"goal {slug!r} is not in en/goals.toml"))
            continue
        for key in GOAL_NUMBERS:
            value = getattr(goal, key)
            if value is not None and value != getattr(english[slug], key):
                message = f"goal {slug!r}: `{key}` differs from en/goals.toml; numbers come from English"
                errors.append(ContentError(goal.path, goal.line, message))

"""`flask content export DIR`: the database's published curriculum written back in the content/
format, so that a sync of the result changes nothing (tests/content/test_export.py checks it on
the shipped curriculum).

    course_files(course) -> {"en/course.md": text, "en/01-slug.md": text, "nl/quiz.gift": text, ...}
    export_content(root)  -> how many files were written

Retired courses and lessons are left out (a sync without them keeps them retired). The policy is
its newest version that came from files (a version written in the browser cannot be a file: sync
refuses it). The studio's drafts start from course_files().
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from advocacy.core.db import db
from advocacy.core.i18n import REFERENCE_LANGUAGE
from advocacy.learning.banks.gift import Answer, NumericalAnswer, Pair, Question
from advocacy.learning.banks.gift_export import export_gift
from advocacy.learning.models.courses import Course, Lesson, LessonVersion
from advocacy.learning.models.goals import Goal
from advocacy.learning.models.policy import PolicyVersion
from advocacy.learning.models.quizzes import Quiz

QUIZ_KEYS = ("questions", "pass_mark", "attempts_before_cooldown", "cooldown_hours", "time_limit_minutes",
             "valid_months")


def toml_value(value) -> str:
    """A TOML value: strings as basic strings (JSON's escapes are TOML's), numbers, dates, lists."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def toml_lines(values: dict) -> list[str]:
    return [f"{key} = {toml_value(value)}" for key, value in values.items() if value is not None]


def document(front: list[str], body: str) -> str:
    """A content file: `+++` front matter, then the Markdown body."""
    text = "+++\n" + "\n".join(front) + "\n+++\n"
    return text + body if body.strip() else text


def course_document(course: Course, language: str) -> str | None:
    text = next((t for t in course.texts if t.language == language), None)
    if text is None:
        return None
    front = toml_lines(dict(slug=course.slug, title=text.title, tier=course.tier, summary=text.summary,
                            order=course.order, minutes=text.minutes, goals=[g.slug for g in course.goals],
                            unlocks=text.unlocks or None))
    quiz = dict(text.quiz_settings or {})
    if language == REFERENCE_LANGUAGE and quiz:
        front += ["", "[quiz]"] + toml_lines({k: quiz[k] for k in QUIZ_KEYS if k in quiz})
    return document(front, text.intro)


def lesson_document(lesson: Lesson, version: LessonVersion) -> str:
    front = toml_lines(dict(title=version.title, minutes=version.minutes, goals=[g.slug for g in lesson.goals]))
    return document(front, version.body)


def lesson_filename(lesson: Lesson) -> str:
    return f"{lesson.position:02d}-{lesson.slug}.md"


def question_from_dict(data: dict) -> Question:
    """The inverse of question_to_dict, for writing a stored question back as GIFT."""
    if data["type"] == "numerical":
        answers: tuple = tuple(NumericalAnswer(a["value"], a["tolerance"], a["fraction"], a["feedback"])
                               for a in data.get("answers", []))
    else:
        answers = tuple(Answer(a["text"], a["fraction"], a["feedback"]) for a in data.get("answers", []))
    return Question(type=data["type"], title=data.get("title"), text=data["text"], format=data.get("format", "moodle"),
                    category=data.get("category"), general_feedback=data.get("general_feedback"), answers=answers,
                    pairs=tuple(Pair(p["question"], p["answer"]) for p in data.get("pairs", [])),
                    single=data.get("single"), tags=tuple(data.get("tags", ())), idnumber=data.get("idnumber"),
                    case_sensitive=bool(data.get("case_sensitive")))


def quiz_document(course: Course, language: str) -> str | None:
    quiz = db.session.scalar(select(Quiz).where(Quiz.course_id == course.id, Quiz.language == language,
                                                Quiz.retired_at.is_(None)))
    if quiz is None or not quiz.versions:
        return None
    return export_gift([question_from_dict(q.data) for q in quiz.versions[-1].questions])


def course_files(course: Course) -> dict[str, str]:
    """The published course as files, keyed "<language>/<file name>"."""
    files: dict[str, str] = {}
    languages = [t.language for t in sorted(course.texts, key=lambda t: (t.language != REFERENCE_LANGUAGE, t.language))]
    lessons = db.session.scalars(select(Lesson).where(Lesson.course_id == course.id, Lesson.retired_at.is_(None))
                                 .options(selectinload(Lesson.goals)).order_by(Lesson.position)).all()
    current = {(v.lesson_id, v.language): v for v in db.session.scalars(
        select(LessonVersion).join(Lesson).where(Lesson.course_id == course.id, LessonVersion.current))}
    for language in languages:
        files[f"{language}/course.md"] = course_document(course, language) or ""
        for lesson in lessons:
            version = current.get((lesson.id, language))
            if version is not None:
                files[f"{language}/{lesson_filename(lesson)}"] = lesson_document(lesson, version)
        quiz = quiz_document(course, language)
        if quiz is not None:
            files[f"{language}/quiz.gift"] = quiz
    return files


def goals_document(goals, language: str) -> str:
    blocks = []
    for goal in goals:
        if language == REFERENCE_LANGUAGE:
            values = dict(slug=goal.slug, name=goal.name, why=goal.why, kpi=goal.kpi, unit=goal.unit,
                          measure=goal.measure, baseline=goal.baseline, baseline_date=goal.baseline_date,
                          target=goal.target)
        else:
            text = next((t for t in goal.texts if t.language == language), None)
            if text is None:
                continue
            values = dict(slug=goal.slug, name=text.name, why=text.why, kpi=text.kpi, unit=text.unit)
        blocks.append("[[goal]]\n" + "\n".join(toml_lines(values)) + "\n")
    return "\n".join(blocks)


def policy_documents() -> dict[str, str]:
    newest = db.session.scalar(select(PolicyVersion).where(PolicyVersion.source == "content")
                               .order_by(PolicyVersion.version.desc()).limit(1))
    if newest is None:
        return {}
    documents = {REFERENCE_LANGUAGE: document(toml_lines(dict(version=newest.version, title=newest.title,
                                                              summary=newest.summary or None)), newest.body)}
    for text in newest.texts:
        documents[text.language] = document(toml_lines(dict(version=newest.version, title=text.title,
                                                            summary=text.summary or None)), text.body)
    return documents


def write_file(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def export_content(root: Path) -> int:
    """Write every published course, the goals and the policy under `root`; the number of files."""
    written = 0
    goals = db.session.scalars(select(Goal).options(selectinload(Goal.texts)).order_by(Goal.id)).all()
    languages = {REFERENCE_LANGUAGE} | {t.language for g in goals for t in g.texts}
    for language in sorted(languages):
        text = goals_document(goals, language)
        if text:
            write_file(root / language / "goals.toml", text)
            written += 1
    for language, text in policy_documents().items():
        write_file(root / language / "policy.md", text)
        written += 1
    courses = db.session.scalars(select(Course).where(Course.retired_at.is_(None)).order_by(Course.order, Course.slug)
                                 .options(selectinload(Course.texts), selectinload(Course.goals)))
    for course in courses:
        for relative, text in course_files(course).items():
            language, name = relative.split("/", 1)
            write_file(root / language / course.slug / name, text)
            written += 1
    return written

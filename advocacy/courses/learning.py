"""What a person sees of the courses: lessons in their language (English where a translation is
missing), what they have read, where to resume, and which certification they hold.

Everything is loaded in a fixed number of queries, however many courses and lessons there are.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload, load_only

from ..extensions import db
from .content import REFERENCE_LANGUAGE
from .models import Course, CourseResume, CourseText, Lesson, LessonProgress, LessonVersion
from .tiers import TIERS, tier_rank


@dataclass
class LessonView:
    id: int
    slug: str
    position: int
    version: LessonVersion      # body not loaded; see lesson_body()
    read: bool

    @property
    def title(self) -> str:
        return self.version.title

    @property
    def minutes(self) -> int:
        return self.version.minutes

    @property
    def language(self) -> str:
        return self.version.language


@dataclass
class CourseView:
    course: Course
    text: CourseText
    lessons: list[LessonView] = field(default_factory=list)
    resume_lesson_id: int | None = None

    @property
    def slug(self) -> str:
        return self.course.slug

    @property
    def tier(self) -> str:
        return self.course.tier

    @property
    def read_count(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.read)

    @property
    def all_read(self) -> bool:
        return self.read_count == len(self.lessons)

    @property
    def minutes_left(self) -> int:
        return sum(lesson.minutes for lesson in self.lessons if not lesson.read)

    @property
    def next_lesson(self) -> LessonView | None:
        """Where to pick up: the lesson last opened (on any device) if it is still unread, else the
        first unread lesson."""
        unread = [lesson for lesson in self.lessons if not lesson.read]
        for lesson in unread:
            if lesson.id == self.resume_lesson_id:
                return lesson
        return unread[0] if unread else None

    def neighbours(self, lesson_id: int) -> tuple[LessonView | None, LessonView | None]:
        index = next(i for i, lesson in enumerate(self.lessons) if lesson.id == lesson_id)
        previous = self.lessons[index - 1] if index > 0 else None
        following = self.lessons[index + 1] if index + 1 < len(self.lessons) else None
        return previous, following


def load_courses(user_id: int, language: str, slug: str | None = None) -> list[CourseView]:
    """Active courses (or the one with `slug`) in tier order, with lessons, progress and resume
    point: four queries, whatever the number of courses."""
    query = select(Course).where(Course.retired_at.is_(None)).options(joinedload(Course.texts))
    if slug is not None:
        query = query.where(Course.slug == slug)
    courses = sorted(db.session.scalars(query).unique(), key=lambda c: (tier_rank(c.tier), c.order, c.slug))
    views = {c.id: CourseView(c, c.text_in(language)) for c in courses if c.text_in(language)}
    if not views:
        return []
    read = read_lesson_ids(user_id, views.keys())
    for lesson, version in lessons_with_versions(views.keys(), language):
        views[lesson.course_id].lessons.append(LessonView(lesson.id, lesson.slug, lesson.position, version,
                                                          lesson.id in read))
    for resume in db.session.scalars(select(CourseResume).where(CourseResume.user_id == user_id,
                                                                 CourseResume.course_id.in_(views.keys()))):
        views[resume.course_id].resume_lesson_id = resume.lesson_id
    return list(views.values())


def lessons_with_versions(course_ids, language: str) -> list[tuple[Lesson, LessonVersion]]:
    """Active lessons in course and position order, each with its current version in `language`,
    else in English (lessons with neither are left out). One query; bodies are left out."""
    rows = db.session.execute(
        select(Lesson, LessonVersion).join(LessonVersion, LessonVersion.lesson_id == Lesson.id)
        .where(Lesson.course_id.in_(course_ids), Lesson.retired_at.is_(None), LessonVersion.current,
               LessonVersion.language.in_({language, REFERENCE_LANGUAGE}))
        .options(load_only(LessonVersion.id, LessonVersion.lesson_id, LessonVersion.language,
                           LessonVersion.version, LessonVersion.title, LessonVersion.minutes))
        .order_by(Lesson.course_id, Lesson.position, Lesson.id))
    chosen: dict[int, tuple[Lesson, LessonVersion]] = {}
    for lesson, version in rows:
        if lesson.id not in chosen or version.language == language:
            chosen[lesson.id] = (lesson, version)
    return list(chosen.values())


def read_lesson_ids(user_id: int, course_ids) -> set[int]:
    return set(db.session.scalars(select(LessonProgress.lesson_id).join(Lesson).where(
        LessonProgress.user_id == user_id, Lesson.course_id.in_(course_ids))))


def lesson_body(version_id: int) -> str:
    return db.session.scalar(select(LessonVersion.body).where(LessonVersion.id == version_id)) or ""


def by_tier(views: list[CourseView]) -> dict[str, list[CourseView]]:
    grouped: dict[str, list[CourseView]] = {tier: [] for tier in TIERS}
    for view in views:
        grouped[view.tier].append(view)
    return grouped


# -- certifications ------------------------------------------------------------------------------

@dataclass(frozen=True)
class CertificationState:
    """The certification that matters for a tier: the valid one, else the one that expired last."""

    valid: bool
    passed_at: datetime
    expires_at: datetime

    def expires_within(self, now: datetime, days: int) -> bool:
        return self.valid and (self.expires_at - now).days < days


def certification_states(user_id: int, now: datetime) -> dict[str, CertificationState]:
    """One query. Revoked certifications are ignored: they neither count nor 'expire'."""
    from ..quizzes.models import Certification

    states: dict[str, CertificationState] = {}
    certifications = db.session.scalars(select(Certification).where(
        Certification.user_id == user_id, Certification.revoked_at.is_(None)))
    for cert in certifications:
        state = CertificationState(cert.is_valid_at(now), cert.passed_at, cert.expires_at)
        best = states.get(cert.tier)
        if best is None or (state.valid, state.expires_at) > (best.valid, best.expires_at):
            states[cert.tier] = state
    return states

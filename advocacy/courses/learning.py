"""What a person sees of the courses: lessons in their language (English where a translation is
missing), what they have read, where to resume, and which certification they hold.

The content comes from the process's catalogue (courses/catalogue.py); what the person did is
loaded in a fixed number of queries, however many courses and lessons there are.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from functools import cache

from sqlalchemy import bindparam, literal, select, union_all

from ..extensions import db
from .catalogue import CourseInfo, CourseTextInfo, LessonVersionInfo, catalogue
from .models import CourseResume, LessonProgress
from .tiers import TIERS


@dataclass
class LessonView:
    id: int
    slug: str
    position: int
    version: LessonVersionInfo  # the current version in the reader's language, else English
    read: bool
    goal_ids: tuple[int, ...] = ()

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
    course: CourseInfo
    text: CourseTextInfo
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
    point. The content comes from the process's catalogue; the person's progress and resume points
    are one query."""
    content = catalogue()
    chosen = content.courses if slug is None else [c for c in (content.course(slug),) if c is not None]
    views = {c.id: CourseView(c, c.text_in(language)) for c in chosen if c.text_in(language)}
    if not views:
        return []
    read, resume = reading_state(user_id)
    for course_id, view in views.items():
        view.resume_lesson_id = resume.get(course_id)
        for lesson in content.lessons.get(course_id, ()):
            version = lesson.version_in(language)
            if version is not None:  # a lesson with neither this language nor English is left out
                view.lessons.append(LessonView(lesson.id, lesson.slug, lesson.position, version,
                                               lesson.id in read, lesson.goal_ids))
    return list(views.values())


@cache
def _reading_statement():
    # Built once per process (see catalogue._stamp_statement). All the person's rows: a handful,
    # and no join with the lessons, which the catalogue already holds.
    user_id = bindparam("user_id")
    read_rows = select(literal("read").label("kind"), LessonProgress.lesson_id, literal(0).label("course_id")) \
        .where(LessonProgress.user_id == user_id)
    resume_rows = select(literal("resume").label("kind"), CourseResume.lesson_id, CourseResume.course_id) \
        .where(CourseResume.user_id == user_id)
    return union_all(read_rows, resume_rows)


def reading_state(user_id: int) -> tuple[set[int], dict[int, int]]:
    """The lessons the person has read and the lesson they last opened per course: one query
    (the two kinds of row come back together)."""
    read: set[int] = set()
    resume: dict[int, int] = {}
    for kind, lesson_id, course_id in db.session.execute(_reading_statement(), {"user_id": user_id}):
        if kind == "read":
            read.add(lesson_id)
        else:
            resume[course_id] = lesson_id
    return read, resume


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


@dataclass(frozen=True)
class CertificationRow:
    tier: str
    passed_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


def certification_rows(user_id: int) -> list[CertificationRow]:
    """All of a person's certifications, revoked ones included (one query)."""
    return [CertificationRow(*row) for row in db.session.execute(_certifications_statement(), {"user_id": user_id})]


@cache
def _certifications_statement():
    from ..quizzes.models import Certification

    return (select(Certification.tier, Certification.passed_at, Certification.expires_at, Certification.revoked_at)
            .where(Certification.user_id == bindparam("user_id")))


def states_from(rows: list[CertificationRow], now: datetime) -> dict[str, CertificationState]:
    """Per tier, the certification that matters. Revoked ones are ignored: they neither count nor
    'expire'."""
    states: dict[str, CertificationState] = {}
    for cert in rows:
        if cert.revoked_at is not None:
            continue
        state = CertificationState(cert.passed_at <= now < cert.expires_at, cert.passed_at, cert.expires_at)
        best = states.get(cert.tier)
        if best is None or (state.valid, state.expires_at) > (best.valid, best.expires_at):
            states[cert.tier] = state
    return states


def certification_states(user_id: int, now: datetime) -> dict[str, CertificationState]:
    """One query."""
    return states_from(certification_rows(user_id), now)

"""What a person sees of the courses: lessons in their language (English where a translation is
missing), what they have read, where to resume, and which certification they hold.

The content comes from the process's catalogue (courses/catalogue.py); what the person did comes
from their record (courses/record.py): one query, however many courses and lessons there are.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from advocacy.learning.catalogue import CourseInfo, CourseTextInfo, LessonVersionInfo, catalogue
from advocacy.learning.record import LearnerRecord, learner_record
from advocacy.learning.tiers import TIERS


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


def load_courses(user_id: int, language: str, slug: str | None = None,
                 record: LearnerRecord | None = None) -> list[CourseView]:
    """Active courses (or the one with `slug`) in tier order, with lessons, progress and resume
    point. The content comes from the process's catalogue, the person's progress and resume points
    from their record (read here unless the caller has it: read it before the catalogue, and the
    content stamp comes with it)."""
    record = record or learner_record(user_id)
    content = catalogue()
    chosen = content.courses if slug is None else [c for c in (content.course(slug),) if c is not None]
    views = {}
    for course in chosen:
        text = course.text_in(language)
        if text is not None:
            views[course.id] = CourseView(course, text)
    if not views:
        return []
    read, resume = record.read, record.resume
    for course_id, view in views.items():
        view.resume_lesson_id = resume.get(course_id)
        for lesson in content.lessons.get(course_id, ()):
            version = lesson.version_in(language)
            if version is not None:  # a lesson with neither this language nor English is left out
                view.lessons.append(LessonView(lesson.id, lesson.slug, lesson.position, version,
                                               lesson.id in read, lesson.goal_ids))
    return list(views.values())


def by_tier(views: list[CourseView]) -> dict[str, list[CourseView]]:
    grouped: dict[str, list[CourseView]] = {tier: [] for tier in TIERS}
    for view in views:
        grouped[view.tier].append(view)
    return grouped

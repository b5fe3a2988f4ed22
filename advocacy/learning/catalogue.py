"""The content every learner's page reads, kept in each process while it is unchanged.

Courses, lessons, goals, the current policy and the organisation's settings change only when
someone runs `flask content sync`, publishes a policy or edits a goal, a course's place or the
settings: rarely. Every learner's page reads them. So each process keeps one immutable copy (plain
frozen dataclasses, never ORM objects, so nothing of it can end up in another request's session)
and reuses it while the database's content stamp is the one it was read under.

The stamp is core's (core/revision.py): any change to the models watched here moves it in the same
transaction. A request reads the stamp once, and reloads the copy only when it differs. The stamp
is read before the content, so a copy can only ever be newer than its stamp says, which costs at
worst one extra reload.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from types import MappingProxyType

from flask import current_app
from sqlalchemy import select

from advocacy.core.db import db
from advocacy.core.i18n import REFERENCE_LANGUAGE
from advocacy.core.revision import current_stamp, watch
from advocacy.core.settings import Settings, organisation_settings
from advocacy.learning.models.courses import Course, CourseText, Lesson, LessonVersion, course_goal, lesson_goal
from advocacy.learning.models.goals import Goal, GoalText
from advocacy.learning.models.policy import PolicyText, PolicyVersion
from advocacy.learning.models.quizzes import Quiz, QuizVersion
from advocacy.learning.tiers import tier_rank

_EXTENSION = "advocacy.catalogue"
_load_lock = threading.Lock()
watch(Course, CourseText, Lesson, LessonVersion, Goal, GoalText, PolicyVersion, PolicyText, Quiz, QuizVersion)


# -- what is kept -------------------------------------------------------------------------------

@dataclass(frozen=True)
class CourseTextInfo:
    language: str
    title: str
    summary: str
    intro: str
    minutes: int
    unlocks: str
    quiz_settings: MappingProxyType  # the [quiz] table of course.md


@dataclass(frozen=True)
class CourseInfo:
    id: int
    slug: str
    tier: str
    order: int
    texts: MappingProxyType  # language -> CourseTextInfo
    lessons_before_quiz: bool = True  # learning order: the quiz opens once every lesson is read
    # language -> (attempts_before_cooldown, cooldown_hours) of the live quiz's current version
    cooldowns: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))

    def text_in(self, language: str) -> CourseTextInfo | None:
        """In `language`, else in English."""
        return self.texts.get(language) or self.texts.get(REFERENCE_LANGUAGE)

    def cooldown_in(self, language: str) -> tuple[int, float] | None:
        """The cooldown settings of the quiz a person reading `language` takes: that language's,
        else English, else any (as the quiz's start page picks it); None without a quiz."""
        if language in self.cooldowns or REFERENCE_LANGUAGE in self.cooldowns:
            return self.cooldowns.get(language) or self.cooldowns.get(REFERENCE_LANGUAGE)
        return next(iter(self.cooldowns.values()), None)


@dataclass(frozen=True)
class LessonVersionInfo:
    id: int
    language: str
    version: int
    title: str
    minutes: int
    body: str
    # A translation made from an English version that has changed since ("translation out of date").
    outdated: bool = False


@dataclass(frozen=True)
class LessonInfo:
    id: int
    course_id: int
    slug: str
    position: int
    versions: MappingProxyType  # language -> the current LessonVersionInfo
    goal_ids: tuple[int, ...] = ()

    def version_in(self, language: str) -> LessonVersionInfo | None:
        """The current version in `language`, else in English (None: neither exists)."""
        return self.versions.get(language) or self.versions.get(REFERENCE_LANGUAGE)


@dataclass(frozen=True)
class GoalTextInfo:
    language: str
    name: str
    why: str
    kpi: str
    unit: str


@dataclass(frozen=True)
class GoalInfo:
    """A goal, in English, with its translations (retired ones too: posts may still name them)."""

    id: int
    slug: str
    name: str
    why: str
    kpi: str
    unit: str
    texts: MappingProxyType  # language -> GoalTextInfo
    retired: bool = False

    def text_in(self, language: str) -> GoalTextInfo | GoalInfo:
        return self.texts.get(language, self)


@dataclass(frozen=True)
class Catalogue:
    stamp: str | None
    courses: tuple[CourseInfo, ...]                     # active, in tier order
    lessons: MappingProxyType                           # course id -> active LessonInfo in position order
    goals: MappingProxyType                             # goal id -> GoalInfo (retired ones too)
    course_goals: MappingProxyType                      # course id -> goal ids
    policy_id: int | None                               # the current policy version
    by_slug: MappingProxyType                           # slug -> CourseInfo

    @property
    def settings(self) -> Settings:
        """The organisation's settings (core keeps them, under the same stamp)."""
        return organisation_settings()

    def course(self, slug: str) -> CourseInfo | None:
        return self.by_slug.get(slug)

    def goals_of(self, goal_ids) -> list[GoalInfo]:
        """The active ones among `goal_ids`, in id order."""
        return [self.goals[i] for i in sorted(goal_ids) if i in self.goals and not self.goals[i].retired]


# -- reading it ---------------------------------------------------------------------------------

def catalogue() -> Catalogue:
    """This process's copy of the content, reloaded when the database's stamp has changed."""
    stamp = current_stamp()
    kept = current_app.extensions.get(_EXTENSION)
    if kept is not None and kept.stamp == stamp:
        return kept
    with _load_lock:  # threads of one process (tests, threaded servers) load it once
        kept = current_app.extensions.get(_EXTENSION)
        if kept is None or kept.stamp != stamp:
            kept = current_app.extensions[_EXTENSION] = load(stamp)
    return kept


def load(stamp: str | None) -> Catalogue:
    """Everything, in a fixed number of queries."""

    session = db.session
    texts: dict[int, dict[str, CourseTextInfo]] = {}
    for row in session.scalars(select(CourseText)):
        texts.setdefault(row.course_id, {})[row.language] = CourseTextInfo(
            row.language, row.title, row.summary or "", row.intro or "", row.minutes or 0, row.unlocks or "",
            MappingProxyType(dict(row.quiz_settings or {})))
    cooldowns: dict[int, dict[str, tuple[int, float]]] = {}
    for course_id, language, attempts, hours in session.execute(
            select(Quiz.course_id, Quiz.language, QuizVersion.attempts_before_cooldown, QuizVersion.cooldown_hours)
            .join(QuizVersion, QuizVersion.quiz_id == Quiz.id).where(Quiz.retired_at.is_(None))
            .order_by(QuizVersion.number)):
        cooldowns.setdefault(course_id, {})[language] = (attempts, hours)  # the newest version wins
    courses = sorted((CourseInfo(c.id, c.slug, c.tier, c.order, MappingProxyType(texts.get(c.id, {})),
                                 c.lessons_before_quiz, MappingProxyType(cooldowns.get(c.id, {})))
                      for c in session.scalars(select(Course).where(Course.retired_at.is_(None)))),
                     key=lambda c: (tier_rank(c.tier), c.order, c.slug))

    versions: dict[int, dict[str, LessonVersionInfo]] = {}
    rows = session.execute(select(LessonVersion.lesson_id, LessonVersion.id, LessonVersion.language,
                                  LessonVersion.version, LessonVersion.title, LessonVersion.minutes,
                                  LessonVersion.body, LessonVersion.content_hash, LessonVersion.source_hash)
                           .where(LessonVersion.current)).all()
    english_hash = {v.lesson_id: v.content_hash for v in rows if v.language == REFERENCE_LANGUAGE}
    for v in rows:
        outdated = bool(v.source_hash) and v.source_hash != english_hash.get(v.lesson_id, v.source_hash)
        versions.setdefault(v.lesson_id, {})[v.language] = LessonVersionInfo(v.id, v.language, v.version, v.title,
                                                                             v.minutes, v.body, outdated)
    lesson_goals: dict[int, list[int]] = {}
    for lesson_id, goal_id in session.execute(select(lesson_goal.c.lesson_id, lesson_goal.c.goal_id)):
        lesson_goals.setdefault(lesson_id, []).append(goal_id)
    active = {c.id for c in courses}
    lessons: dict[int, list[LessonInfo]] = {c.id: [] for c in courses}
    for lesson in session.scalars(select(Lesson).where(Lesson.retired_at.is_(None))
                                  .order_by(Lesson.course_id, Lesson.position, Lesson.id)):
        if lesson.course_id in active and lesson.id in versions:
            lessons[lesson.course_id].append(LessonInfo(
                lesson.id, lesson.course_id, lesson.slug, lesson.position, MappingProxyType(versions[lesson.id]),
                tuple(sorted(lesson_goals.get(lesson.id, ())))))

    goal_texts: dict[int, dict[str, GoalTextInfo]] = {}
    for t in session.scalars(select(GoalText)):
        goal_texts.setdefault(t.goal_id, {})[t.language] = GoalTextInfo(t.language, t.name, t.why or "", t.kpi,
                                                                        t.unit or "")
    goals = {goal.id: GoalInfo(goal.id, goal.slug, goal.name, goal.why or "", goal.kpi, goal.unit or "",
                               MappingProxyType(goal_texts.get(goal.id, {})), goal.retired_at is not None)
             for goal in session.scalars(select(Goal))}
    course_goals: dict[int, list[int]] = {}
    for course_id, goal_id in session.execute(select(course_goal.c.course_id, course_goal.c.goal_id)):
        course_goals.setdefault(course_id, []).append(goal_id)

    policy_id = session.scalar(select(PolicyVersion.id).order_by(PolicyVersion.version.desc()).limit(1))
    organisation_settings()  # read with the rest, under the same stamp: pages need both
    return Catalogue(
        stamp=stamp, courses=tuple(courses),
        lessons=MappingProxyType({course_id: tuple(items) for course_id, items in lessons.items()}),
        goals=MappingProxyType(goals),
        course_goals=MappingProxyType({k: tuple(sorted(v)) for k, v in course_goals.items()}),
        policy_id=policy_id, by_slug=MappingProxyType({c.slug: c for c in courses}))

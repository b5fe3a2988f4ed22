"""When a person may start a course's quiz: the learning-order rule (rules/quiz_order.py) fed with
what they have read and when their cooldown ends. The quiz's start route, the course page and
Learn all ask here, so none of them says "Take the quiz" while another would refuse. The quiz
lookups the quiz pages share live here too."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from advocacy.core.db import db
from advocacy.learning.learner_view import CourseView
from advocacy.learning.models.quizzes import Attempt, Quiz, QuizVersion
from advocacy.learning.record import LearnerRecord
from advocacy.learning.rules.grading import next_attempt_at
from advocacy.learning.rules.quiz_order import QuizOrder, quiz_order


def quiz_for(course_id: int, language: str) -> Quiz | None:
    """The course's quiz in `language`, else in English, else in any language it has."""
    quizzes = db.session.scalars(select(Quiz).where(Quiz.course_id == course_id, Quiz.retired_at.is_(None))).all()
    by_language = {quiz.language: quiz for quiz in quizzes}
    return by_language.get(language) or by_language.get("en") or (quizzes[0] if quizzes else None)


def current_version(quiz: Quiz) -> QuizVersion | None:
    return db.session.scalar(select(QuizVersion).where(QuizVersion.quiz_id == quiz.id)
                             .order_by(QuizVersion.number.desc()).limit(1))


def outcomes_of(user_id: int, course_id: int) -> list[tuple[datetime, bool]]:
    """(submitted_at, passed) of every finished attempt at this course, oldest first."""
    rows = db.session.execute(
        select(Attempt.submitted_at, Attempt.passed)
        .where(Attempt.user_id == user_id, Attempt.course_id == course_id, Attempt.submitted_at.is_not(None))
        .order_by(Attempt.submitted_at, Attempt.id))
    return [(submitted_at, bool(passed)) for submitted_at, passed in rows if submitted_at is not None]


def order_for(view: CourseView, record: LearnerRecord, language: str, now: datetime) -> QuizOrder:
    """The learning-order rule for this person and course: `view` carries what they have read, their
    record their attempts, the catalogue the quiz's cooldown settings (no query of its own)."""
    cooldown = view.course.cooldown_in(language)
    opens_at = None
    if cooldown is not None:
        opens_at = next_attempt_at(record.outcomes.get(view.course.id, []), *cooldown)
    return quiz_order(lessons_before_quiz=view.course.lessons_before_quiz,
                      unread=[lesson for lesson in view.lessons if not lesson.read], opens_at=opens_at, now=now)

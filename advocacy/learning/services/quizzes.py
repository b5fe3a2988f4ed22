"""Taking quizzes: start, submit, close late attempts, and what a person may do next.

Nothing here commits: the request (or job) does, once (core/transaction.py). Races are settled by
the database: a partial unique index keeps one open attempt per person and course, and a
submission only counts when its `UPDATE ... WHERE submitted_at IS NULL` changed the row, so a
double tap, a second tab or N processes at once grade an attempt exactly once and write at most
one certification.
"""
from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from advocacy.core import events
from advocacy.core.db import db, rows_changed
from advocacy.learning.learner_view import load_courses
from advocacy.learning.models.courses import Course
from advocacy.learning.models.quizzes import Attempt, Certification, Quiz, QuizQuestion, QuizVersion
from advocacy.learning.quiz_window import current_version, order_for, outcomes_of, quiz_for
from advocacy.learning.record import learner_record
from advocacy.learning.rules import grading as engine
from advocacy.learning.rules.quiz_order import LESSONS_UNREAD, QuizOrder
from advocacy.learning.services.certificates import record_pass
from advocacy.learning.standing import eligibility_for


class QuizClosed(Exception):
    """Starting is not possible now; the message says why, for the person."""
    def __init__(self, reason: str, opens_at: datetime | None = None):
        super().__init__(reason)
        self.reason, self.opens_at = reason, opens_at


# --- reading -----------------------------------------------------------------------------------


def open_attempt_of(user_id: int, course_id: int) -> Attempt | None:
    return db.session.scalar(select(Attempt).where(Attempt.user_id == user_id, Attempt.course_id == course_id,
                                                   Attempt.submitted_at.is_(None)))


def questions_of(attempt: Attempt) -> dict[int, dict]:
    """The parsed questions an attempt drew, by id (one query)."""
    ids = [item["id"] for item in attempt.items]
    rows = db.session.execute(select(QuizQuestion.id, QuizQuestion.data).where(QuizQuestion.id.in_(ids)))
    return dict(rows.all())  # (id, data) rows; a Result itself looks like a mapping to dict()


@dataclass(frozen=True)
class TierGate:
    """Whether the person may take a tier now; `reason` is the courses feature's reason code."""
    open: bool
    reason: str = ""
    needs_tier: str | None = None


def tier_gate(user, tier: str, now: datetime) -> TierGate:
    """The courses feature's eligibility rule for this person and tier."""
    status = eligibility_for(user, now).get(tier)
    if status is None:
        return TierGate(False, "unknown_tier")
    return TierGate(bool(status.open), str(status.reason or ""), getattr(status, "needs_tier", None))


@dataclass
class QuizState:
    """Everything the start page says about a person and a course's quiz."""
    course: Course
    quiz: Quiz | None
    version: QuizVersion | None
    gate: TierGate
    open_attempt: Attempt | None
    opens_at: datetime | None
    attempts_left: int
    certification: Certification | None
    pool_size: int = 0
    unread: tuple = ()  # learning order: the lessons (LessonView) left to read before the quiz opens


def quiz_state(user, course: Course, language: str, now: datetime) -> QuizState:
    quiz = quiz_for(course.id, language)
    version = current_version(quiz) if quiz else None
    gate = tier_gate(user, course.tier, now)
    outcomes = outcomes_of(user.id, course.id)
    opens_at, left = None, 0
    if version is not None:
        opens_at = engine.next_attempt_at(outcomes, version.attempts_before_cooldown, version.cooldown_hours)
        opens_at = opens_at if opens_at is not None and opens_at > now else None
        left = engine.attempts_before_next_cooldown(outcomes if opens_at is None else [],
                                                    version.attempts_before_cooldown)
    certification = db.session.scalar(select(Certification).where(
        Certification.user_id == user.id, Certification.tier == course.tier, Certification.revoked_at.is_(None)))
    pool_size = (db.session.scalar(select(func.count(QuizQuestion.id))
                                  .where(QuizQuestion.version_id == version.id)) or 0) if version else 0
    return QuizState(course, quiz, version, gate, open_attempt_of(user.id, course.id),
                     opens_at, left, certification, pool_size, reading_order(user, course, language, now).unread)


def reading_order(user, course: Course, language: str, now: datetime) -> QuizOrder:
    """The learning-order rule for this person and course (what is left to read, the cooldown)."""
    record = learner_record(user.id)
    views = load_courses(user.id, language, slug=course.slug, record=record)
    if not views:  # no text in any language the person reads: nothing to read first
        return QuizOrder(True, "open")
    return order_for(views[0], record, language, now)


# --- starting ----------------------------------------------------------------------------------


def _seen_counts(user_id: int, course_id: int) -> Counter:
    """How often this person was shown each question (by key, so it holds across versions)."""
    seen: Counter = Counter()
    for items in db.session.scalars(select(Attempt.items).where(Attempt.user_id == user_id,
                                                                Attempt.course_id == course_id)):
        seen.update(item["key"] for item in items)
    return seen


def _new_attempt(user_id: int, course: Course, version: QuizVersion, now: datetime, rng) -> Attempt:
    pool = db.session.execute(select(QuizQuestion.id, QuizQuestion.key, QuizQuestion.data)
                              .where(QuizQuestion.version_id == version.id).order_by(QuizQuestion.position)).all()
    drawn = engine.draw_questions([(row.id, row.key) for row in pool], _seen_counts(user_id, course.id),
                                  version.questions_per_attempt, rng)
    by_id = {row.id: row for row in pool}
    token = engine.token_maker(rng)
    items = [engine.lay_out(qid, by_id[qid].key, by_id[qid].data, rng, token) for qid in drawn]
    return Attempt(user_id=user_id, course_id=course.id, quiz_version_id=version.id, started_at=now,
                   deadline=engine.deadline_for(now, version.time_limit_minutes), items=items)


def start_attempt(user, course: Course, language: str, now: datetime, rng=None) -> Attempt:
    """The person's open attempt at this course's quiz, or a new one; QuizClosed says why not."""
    attempt = open_attempt_of(user.id, course.id)
    if attempt is not None and close_if_late(attempt, now):
        attempt = None
    if attempt is not None:
        return attempt
    state = quiz_state(user, course, language, now)
    if state.version is None:
        raise QuizClosed("no_quiz")
    if not state.gate.open:
        raise QuizClosed("tier_closed")
    if state.unread:
        raise QuizClosed(LESSONS_UNREAD)
    if state.opens_at is not None:
        raise QuizClosed("cooldown", state.opens_at)
    attempt = _new_attempt(user.id, course, state.version, now, rng or random.SystemRandom())
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:  # the same person started in another tab a moment ago: use that one
        attempt = open_attempt_of(user.id, course.id)
        if attempt is None:
            raise
    return attempt


# --- finishing ---------------------------------------------------------------------------------


def _finish(attempt_id: int, **values) -> bool:
    """Write the outcome only if nobody did yet; True when this call is the one that counted."""
    return rows_changed(
        update(Attempt).where(Attempt.id == attempt_id, Attempt.submitted_at.is_(None)).values(**values)
        .execution_options(synchronize_session=False)) == 1


def close_if_late(attempt: Attempt, now: datetime) -> bool:
    """Close an open attempt whose time ran out as a failure (not graded). True when it is closed."""
    if attempt.submitted_at is not None:
        return True
    if attempt.deadline is None or engine.in_time(attempt.deadline, now):
        return False
    closed_at = min(now, attempt.deadline + engine.GRACE)
    if _finish(attempt.id, submitted_at=closed_at, score=0.0, passed=False, timed_out=True, results=None):
        db.session.refresh(attempt)
        events.publish("quiz.attempt_finished", **attempt_payload(attempt))
    else:
        db.session.refresh(attempt)
    return True


def attempt_payload(attempt: Attempt) -> dict:
    """The `quiz.attempt_finished` payload of a finished attempt (course_version: the quiz version
    number; score_scaled 0..1); also what `flask xapi backfill` rebuilds."""
    course_slug, tier, number, language = db.session.execute(
        select(Course.slug, Course.tier, QuizVersion.number, Quiz.language)
        .join(Quiz, Quiz.course_id == Course.id).join(QuizVersion, QuizVersion.quiz_id == Quiz.id)
        .where(QuizVersion.id == attempt.quiz_version_id)).one()
    assert attempt.submitted_at is not None and attempt.score is not None
    return dict(person_id=attempt.user_id, attempt_id=attempt.id, course_slug=course_slug, tier=tier,
                course_version=number, language=language, score_scaled=round(attempt.score / 100, 4),
                passed=bool(attempt.passed), timed_out=bool(attempt.timed_out),
                started_at=attempt.started_at.isoformat(), finished_at=attempt.submitted_at.isoformat(),
                occurred_at=attempt.submitted_at.isoformat())


def close_late_attempt_of(user_id: int, course_id: int, now: datetime) -> None:
    """Close the person's open attempt at this course if its time ran out (so pages show the truth)."""
    attempt = open_attempt_of(user_id, course_id)
    if attempt is not None:
        close_if_late(attempt, now)


def submit_attempt(attempt: Attempt, form: dict[str, list[str]], now: datetime) -> Attempt:
    """Grade and close an open attempt; a closed one comes back unchanged (the first result).
    A pass writes or extends the certification of the course's tier in the same transaction."""
    if attempt.submitted_at is not None or close_if_late(attempt, now):
        return attempt
    version = db.session.get_one(QuizVersion, attempt.quiz_version_id)
    results, score = engine.grade_attempt(attempt.items, questions_of(attempt), form)
    passed = engine.has_passed(score, version.pass_mark)
    if _finish(attempt.id, submitted_at=now, score=score, passed=passed, results=results):
        db.session.refresh(attempt)
        events.publish("quiz.attempt_finished", **attempt_payload(attempt))
        if passed:
            tier = db.session.scalars(select(Course.tier).where(Course.id == attempt.course_id)).one()
            record_pass(attempt.user_id, tier, version, attempt.id, now)
    db.session.refresh(attempt)
    return attempt

"""The learning records of the synthetic demo organisation (`flask demo --employees N`):
certifications (some expired, some expiring), policy acknowledgements, lessons read and quiz
attempts. Lesson progress and attempts need the curriculum (`flask content sync`); without it they
are skipped."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import func, select

from advocacy.core.db import db
from advocacy.core.demo import DemoPerson, DemoRun, add_demo_step, insert_rows
from advocacy.learning.models.courses import Course, Lesson
from advocacy.learning.models.progress import LessonProgress, PolicyAcknowledgement
from advocacy.learning.models.quizzes import Attempt, Certification, Quiz, QuizVersion
from advocacy.learning.policy import current_policy


def synthetic_learning(run: DemoRun) -> None:
    people, rng, now = run.made["people"], run.rng, run.now
    run.counts["certifications"] = insert_certifications(people, rng, now)
    run.counts["acknowledgements"] = insert_acknowledgements(people, rng, now)
    run.counts["lessons read"] = insert_progress(people, rng, now)
    run.counts["attempts"] = insert_attempts(people, rng, now)


def insert_certifications(people: list[DemoPerson], rng, now) -> int:

    rows = []
    for person in people:
        age = (now.date() - person.start).days
        if age < 10 or rng.random() > 0.7:
            continue
        passed = now - timedelta(days=rng.randint(1, min(age, 500)))
        rows.append(certification_row(person.id, "basic", passed))
        person.tiers.append("basic")
        if person.department.advanced_eligible and rng.random() < 0.45:
            rows.append(certification_row(person.id, "advanced", passed + (now - passed) * rng.random()))
            person.tiers.append("advanced")
            if rng.random() < 0.15:
                rows.append(certification_row(person.id, "expert", now - timedelta(days=rng.randint(1, 60))))
                person.tiers.append("expert")
    if rows:
        insert_rows(Certification, rows)
    return len(rows)


def certification_row(user_id: int, tier: str, passed: datetime) -> dict:
    return {"user_id": user_id, "tier": tier, "passed_at": passed, "first_passed_at": passed,
            "expires_at": passed + timedelta(days=365), "code": f"demo-{user_id}-{tier}"}


def insert_acknowledgements(people: list[DemoPerson], rng, now) -> int:

    policy = current_policy()
    if policy is None:
        return 0
    rows = [{"user_id": p.id, "policy_version_id": policy.id,
             "acknowledged_at": now - timedelta(days=rng.randint(0, 90))}
            for p in people if p.tiers or rng.random() < 0.4]
    if rows:
        insert_rows(PolicyAcknowledgement, rows)
    return len(rows)


def insert_progress(people: list[DemoPerson], rng, now) -> int:

    lessons: dict[str, list[int]] = {}
    for lesson_id, tier in db.session.execute(select(Lesson.id, Course.tier).join(Course, Course.id == Lesson.course_id)
                                              .where(Lesson.retired_at.is_(None))):
        lessons.setdefault(tier, []).append(lesson_id)
    rows = []
    for person in people:
        for tier, ids in lessons.items():
            if tier in person.tiers:
                read = ids
            elif tier == "basic" and rng.random() < 0.3:
                read = ids[: rng.randint(1, len(ids))]
            else:
                continue
            rows += [{"user_id": person.id, "lesson_id": i, "read_at": now - timedelta(days=rng.randint(1, 300))}
                     for i in read]
    if rows:
        insert_rows(LessonProgress, rows)
    return len(rows)


def insert_attempts(people: list[DemoPerson], rng, now) -> int:

    versions = dict(db.session.execute(
        select(Course.tier, func.max(QuizVersion.id)).join(Quiz, Quiz.id == QuizVersion.quiz_id)
        .join(Course, Course.id == Quiz.course_id).where(Quiz.language == "en").group_by(Course.tier)).all())
    courses = dict(db.session.execute(select(Course.tier, Course.id)).all())
    rows = []
    for person in people:
        for tier in person.tiers:
            if tier not in versions:
                continue
            started = now - timedelta(days=rng.randint(1, 400))
            if rng.random() < 0.2:
                rows.append(attempt_row(person.id, courses[tier], versions[tier], started - timedelta(days=1), 55.0))
            rows.append(attempt_row(person.id, courses[tier], versions[tier], started, rng.choice((80.0, 90.0, 100.0))))
    if rows:
        insert_rows(Attempt, rows)
    return len(rows)


def attempt_row(user_id, course_id, version_id, started: datetime, score: float) -> dict:
    return {"user_id": user_id, "course_id": course_id, "quiz_version_id": version_id, "started_at": started,
            "submitted_at": started + timedelta(minutes=6), "score": score, "passed": score >= 80, "items": [],
            "results": [], "timed_out": False}


def init_app(app: Flask) -> None:
    add_demo_step(app, 20, synthetic_learning, synthetic=True)

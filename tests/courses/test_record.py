"""The learner's record (courses/record.py): every kind of row comes back, typed, in one query, and
the learning pages need nothing else once the catalogue is loaded."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from advocacy.core.revision import current_stamp
from advocacy.learning.models.progress import CourseResume, LessonProgress, PolicyAcknowledgement, TierGrant
from advocacy.learning.models.courses import Lesson
from advocacy.learning.models.policy import PolicyVersion
from advocacy.learning.record import learner_record
from advocacy.learning.models.progress import DueDate

from ..conftest import START, login
from .factories import QueryCounter, certify

LESSON_1 = "/courses/basic/lesson-1"


def test_every_kind_of_row_comes_back_typed_in_one_query(db, curriculum, employee, other_employee):
    lessons = db.session.scalars(select(Lesson).order_by(Lesson.id)).all()
    first, second = lessons[0], lessons[1]
    policy = db.session.scalar(select(PolicyVersion))
    for person in (employee, other_employee):  # the colleague's rows must not leak in
        db.session.add(LessonProgress(user_id=person.id, lesson_id=first.id, read_at=START))
        db.session.add(CourseResume(user_id=person.id, course_id=second.course_id, lesson_id=second.id,
                                    opened_at=START))
        db.session.add(TierGrant(user_id=person.id, tier="expert", status="declined", requested_at=START,
                                 decided_at=START + timedelta(days=1), note="Not yet"))
        db.session.add(PolicyAcknowledgement(user_id=person.id, policy_version_id=policy.id, acknowledged_at=START))
        db.session.add(DueDate(user_id=person.id, tier="basic", due_on=date(2026, 6, 1)))
        certify(person, "basic", START)
    revoked = certify(employee, "advanced", START)
    revoked.revoked_at = START + timedelta(days=2)
    db.session.commit()
    employee_id, first_id, second_id = employee.id, first.id, second.id  # (reloaded after the commit)
    course_id, policy_id = second.course_id, policy.id

    with QueryCounter(db.engine) as counted:
        record = learner_record(employee_id)
    assert len(counted) == 1
    assert record.read == {first_id}
    assert record.resume == {course_id: second_id}
    grant = record.grants["expert"]
    assert (grant.status, grant.note, grant.decided_at) == ("declined", "Not yet", START + timedelta(days=1))
    assert grant.decided_at.tzinfo is not None
    assert record.acknowledged == {policy_id}
    assert record.due_dates == {"basic": date(2026, 6, 1)}
    assert sorted(c.tier for c in record.certifications) == ["advanced", "basic"]
    assert record.valid_tiers(START + timedelta(days=3)) == {"basic"}  # the revoked one does not count
    assert all(c.passed_at.tzinfo is not None for c in record.certifications)


def test_an_empty_record_for_a_new_person(db, employee):
    record = learner_record(employee.id)
    assert (record.read, record.resume, record.grants, record.certifications, record.acknowledged,
            record.due_dates) == (set(), {}, {}, [], set(), {})


def test_learning_pages_need_two_queries_once_the_catalogue_is_loaded(client, db, curriculum, employee):
    """The session's person, then their record (which brings the content stamp along)."""
    login(client, employee)
    client.get(LESSON_1)
    for path in ("/home", LESSON_1, "/courses/basic"):
        with QueryCounter(db.engine) as counted:
            assert client.get(path).status_code == 200
        assert len(counted) == 2, (path, counted.statements)


def test_the_stamp_read_with_the_record_is_the_catalogues(app, db, curriculum, employee):
    with app.test_request_context("/"):
        learner_record(employee.id)
        from flask import g

        assert g.content_stamp == current_stamp() is not None

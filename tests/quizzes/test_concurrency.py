"""Real concurrency on a file SQLite database and on PostgreSQL: threads and processes with their
own connections, released together by a barrier.

The PostgreSQL cases run when TEST_DATABASE_URL points at PostgreSQL (they are marked `postgres`);
the SQLite cases always use a database file of their own.
"""
from __future__ import annotations

import multiprocessing
import threading

import pytest
from sqlalchemy import func, select

from advocacy import create_app
from advocacy.core.clock import utcnow
from advocacy.core.db import db
from advocacy.core.transaction import unit_of_work
from advocacy.learning.services import quizzes as services
from advocacy.learning.models.quizzes import Attempt, Certification
from advocacy.core.organisation import User
from advocacy.learning.models.courses import Course

from ..conftest import make_config
from ..factories import create_user
from .factories import answer_sheet, create_quiz_course, start

WORKERS = 8
pytestmark = pytest.mark.slow


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def race_app(request, tmp_path):
    """An app context on the database under test, emptied afterwards."""
    if request.param == "postgresql":
        request.getfixturevalue("db")  # the suite's app is on PostgreSQL; its fixture empties it
        yield request.getfixturevalue("app")
        return
    app = create_app(make_config("sqlite:///" + str(tmp_path / "race.sqlite3")))
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


# -- racing ---------------------------------------------------------------------------------------

def _in_process(app, work, index, barrier, queue):
    try:
        with app.app_context():
            db.engine.dispose(close=False)  # never touch the parent's connections
            barrier.wait(timeout=60)
            with unit_of_work():  # as a request would: one transaction, committed at the end
                result = work(index)
            queue.put((index, result, None))
    except BaseException as exc:  # report everything: the parent asserts there was nothing
        queue.put((index, None, repr(exc)))


def race(app, work, mode: str, workers: int = WORKERS) -> list:
    """Run work(i) for i in range(workers) at the same moment, each with its own connection."""
    db.session.commit()
    db.session.close()
    if mode == "threads":
        barrier, results, errors = threading.Barrier(workers), [None] * workers, []

        def run(index):
            try:
                with app.app_context():
                    barrier.wait(timeout=60)
                    with unit_of_work():
                        results[index] = work(index)
            except BaseException as exc:
                errors.append(repr(exc))

        threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not errors, errors
        return results
    context = multiprocessing.get_context("fork")
    barrier, queue = context.Barrier(workers), context.Queue()
    processes = [context.Process(target=_in_process, args=(app, work, i, barrier, queue)) for i in range(workers)]
    for process in processes:
        process.start()
    outcomes = [queue.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    assert [error for _, _, error in outcomes if error] == []
    return [result for _, result in sorted((i, r) for i, r, _ in outcomes)]


_won = threading.local()


@pytest.fixture
def counted_finish(monkeypatch):
    """Record, per thread or process, whether its UPDATE ... WHERE submitted_at IS NULL changed the row."""
    original = services._finish

    def finish(*args, **kwargs):
        _won.value = original(*args, **kwargs)
        return _won.value

    monkeypatch.setattr(services, "_finish", finish)


def _setup(tmp_path):
    user = create_user("racer@example.com", "Rita Racer")
    course = create_quiz_course(tmp_path / "content")
    return user, course


# -- the races -------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["processes", "threads"])
def test_one_attempt_handed_in_many_times_at_once_is_graded_once(race_app, tmp_path, mode, counted_finish):
    user, course = _setup(tmp_path)
    attempt = start(user, course)
    sheets = [answer_sheet(attempt, right=True), answer_sheet(attempt, right=False)]
    attempt_id = attempt.id

    def hand_in(index):
        _won.value = False
        mine = db.session.get(Attempt, attempt_id)
        done = services.submit_attempt(mine, sheets[index % 2], utcnow())
        return bool(_won.value), done.score, done.passed, done.submitted_at.isoformat()

    results = race(race_app, hand_in, mode)
    assert sum(won for won, *_ in results) == 1, "exactly one submission counted"
    assert len({tuple(outcome) for _, *outcome in results}) == 1, "everyone got the first result"
    db.session.expire_all()
    stored = db.session.get(Attempt, attempt_id)
    (_, score, passed, submitted_at) = results[0]
    assert (stored.score, stored.passed, stored.submitted_at.isoformat()) == (score, passed, submitted_at)
    certifications = db.session.scalar(select(func.count(Certification.id)))
    assert certifications == (1 if passed else 0)


@pytest.mark.parametrize("mode", ["processes", "threads"])
def test_starting_many_times_at_once_opens_one_attempt(race_app, tmp_path, mode):
    user, course = _setup(tmp_path)
    user_id, course_id = user.id, course.id

    def begin(index):
        person, the_course = db.session.get(User, user_id), db.session.get(Course, course_id)
        return services.start_attempt(person, the_course, "en", utcnow()).id

    ids = race(race_app, begin, mode)
    assert len(set(ids)) == 1
    assert db.session.scalar(select(func.count(Attempt.id))) == 1


def test_passes_of_one_tier_landing_at_once_write_one_certification(race_app, tmp_path):
    """Several courses of the same tier, passed at the same moment: one live certification."""
    user = create_user("racer@example.com", "Rita Racer")
    attempts = []
    for n in range(4):
        course = create_quiz_course(tmp_path / f"c{n}", slug=f"basic-{n}")
        attempts.append(start(user, course, seed=n))
    sheets = {a.id: answer_sheet(a, right=True) for a in attempts}
    ids = [a.id for a in attempts]

    def hand_in(index):
        mine = db.session.get(Attempt, ids[index])
        return services.submit_attempt(mine, sheets[mine.id], utcnow()).passed

    assert race(race_app, hand_in, "threads", workers=len(ids)) == [True] * len(ids)
    rows = db.session.scalars(select(Certification)).all()
    assert len(rows) == 1 and rows[0].attempt_id in ids

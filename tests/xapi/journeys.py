"""Learning journeys through the pages: lessons read, a quiz failed then passed, the policy."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from advocacy.core.db import db
from advocacy.learning.models.courses import Course
from advocacy.learning.models.quizzes import Attempt

from ..conftest import login
from ..courses.factories import standard_tree, synced
from ..quizzes.factories import answer_sheet, load_quiz


def curriculum_with_quiz(app, root: Path) -> Course:
    synced(app, standard_tree(root))
    course = db.session.scalars(select(Course).where(Course.slug == "basic")).one()
    load_quiz(course, root / "quiz")
    db.session.commit()
    return course


def latest_attempt() -> Attempt:
    db.session.expire_all()
    return db.session.scalars(select(Attempt).order_by(Attempt.id.desc())).first()


def hand_in(client, right) -> None:
    url = client.post("/courses/basic/quiz").headers["Location"]
    client.post(url, data=answer_sheet(latest_attempt(), right))


def journey(client, person) -> None:
    """Acknowledge the policy, read the basic course's three lessons, fail the quiz, pass it."""
    login(client, person)
    assert client.post("/policy/acknowledge", data={"version": 1}).status_code == 302
    for n in (1, 2, 3):
        assert client.post(f"/courses/basic/lesson-{n}/done").status_code == 302
    hand_in(client, right={1})
    hand_in(client, right=True)

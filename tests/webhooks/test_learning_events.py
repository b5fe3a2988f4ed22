"""The learning services' own events reach a webhook receiver, signed: a person who passes the
basic quiz in the pages produces one verified `certification.earned` delivery, nothing for the
failed attempt, and HR revoking it one `certification.revoked` (core/events.py joins the two
features; neither imports the other)."""
from __future__ import annotations

from sqlalchemy import select

from advocacy.core.clock import utcnow
from advocacy.core.db import db
from advocacy.core.jobs import queue_of
from advocacy.learning.models.quizzes import Certification
from advocacy.learning.services.certificates import revoke_certification

from ..xapi.journeys import curriculum_with_quiz, journey


def test_passing_the_quiz_in_the_pages_sends_one_signed_certification_earned(app, client, employee, hr,
                                                                               receiver, endpoint, tmp_path):
    curriculum_with_quiz(app, tmp_path / "content")
    journey(client, employee)
    queue_of(app).run_pending()
    earned = [body for body in receiver.verified() if body["type"] == "certification.earned"]
    assert len(earned) == 1 and all(r.error is None for r in receiver.got)
    data = earned[0]["data"]
    certification = db.session.scalar(select(Certification).where(Certification.user_id == employee.id))
    assert data["person_id"] == employee.id and data["certification_id"] == certification.id
    assert data["tier"] == "basic" and data["course_slug"] == "basic"
    assert not [body for body in receiver.verified() if body["type"].startswith("certification.")
                and body["type"] != "certification.earned"]

    with app.test_request_context():
        revoke_certification(certification, "issued by mistake", hr.id, utcnow())
        db.session.commit()
    queue_of(app).run_pending()
    revoked = [body for body in receiver.verified() if body["type"] == "certification.revoked"]
    assert len(revoked) == 1 and revoked[0]["data"]["certification_id"] == certification.id

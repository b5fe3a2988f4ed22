"""HR opens the advanced tier for a person; marketing decides on requests for the expert tier."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from advocacy.core.clock import utcnow
from advocacy.learning.standing import eligibility_for
from advocacy.learning.models.progress import TierGrant
from advocacy.core.audit import AuditEntry

from ..conftest import START, login
from .factories import certify


def text(response) -> str:
    return response.get_data(as_text=True)


def test_hr_assigns_and_removes_the_advanced_tier_and_both_are_audited(client, db, curriculum, employee, hr):
    certify(employee, "basic", utcnow() - timedelta(days=1))
    db.session.commit()
    assert not eligibility_for(employee, utcnow())["advanced"].open

    login(client, hr)
    response = client.post("/hr/advanced", data={"email": "EMPLOYEE@example.com"})
    assert response.status_code == 302
    assert eligibility_for(employee, utcnow())["advanced"].reason == "granted"
    assert "Emma Employee" in text(client.get("/hr/advanced"))
    login(client, employee)
    assert client.get("/courses/advanced/lesson-1").status_code == 200

    login(client, hr)
    assert client.post(f"/hr/advanced/{employee.id}/remove").status_code == 302
    assert not eligibility_for(employee, utcnow())["advanced"].open
    actions = db.session.execute(select(AuditEntry.action, AuditEntry.subject_id, AuditEntry.actor_id)
                                 .order_by(AuditEntry.id)).all()
    assert actions == [("tier.advanced.assign", employee.id, hr.id), ("tier.advanced.remove", employee.id, hr.id)]


def test_hr_assigning_an_unknown_person_changes_nothing(client, db, hr):
    login(client, hr)
    response = client.post("/hr/advanced", data={"email": "nobody@example.com"})
    assert response.status_code == 200 and "Nobody with this e-mail address" in text(response)
    assert db.session.scalar(select(TierGrant)) is None
    assert client.post("/hr/advanced/999999/remove").status_code == 404


def test_marketing_approves_an_expert_request(client, db, curriculum, employee, marketing, frozen):
    frozen(START)
    employee.department.advanced_eligible = True
    certify(employee, "basic", START - timedelta(days=3))
    certify(employee, "advanced", START - timedelta(days=1))
    db.session.commit()
    login(client, employee)
    client.post("/tiers/expert/request")
    grant = db.session.scalar(select(TierGrant))

    login(client, marketing)
    queue = text(client.get("/expert-requests"))
    assert "Emma Employee" in queue and "Advanced certified" in queue
    client.post(f"/expert-requests/{grant.id}", data={"decision": "approve", "note": "Welcome aboard"})
    db.session.refresh(grant)
    assert (grant.status, grant.decided_by_id, grant.note) == ("approved", marketing.id, "Welcome aboard")
    assert eligibility_for(employee, START)["expert"].open
    assert "No requests are waiting" in text(client.get("/expert-requests"))

    response = client.post(f"/expert-requests/{grant.id}", data={"decision": "decline"})
    assert response.status_code == 302
    db.session.refresh(grant)
    assert grant.status == "approved"  # already decided: a second click changes nothing


def test_a_declined_person_sees_the_note_and_may_ask_again(client, db, curriculum, employee, marketing):
    employee.department.advanced_eligible = True
    db.session.commit()
    login(client, employee)
    client.post("/tiers/expert/request")
    grant = db.session.scalar(select(TierGrant))
    login(client, marketing)
    client.post(f"/expert-requests/{grant.id}", data={"decision": "decline", "note": "Post a bit more first"})

    login(client, employee)
    home = text(client.get("/home"))
    assert "Marketing declined your request" in home and "Post a bit more first" in home
    client.post("/tiers/expert/request")
    db.session.refresh(grant)
    assert grant.status == "requested" and grant.note == ""


def test_deciding_needs_a_valid_decision_and_an_expert_request(client, db, employee, marketing):
    advanced = TierGrant(user_id=employee.id, tier="advanced", status="approved")
    expert = TierGrant(user_id=employee.id, tier="expert", status="requested")
    db.session.add_all([advanced, expert])
    db.session.commit()
    login(client, marketing)
    assert client.post(f"/expert-requests/{advanced.id}", data={"decision": "approve"}).status_code == 404
    assert client.post(f"/expert-requests/{expert.id}", data={"decision": "maybe"}).status_code == 400
    assert client.post("/expert-requests/999999", data={"decision": "approve"}).status_code == 404
    db.session.refresh(expert)
    assert expert.status == "requested"

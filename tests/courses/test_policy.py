"""The policy: acknowledge once per version, a new version asks again, HR sees who did when."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from advocacy.learning.models.progress import PolicyAcknowledgement
from advocacy.learning.models.policy import PolicyVersion
from advocacy.learning.policy import has_acknowledged_current
from advocacy.core.audit import AuditEntry

from ..conftest import START, login
from .factories import synced, write_policy


def text(response) -> str:
    return response.get_data(as_text=True)


def publish(client, admin, body="## New rules\n\nBe kind.", title="Policy, revised"):
    login(client, admin)
    return client.post("/admin/policy/new", data={"title": title, "summary": "Shorter.", "body": body,
                                                  "publish": "1"})


def test_acknowledging_unlocks_and_a_new_version_asks_again(client, db, curriculum, employee, admin, frozen):
    frozen(START)
    login(client, employee)
    assert not has_acknowledged_current(employee.id)
    client.post("/policy/acknowledge", data={"version": 1})
    assert has_acknowledged_current(employee.id)
    assert "You confirmed that you read version 1 on 2 Mar 2026" in text(client.get("/policy"))
    assert "Read the policy" not in text(client.get("/home")).split('id="next-step"')[1].split("</section>")[0]

    frozen(START + timedelta(days=1))
    assert publish(client, admin).status_code == 302
    login(client, employee)
    assert not has_acknowledged_current(employee.id)
    home = text(client.get("/home"))
    assert "Read the policy" in home.split('id="next-step"')[1].split("</section>")[0]
    page = text(client.get("/policy"))
    assert "Version 2" in page and "I have read the policy" in page
    client.post("/policy/acknowledge", data={"version": 2})
    assert has_acknowledged_current(employee.id)
    versions = db.session.scalars(select(PolicyAcknowledgement.policy_version_id)).all()
    assert len(versions) == 2  # the acknowledgement of version 1 stays on record


def test_acknowledging_a_version_that_is_no_longer_current_asks_to_read_the_new_one(client, db, curriculum, employee, admin):
    publish(client, admin)
    login(client, employee)
    response = client.post("/policy/acknowledge", data={"version": 1})
    assert response.headers["Location"] == "/policy"
    assert db.session.scalar(select(PolicyAcknowledgement)) is None


def test_acknowledging_twice_keeps_one_record(client, db, curriculum, employee):
    login(client, employee)
    client.post("/policy/acknowledge", data={"version": 1})
    client.post("/policy/acknowledge", data={"version": 1})
    assert len(db.session.scalars(select(PolicyAcknowledgement)).all()) == 1


def test_a_policy_written_in_the_browser_is_sanitised_but_content_policy_is_trusted(app, client, db, curriculum,
                                                                                     employee, admin):
    write_policy(curriculum, version=2, body='Trusted <abbr title="x">HTML</abbr> <span class="keep">span</span>')
    synced(app, curriculum)
    login(client, employee)
    assert '<span class="keep">span</span>' in text(client.get("/policy"))

    publish(client, admin, body='Hello <script>alert(1)</script> [x](javascript:alert(1)) <span class="keep">s</span>')
    page = text(client.get("/policy"))
    assert "<script>alert" not in page and "javascript:" not in page and 'class="keep"' not in page
    policy = db.session.scalar(select(PolicyVersion).where(PolicyVersion.version == 3))
    assert (policy.source, policy.created_by_id) == ("browser", admin.id)
    assert db.session.scalar(select(AuditEntry.action)) == "policy.publish"


def test_the_admin_can_preview_without_publishing(client, db, curriculum, admin):
    login(client, admin)
    response = client.post("/admin/policy/new", data={"title": "T", "body": "**Bold** idea", "preview": "1"})
    assert response.status_code == 200 and "<strong>Bold</strong> idea" in text(response)
    assert db.session.scalar(select(PolicyVersion.version).order_by(PolicyVersion.version.desc())) == 1


def test_an_empty_policy_is_refused(client, db, curriculum, admin):
    login(client, admin)
    response = client.post("/admin/policy/new", data={"title": "", "body": "", "publish": "1"})
    assert response.status_code == 200 and "Please correct the fields" in text(response)


def test_hr_sees_who_acknowledged_which_version_when(client, db, curriculum, employee, other_employee, hr, admin,
                                                     frozen):
    frozen(START)
    login(client, employee)
    client.post("/policy/acknowledge", data={"version": 1})
    publish(client, admin)
    login(client, other_employee)
    client.post("/policy/acknowledge", data={"version": 2})

    login(client, hr)
    page = text(client.get("/hr/policy"))
    assert "Current version: 2" in page
    assert "<strong>1</strong> of 4 people acknowledged it" in page  # employee, other, hr, admin
    assert "<strong>3</strong> have not yet" in page
    row = page.split("Emma Employee")[1].split("</tr>")[0]
    assert "Not yet" in row and "<td>1</td>" in row  # only version 1, not the current one
    row = page.split("Otto Other")[1].split("</tr>")[0]
    assert "2 Mar 2026, 10:00" in row and "<td>2</td>" in row

    pending = text(client.get("/hr/policy?show=pending"))
    assert "Emma Employee" in pending and "Otto Other" not in pending


def test_no_policy_yet(client, db, employee):
    login(client, employee)
    assert "There is no policy yet" in text(client.get("/policy"))
    assert has_acknowledged_current(employee.id)


def test_acknowledging_needs_the_csrf_token(client, db, curriculum, employee, csrf_on):
    login(client, employee)
    assert client.post("/policy/acknowledge", data={"version": 1}).status_code == 400
    assert db.session.scalar(select(PolicyAcknowledgement)) is None

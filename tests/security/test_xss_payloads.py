"""XSS payloads typed into every field the app shows back, outside the feed (tests/feed/test_hostile.py
covers the post's title, body, captions, hashtags, link and image description with the same finder).

Each page that shows the field is parsed as a browser would (html.parser, entities decoded): no
<script> but the app's own, no on* attribute, no javascript:/data: URL, no iframe/object/embed.
And the payload is shown, as text: a page that dropped the field would prove nothing.
"""
import csv
import io
import re
from datetime import timedelta

import pytest
from markupsafe import escape
from sqlalchemy import select

from advocacy.core.clock import utcnow
from advocacy.learning.models.goals import Goal
from advocacy.learning.models.progress import TierGrant
from advocacy.learning.services.tiers import request_expert
from advocacy.core.db import db
from advocacy.feed.models import Post
from advocacy.core.organisation import User
from advocacy.learning.models.quizzes import Certification

from ..conftest import login
from ..factories import create_user
from ..feed.helpers import editor_form
from ..feed.test_hostile import PAYLOADS as FEED_PAYLOADS
from ..feed.test_hostile import script_in

# The feed's list plus the encodings and contexts it does not try.
PAYLOADS = FEED_PAYLOADS + [
    "JaVaScRiPt:alert(1)",
    "java&#x09;script:alert(1)",
    "&#106;avascript:alert(1)",
    "%6A%61vascript:alert(1)",
    "\tjavascript:alert(1)",
    "<a href=\"%6A%61vascript:alert(1)\">x</a>",
    "<a href=\"\tjavascript:alert(1)\">x</a>",
    "<a href=\"java\nscript:alert(1)\">x</a>",
    "[x](%6A%61vascript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "<svg><script>alert(1)</script>",
    "'-alert(1)-'",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<embed src=\"javascript:alert(1)\">",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<math><a xlink:href=\"javascript:alert(1)\">x</a></math>",
    "<form action=\"javascript:alert(1)\"><button>x</button></form>",
    "<details open ontoggle=alert(1)>",
]
assert len(PAYLOADS) == len(set(PAYLOADS))


# The reports' charts are the app's own inline SVG (advocacy/reports/charts.py, labels escaped).
APP_CHART = '<svg xmlns="http://www.w3.org/2000/svg" viewBox='


def problems_in(html: str) -> list[str]:
    problems = script_in(html)
    for _ in range(html.count(APP_CHART)):
        problems.remove("<svg>")
    return problems


def page_of(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, path
    html = response.get_data(as_text=True)
    assert problems_in(html) == [], path
    return html


def shown(html: str) -> bool:
    """The payload reached the page, as text (escaped)."""
    return "alert(1)" in html


# -- a policy written by the admin -----------------------------------------------------------------

def test_a_policy_full_of_payloads_is_shown_as_text(client, admin, employee, hr):
    for number, payload in enumerate(PAYLOADS):
        login(client, admin)
        response = client.post("/admin/policy/new", data={"title": f"Policy {number} {payload}"[:200],
                                                          "summary": payload, "body": f"Text.\n\n{payload}"})
        assert response.status_code == 302, payload
        login(client, employee)
        html = page_of(client, "/policy")
        assert f"Policy {number} " in html, "the new version is the one shown"
    login(client, admin)
    page_of(client, "/admin/policy/new")
    login(client, hr)
    page_of(client, "/hr/policy")


# -- goals ------------------------------------------------------------------------------------------

def test_a_goal_full_of_payloads_is_shown_as_text(client, marketing, employee):
    login(client, marketing)
    for number, payload in enumerate(PAYLOADS):
        response = client.post("/goals/new", data={
            "slug": f"goal-{number}", "name": payload[:200], "why": payload, "kpi": payload[:200], "unit": "x",
            "measure": "", "baseline": "1", "baseline_date": "2026-01-01", "target": "2"})
        assert response.status_code == 302, payload
    assert db.session.scalar(select(db.func.count(Goal.id))) >= len(PAYLOADS)
    goal_id = db.session.scalar(select(Goal.id).order_by(Goal.id.desc()))
    assert shown(page_of(client, "/goals"))
    page_of(client, f"/goals/{goal_id}/edit")
    page_of(client, "/posts/new")  # the editor's goal list
    login(client, employee)
    assert shown(page_of(client, "/why"))


# -- people: the import, the directory, the dashboard, /verify -------------------------------------

def people_file(payloads) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["email", "name", "department"])
    for number, payload in enumerate(payloads):
        writer.writerow([f"person{number}@import.example", payload[:200], payload[:100]])
    return out.getvalue().encode("utf-8")


def test_imported_names_and_departments_are_shown_as_text(client, hr):
    login(client, hr)
    response = client.post("/people/import", data={"file": (io.BytesIO(people_file(PAYLOADS)), "people.csv")},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and problems_in(html) == [] and shown(html), html[:2000]
    hidden = dict(re.findall(r'name="(token|fingerprint)" type="hidden" value="([^"]+)"', html))
    assert set(hidden) == {"token", "fingerprint"}, "the preview's apply form"
    applied = client.post("/people/import/apply", data=hidden)
    assert applied.status_code == 303
    page_of(client, applied.headers["Location"])  # the progress page: no script in it either
    assert db.session.scalar(select(db.func.count(User.id)).where(User.email.like("%@import.example"))) == \
        len(PAYLOADS)
    assert shown(page_of(client, "/people"))
    assert shown(page_of(client, "/hr"))
    person = db.session.scalar(select(User).where(User.email == "person0@import.example"))
    assert shown(page_of(client, f"/people/{person.id}/transcript"))


def test_a_broken_import_shows_its_lines_as_text(client, hr):
    login(client, hr)
    bad = b"email,name\n" + b"\n".join(f"<script>alert(1)</script>{n},x".encode() for n in range(3))
    response = client.post("/people/import", data={"file": (io.BytesIO(bad), "<svg onload=alert(1)>.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert script_in(response.get_data(as_text=True)) == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_name_on_a_public_certificate_is_shown_as_text(client, payload):
    person = create_user(f"cert-{abs(hash(payload))}@example.com", name=payload[:200])
    now = utcnow()
    certification = Certification(user_id=person.id, tier="basic", passed_at=now - timedelta(days=1),
                                   expires_at=now + timedelta(days=300))
    db.session.add(certification)
    db.session.commit()
    assert str(escape(payload[:200].strip())) in page_of(client, f"/verify/{certification.code}")


# -- HR revokes, marketing declines, a reviewer returns --------------------------------------------

def test_a_revoke_reason_is_shown_as_text(client, hr, employee):
    now = utcnow()
    certification = Certification(user_id=employee.id, tier="basic", passed_at=now - timedelta(days=1),
                                  expires_at=now + timedelta(days=300))
    db.session.add(certification)
    db.session.commit()
    login(client, hr)
    reason = "\n".join(PAYLOADS)[:1000]
    assert client.post(f"/certifications/{certification.id}/revoke", data={"reason": reason}).status_code == 303
    assert shown(page_of(client, f"/certifications/{certification.id}"))
    page_of(client, "/certifications")
    login(client, employee)
    assert shown(page_of(client, "/certificates"))


def test_a_note_on_a_declined_expert_request_is_shown_as_text(client, marketing, employee):
    for payload in PAYLOADS:
        grant = request_expert(employee.id, utcnow())
        db.session.commit()
        login(client, marketing)
        page_of(client, "/expert-requests")
        response = client.post(f"/expert-requests/{grant.id}", data={"decision": "decline", "note": payload[:500]})
        assert response.status_code == 302, payload
        assert db.session.get(TierGrant, grant.id).status == "declined"
        page_of(client, "/expert-requests")
        login(client, employee)
        page_of(client, "/home")
        page_of(client, "/courses/expert", status=client.get("/courses/expert").status_code)


def test_a_review_comment_on_a_returned_post_is_shown_as_text(client, marketing, reviewer):
    login(client, marketing)
    assert client.post("/posts/new", data=editor_form(action="submit")).status_code == 302
    post = db.session.scalars(select(Post)).one()
    login(client, reviewer)
    comment = "\n".join(PAYLOADS)[:4000]
    response = client.post(f"/review/{post.id}", data={"decision": "return", "version": str(post.version),
                                                       "comment": comment})
    assert response.status_code == 302
    login(client, marketing)
    pages = [page_of(client, f"/posts/{post.id}"), page_of(client, f"/posts/{post.id}/history"),
             page_of(client, f"/posts/{post.id}/edit"), page_of(client, "/posts")]
    assert any(shown(html) for html in pages), "the comment reaches the author"


# -- the post's fields, with the payloads the feed's own test does not try -------------------------

def test_post_fields_with_more_encodings_are_shown_as_text(client, marketing, reviewer):
    extra = PAYLOADS[len(FEED_PAYLOADS):]
    text = "\n\n".join(extra)
    login(client, marketing)
    response = client.post("/posts/new", data=editor_form(
        title=" ".join(extra)[:200], body=text, image_alt=" ".join(extra)[:300], action="submit",
        caption_linkedin_0=text, caption_x_0="'-alert(1)-' </textarea><script>alert(1)</script>"[:280],
        caption_whatsapp_0=text))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    post = db.session.scalars(select(Post)).one()
    for path in (f"/posts/{post.id}", f"/posts/{post.id}/edit", f"/posts/{post.id}/history", "/posts"):
        page_of(client, path)
    login(client, reviewer)
    assert shown(page_of(client, f"/review/{post.id}"))


@pytest.mark.parametrize("link", [
    "JaVaScRiPt:alert(1)", "java&#x09;script:alert(1)", "&#106;avascript:alert(1)", "%6A%61vascript:alert(1)",
    "\tjavascript:alert(1)", " javascript:alert(1)", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "//evil.example/x", "https://ok.example/'-alert(1)-'\"><script>",
])
def test_a_post_link_that_could_run_script_is_refused(client, marketing, link):
    login(client, marketing)
    response = client.post("/posts/new", data=editor_form(link=link))
    assert response.status_code == 200 and script_in(response.get_data(as_text=True)) == []
    assert db.session.scalar(select(Post.id)) is None

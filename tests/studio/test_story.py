"""An author writes a course with two lessons in English and Dutch, publishes it, and an employee
reads it; four eyes; the version check; the loader's errors next to their fields."""
import re

import pytest

from sqlalchemy import select

from advocacy.core.db import db
from advocacy.learning.models.courses import Course, Lesson
from advocacy.studio.models import CourseDraft, CourseRelease, StudioSettings

from ..conftest import login
from ..factories import create_user


def revision(slug):
    draft = db.session.scalar(select(CourseDraft).where(CourseDraft.course_slug == slug))
    return draft.revision if draft else 0


def details(client, slug, language="en", **fields):
    data = dict(revision=revision(slug), title="Writing for the web", summary="How to write posts people read.",
                intro="Short posts work.\n", minutes="8", unlocks="", tier="basic", order="5", goals=["reach"],
                quiz_questions="", quiz_pass_mark="", quiz_attempts_before_cooldown="", quiz_cooldown_hours="",
                quiz_time_limit_minutes="", quiz_valid_months="")
    data.update(fields)
    return client.post(f"/studio/courses/{slug}/details/{language}", data=data)


def lesson(client, slug, lesson_slug, language="en", **fields):
    data = dict(revision=revision(slug), title="A lesson", minutes="3", goals=["reach"], body="Some *text*.",
                action="save")
    data.update(fields)
    return client.post(f"/studio/courses/{slug}/lessons/{lesson_slug}/{language}", data=data)


def write_course(client):
    assert client.post("/studio/new", data=dict(slug="web", title="Writing for the web", tier="basic")).status_code == 302
    assert details(client, "web").status_code == 302
    assert details(client, "web", "nl", title="Schrijven voor het web", summary="Berichten die mensen lezen.",
                   intro="Korte berichten werken.\n").status_code == 302
    for lesson_slug, title, titel in (("short", "Keep it short", "Houd het kort"), ("images", "Images", "Beelden")):
        response = client.post("/studio/courses/web/lessons", data=dict(revision=revision("web"), slug=lesson_slug,
                                                                         title=title))
        assert response.status_code == 302
        assert lesson(client, "web", lesson_slug, title=title, body=f"About {title.lower()}.").status_code == 302
        assert lesson(client, "web", lesson_slug, "nl", title=titel, body=f"Over {titel.lower()}.").status_code == 302


def test_an_author_writes_and_publishes_a_course_that_an_employee_reads(client, world, employee, author):
    login(client, author)
    write_course(client)
    page = client.get("/studio/courses/web")
    assert page.status_code == 200 and "Keep it short" in page.text
    assert "To fix before publishing" not in page.text, page.text
    response = client.post("/studio/courses/web/publish", data=dict(revision=revision("web")))
    assert response.status_code == 302, response.text
    course = db.session.scalar(select(Course).where(Course.slug == "web"))
    assert course.edited_by_id == author.id
    assert db.session.scalar(select(CourseRelease).where(CourseRelease.course_slug == "web")).number == 1
    assert db.session.scalar(select(CourseDraft)) is None

    login(client, employee)
    page = client.get("/courses/web")
    assert page.status_code == 200 and "Writing for the web" in page.text and "Keep it short" in page.text
    assert "Writing for the web" in client.get("/home").text
    page = client.get("/courses/web/short")
    assert page.status_code == 200 and "About keep it short." in page.text
    employee.language = "nl"
    db.session.add(employee)
    db.session.commit()
    page = client.get("/courses/web/images")
    assert "Over beelden." in page.text and "Vertaling verouderd" not in page.text


def test_a_changed_original_marks_the_translation_out_of_date_for_learners(client, world, employee, author):
    login(client, author)
    write_course(client)
    client.post("/studio/courses/web/publish", data=dict(revision=revision("web")))
    assert lesson(client, "web", "short", title="Keep it short", body="About brevity, rewritten.").status_code == 302
    page = client.get("/studio/courses/web")
    assert "translation out of date" in page.text
    assert client.post("/studio/courses/web/publish", data=dict(revision=revision("web"))).status_code == 302
    login(client, employee)
    employee.language = "nl"
    db.session.add(employee)
    db.session.commit()
    assert "Vertaling verouderd" in client.get("/courses/web/short").text
    assert "Vertaling verouderd" not in client.get("/courses/web/images").text
    release = db.session.scalar(select(CourseRelease).where(CourseRelease.number == 2))
    login(client, author)
    compare = client.get(f"/studio/courses/web/releases/{release.number}")
    assert compare.status_code == 200 and "About brevity, rewritten." in compare.text


def test_the_second_save_on_an_old_revision_sees_the_first_and_keeps_its_text(client, world, author, admin):
    login(client, author)
    write_course(client)
    opened = revision("web")
    assert lesson(client, "web", "short", revision=opened, body="First author's text.").status_code == 302
    login(client, admin)
    response = lesson(client, "web", "short", revision=opened, body="Second author's text.")
    assert response.status_code == 409
    assert "changed by Abe Author" in response.text and "Second author&#39;s text." in response.text
    draft = db.session.scalar(select(CourseDraft))
    assert "First author's text." in draft.files["en/01-short.md"]


def test_four_eyes_a_second_author_publishes(client, world, author, admin):
    login(client, admin)
    assert client.post("/studio/settings", data=dict(four_eyes="y")).status_code == 302
    assert db.session.get(StudioSettings, 1).four_eyes
    login(client, author)
    write_course(client)
    assert "another author publishes it" in client.get("/studio/courses/web").text
    client.post("/studio/courses/web/publish", data=dict(revision=revision("web")))
    assert db.session.scalar(select(Course).where(Course.slug == "web")) is None
    other = create_user("author2@example.com", "Bea Author", roles=["author"])
    db.session.commit()
    login(client, other)
    assert client.post("/studio/courses/web/publish", data=dict(revision=revision("web"))).status_code == 302
    assert db.session.scalar(select(Course).where(Course.slug == "web")) is not None


def test_loader_errors_show_next_to_their_field_and_nothing_is_published(client, world, author):
    login(client, author)
    client.post("/studio/new", data=dict(slug="web", title="Web", tier="basic"))
    details(client, "web", minutes="ten", quiz_pass_mark="180")
    page = client.get("/studio/courses/web/details/en")
    assert re.search(r'id="minutes-error">`minutes` must be a whole number', page.text), page.text
    assert "`quiz.pass_mark` must be at least 1 and at most 100" in page.text
    response = client.post("/studio/courses/web/publish", data=dict(revision=revision("web")))
    assert response.status_code == 422 and "To fix before publishing" in response.text
    assert db.session.scalar(select(Course).where(Course.slug == "web")) is None


def test_reorder_retire_and_restore_a_published_lesson(client, world, author):
    login(client, author)
    page = client.get("/studio/courses/basic")
    assert page.status_code == 200
    client.post("/studio/courses/basic/lessons/lesson-3/move", data=dict(revision=0, direction="up"))
    draft = db.session.scalar(select(CourseDraft))
    assert "en/02-lesson-3.md" in draft.files and "en/03-lesson-2.md" in draft.files
    client.post("/studio/courses/basic/lessons/lesson-1/retire", data=dict(revision=revision("basic")))
    assert client.post("/studio/courses/basic/publish", data=dict(revision=revision("basic"))).status_code == 302
    lessons = {l.slug: l for l in db.session.scalars(select(Lesson))
               if l.course.slug == "basic"}
    assert lessons["lesson-1"].retired_at is not None and lessons["lesson-3"].position == 1
    client.post("/studio/courses/basic/lessons/lesson-1/restore", data=dict(revision=0))
    draft = db.session.scalar(select(CourseDraft))
    assert "en/03-lesson-1.md" in draft.files and "nl/03-lesson-1.md" in draft.files


def test_preview_renders_as_learners_see_it(client, world, author):
    login(client, author)
    response = client.post("/studio/courses/basic/lessons/lesson-1/en",
                           data=dict(revision=0, title="T", minutes="2", body="## Hello\n\n**bold**", action="preview"))
    assert response.status_code == 200 and "<strong>bold</strong>" in response.text
    assert db.session.scalar(select(CourseDraft)) is None  # a preview saves nothing
    fragment = client.post("/studio/preview", data=dict(body="*hi*"))
    assert fragment.text.strip() == "<p><em>hi</em></p>"


def test_an_image_needs_alt_text_and_real_image_bytes(client, world, author, employee):
    login(client, author)
    lesson(client, "basic", "lesson-1", title="L1", body="Text.")
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    import io
    client.post("/studio/courses/basic/lessons/lesson-1/en/image",
                data=dict(revision=revision("basic"), alt="", image=(io.BytesIO(png), "a.png")))
    assert "lesson-images" not in db.session.scalar(select(CourseDraft)).files["en/01-lesson-1.md"]
    client.post("/studio/courses/basic/lessons/lesson-1/en/image",
                data=dict(revision=revision("basic"), alt="A chart", image=(io.BytesIO(b"<svg>"), "a.png")))
    assert "lesson-images" not in db.session.scalar(select(CourseDraft)).files["en/01-lesson-1.md"]
    client.post("/studio/courses/basic/lessons/lesson-1/en/image",
                data=dict(revision=revision("basic"), alt="A chart", image=(io.BytesIO(png), "a.png")))
    text = db.session.scalar(select(CourseDraft)).files["en/01-lesson-1.md"]
    name = re.search(r"!\[A chart\]\(/lesson-images/([0-9a-f]{64}\.png)\)", text).group(1)
    login(client, employee)
    image = client.get(f"/lesson-images/{name}")
    assert image.status_code == 200 and image.data == png and image.headers["Content-Type"] == "image/png"
    assert client.get("/lesson-images/" + "0" * 64 + ".png").status_code == 404


def test_html_that_runs_or_loads_something_is_refused_next_to_the_text(client, world, author):
    login(client, author)
    for payload in ('<script>alert(1)</script>', '<img src=x onerror="alert(1)">', '[x](javascript:alert(1))',
                    '<iframe src="https://evil.example"></iframe>'):
        lesson(client, "basic", "lesson-1", title="L1", body=f"Text.\n\n{payload}\n")
        page = client.get("/studio/courses/basic/lessons/lesson-1/en")
        assert 'id="body-error">the text holds HTML that would run' in page.text, payload
        assert client.post("/studio/courses/basic/publish", data=dict(revision=revision("basic"))).status_code == 422
    login(client, world["employee"])
    assert "alert(1)" not in client.get("/courses/basic/lesson-1").text


@pytest.mark.parametrize("payload", [
    '<a href="&#106;avascript:alert(1)">x</a>',          # an entity in the scheme
    '<a href="java&#9;script:alert(1)">x</a>',           # a tab browsers drop
    '<a href=" JAVASCRIPT:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="">',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<svg><animate onbegin="alert(1)"/></svg>',
    '<details open ontoggle="alert(1)">x</details>',
    '<a href="x" ONCLICK="alert(1)">x</a>',
    '<form action="https://evil.example"><button>Go</button></form>',
])
def test_html_that_hides_a_script_from_a_simple_search_is_still_refused(payload):
    from advocacy.studio.drafts import unsafe_html

    assert unsafe_html({"en/x.md": f"+++\n+++\nText.\n\n{payload}\n"}), payload


def test_the_shipped_lessons_pass_the_browser_html_rule():
    from pathlib import Path

    from advocacy.studio.drafts import unsafe_html

    content = Path(__file__).resolve().parents[2] / "advocacy" / "content"
    files = {str(p.relative_to(content)): p.read_text("utf-8") for p in content.glob("*/*/*.md")}
    files["en/x.md"] = "+++\n+++\nOpen data: the figures. Say javascript: is a word. onload = fine.\n"
    assert len(files) > 30 and unsafe_html(files) == []


def test_two_saves_in_the_same_instant_cannot_both_win(client, world, author, admin):
    from sqlalchemy import text

    from advocacy.studio import drafts

    login(client, author)
    lesson(client, "basic", "lesson-1", title="L1", body="First.")
    draft = db.session.scalar(select(CourseDraft))
    opened = draft.revision
    db.session.connection().execute(text("UPDATE course_draft SET revision = revision + 1"))  # the other save
    try:
        drafts.save("basic", opened, {**draft.files, "en/01-lesson-1.md": "changed"}, admin)
        raise AssertionError("the second save won")
    except drafts.Conflict as conflict:
        assert conflict.draft.revision == opened + 1


def test_a_new_course_needs_a_free_slug_and_the_list_stays(client, world, author):
    login(client, author)
    response = client.post("/studio/new", data=dict(slug="basic", title="Again", tier="basic"))
    assert response.status_code == 422 and "exists already" in response.text and "/studio/courses/advanced" in response.text
    assert client.post("/studio/new", data=dict(slug="Not A Slug", title="x", tier="basic")).status_code == 422
    assert client.post("/studio/new", data=dict(slug="ok", title="x", tier="guru")).status_code == 422


def test_without_the_csrf_token_nothing_changes(client, world, author, csrf_on):
    login(client, author)
    assert client.post("/studio/courses/basic/lessons/lesson-1/retire", data=dict(revision=0)).status_code == 400
    assert client.post("/studio/courses/basic/lessons/lesson-1/en",
                       data=dict(revision=0, title="T", minutes="2", body="x", action="save")).status_code == 400
    assert client.post("/studio/preview", data=dict(body="x")).status_code == 400
    assert db.session.scalar(select(CourseDraft)) is None


def test_other_courses_and_impossible_names_are_not_found(client, world, author):
    login(client, author)
    assert client.get("/studio/courses/basic/lessons/no-such-lesson/en").status_code == 404
    assert client.get("/studio/courses/basic/lessons/lesson-1/fr").status_code == 404
    assert client.post("/studio/courses/basic/lessons/lesson-1/move",
                       data=dict(revision=2**40, direction="up")).status_code == 400
    assert db.session.scalar(select(CourseDraft)) is None


def test_two_first_saves_of_a_course_keep_one_draft(client, world, author, admin):
    from advocacy.studio import drafts

    drafts.save("basic", 0, {"en/course.md": "first"}, author)
    try:
        drafts.save("basic", 0, {"en/course.md": "second"}, admin)
        raise AssertionError("the second first save won")
    except drafts.Conflict as conflict:
        assert conflict.by == "Abe Author"
    assert db.session.scalar(select(CourseDraft)).files == {"en/course.md": "first"}

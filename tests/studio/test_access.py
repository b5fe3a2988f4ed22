"""Every studio route by role: authors and admins in, everyone else 403 (lesson images: every
signed-in person, since learners see them in lessons)."""
import pytest

from advocacy.core import blobs
from advocacy.core.db import db
from advocacy.studio.models import CourseRelease

from ..access import Row, cases, check

PNG = b"\x89PNG\r\n\x1a\n" + b"1" * 64
OTHERS = dict(anon=302, employee=403, manager=403, hr=403, marketing=403, reviewer=403, webcare=403)


def authors(status: int, admin: int | None = None) -> dict:
    return dict(OTHERS, author=status, admin=status if admin is None else admin)


LESSON = "/studio/courses/basic/lessons/lesson-1"
COURSE_DATA = dict(revision=0, title="Basics", summary="S", intro="I", minutes="5", tier="basic", order="1",
                   goals=["reach"])

ACCESS = [
    Row("GET", "/studio", **authors(200)),
    Row("POST", "/studio/settings", data={"four_eyes": "y"}, **dict(authors(403), admin=302)),
    Row("POST", "/studio/new", data={"slug": "web", "title": "Web", "tier": "basic"}, **authors(302)),
    Row("GET", "/studio/courses/basic", rule="/studio/courses/<slug>", **authors(200)),
    Row("GET", "/studio/courses/basic/details/nl", rule="/studio/courses/<slug>/details/<language>", **authors(200)),
    Row("POST", "/studio/courses/basic/details/en", data=COURSE_DATA,
        rule="/studio/courses/<slug>/details/<language>", **authors(302)),
    Row("POST", "/studio/courses/basic/lessons", data={"revision": 0, "slug": "new-one", "title": "New"},
        rule="/studio/courses/<slug>/lessons", **authors(302)),
    Row("GET", LESSON + "/nl", rule="/studio/courses/<slug>/lessons/<lesson_slug>/<language>", **authors(200)),
    Row("POST", LESSON + "/en", data={"revision": 0, "title": "L", "minutes": "2", "body": "B", "action": "save"},
        rule="/studio/courses/<slug>/lessons/<lesson_slug>/<language>", **authors(302)),
    Row("POST", LESSON + "/move", data={"revision": 0, "direction": "down"},
        rule="/studio/courses/<slug>/lessons/<lesson_slug>/move", **authors(302)),
    Row("POST", LESSON + "/retire", data={"revision": 0}, rule="/studio/courses/<slug>/lessons/<lesson_slug>/retire",
        **authors(302)),
    Row("POST", LESSON + "/restore", data={"revision": 0},
        rule="/studio/courses/<slug>/lessons/<lesson_slug>/restore", **authors(302)),
    Row("POST", LESSON + "/en/image", data={"revision": 0, "alt": "x"},
        rule="/studio/courses/<slug>/lessons/<lesson_slug>/<language>/image", **authors(302)),
    Row("POST", "/studio/preview", data={"body": "*hi*"}, **authors(200)),
    Row("POST", "/studio/courses/basic/publish", data={"revision": 0}, rule="/studio/courses/<slug>/publish",
        **authors(302)),
    Row("POST", "/studio/courses/basic/discard", data={"revision": 0}, rule="/studio/courses/<slug>/discard",
        **authors(302)),
    Row("GET", "/studio/courses/basic/releases/1", rule="/studio/courses/<slug>/releases/<int:number>",
        **authors(200)),
    Row("GET", "/studio/courses/nothing-here", rule="/studio/courses/<slug>", **authors(404)),
    Row("GET", "/studio/courses/basic/releases/2147483647", rule="/studio/courses/<slug>/releases/<int:number>",
        **authors(404)),
    Row("GET", "/studio/courses/basic/details/xx", rule="/studio/courses/<slug>/details/<language>", **authors(404)),
    Row("GET", lambda w: f"/lesson-images/{w['image']}", rule="/lesson-images/<name>",
        anon=302, employee=200, manager=200, hr=200, marketing=200, reviewer=200, admin=200, author=200, webcare=200),
    Row("GET", "/lesson-images/../../etc", rule="/lesson-images/<name>", employee=404, author=404),
]


@pytest.fixture
def world(world):
    name = blobs.put(PNG, "image/png") + ".png"
    db.session.add(CourseRelease(course_slug="basic", number=1, files={"en/course.md": "new\n"},
                                 previous_files={"en/course.md": "old <script>\n"}, changed=1, editor_ids=[]))
    db.session.commit()
    return {**world, "image": name}


@pytest.mark.parametrize("row, role", cases(ACCESS))
def test_access(client, world, row, role):
    check(client, world, row, role)


def test_the_compare_page_escapes_what_it_shows(client, world, author):
    from ..conftest import login

    login(client, author)
    page = client.get("/studio/courses/basic/releases/1")
    assert "old &lt;script&gt;" in page.text and "<script>\n" not in page.text

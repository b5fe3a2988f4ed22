"""Script in a post never runs, images are what they claim, and other people's things stay theirs."""
import hashlib
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from advocacy.core.db import db
from advocacy.feed.models import Post, TrackedLink

from ..conftest import login
from .factories import certify
from .helpers import PNG, editor_form

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<img src=\"x\" onerror=\"alert(1)\"",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
    "<a href=\" javascript:alert(1)\">x</a>",
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](java%0ascript:alert(1))",
    "![x](javascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<iframe src=\"data:text/html,<script>alert(1)</script>\"></iframe>",
    "\"><script>alert(1)</script>",
    "'><img src=x onerror=alert(1)>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>script>alert(1)//<</script>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<body onload=alert(1)>",
    "<a href=\"https://ok.example\" onclick=\"alert(1)\">ok</a>",
]
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcset", "poster", "background"}
FORBIDDEN_TAGS = {"svg", "iframe", "object", "embed", "math", "style", "base", "frame", "frameset", "applet"}


class ScriptFinder(HTMLParser):
    """Everything in a page that could run script: the way a browser would read it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src") != "/static/app.js":
            self.problems.append(f"<script {attrs}>")
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.problems.append(f"{tag} {name}={value!r}")
            if name in URL_ATTRIBUTES and value:
                squeezed = "".join(ch for ch in value if ch > " ").lower()
                if squeezed.startswith(("javascript:", "vbscript:", "data:")):
                    self.problems.append(f"{tag} {name}={value!r}")
        if tag == "img" and not attributes.get("src", "").startswith("/feed/"):
            self.problems.append(f"<img {attrs}>")


def script_in(html: str) -> list[str]:
    finder = ScriptFinder()
    finder.feed(html)
    return finder.problems


@pytest.mark.parametrize("html", [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>",
    '<a href=" JaVa&#x09;Script:alert(1)">x</a>', '<iframe src="data:text/html,x"></iframe>',
    '<img src="x" onerror="alert(1)"\n<p>more</p>', '<div style="x">', "<p onclick=alert(1)>",
])
def test_the_finder_finds_what_it_looks_for(html):
    assert script_in(html)


@pytest.fixture
def hostile_post(client, marketing, reviewer, at_start):
    """A post whose every free-text field carries every payload, approved and live."""
    text = "\n\n".join(PAYLOADS)
    captions = {f"caption_{n}_0": " ".join(PAYLOADS)[:270] if n == "x" else text
                for n in ("linkedin", "facebook", "whatsapp", "email")}
    captions["caption_x_0"] = "<script>alert(1)</script> <img src=x onerror=alert(1)> javascript:alert(1)"
    login(client, marketing)
    response = client.post("/posts/new", data=editor_form(
        title="<script>alert(1)</script><svg onload=alert(1)>", body=text, image_alt='"><script>alert(1)</script>',
        publish_at="2026-03-02T09:00", action="submit", **captions))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    post = db.session.scalars(select(Post)).one()
    login(client, reviewer)
    client.post(f"/review/{post.id}", data={"decision": "approve", "version": "1", "comment": PAYLOADS[0]})
    return db.session.get(Post, post.id)


def test_no_payload_runs_on_any_page_that_shows_the_post(client, hostile_post, employee, marketing, reviewer):
    certify(employee)
    db.session.commit()
    pages = {employee: ["/feed", f"/feed/{hostile_post.id}", f"/feed/{hostile_post.id}/share/linkedin",
                        f"/feed/{hostile_post.id}/share/x", f"/feed/{hostile_post.id}/share/email"],
             marketing: ["/posts", f"/posts/{hostile_post.id}", f"/posts/{hostile_post.id}/edit",
                         f"/posts/{hostile_post.id}/history"],
             reviewer: ["/review", f"/review/{hostile_post.id}", f"/posts/{hostile_post.id}/history"]}
    for person, paths in pages.items():
        login(client, person)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            assert script_in(response.get_data(as_text=True)) == [], path
    login(client, employee)
    client.post(f"/feed/{hostile_post.id}/share/x")
    html = client.get("/feed/mine").get_data(as_text=True)
    assert "alert(1)" in html and script_in(html) == []   # the title is shown, as text
    link = db.session.scalar(select(TrackedLink))
    assert script_in(client.get(f"/feed/mine/{link.id}").get_data(as_text=True)) == []


def test_the_share_redirect_only_carries_the_payload_encoded(client, hostile_post, employee):
    certify(employee)
    db.session.commit()
    login(client, employee)
    location = client.post(f"/feed/{hostile_post.id}/share/x").headers["Location"]
    assert location.startswith("https://twitter.com/intent/tweet?text=%3Cscript%3E")
    assert "<" not in location and " " not in location and "\n" not in location


@pytest.mark.parametrize("field, value", [
    ("link", "javascript:alert(1)"), ("link", "JAVASCRIPT:alert(1)"), ("link", "java\tscript:alert(1)"),
    ("link", "data:text/html,<script>alert(1)</script>"), ("link", "https://ok.example/\"><script>"),
    ("hashtags", "<script>alert(1)</script>"), ("hashtags", "#ok onerror=alert(1)"), ("hashtags", "#a\"><svg>"),
])
def test_script_in_the_link_or_hashtags_is_refused(client, marketing, at_start, field, value):
    login(client, marketing)
    response = client.post("/posts/new", data=editor_form(**{field: value}))
    assert response.status_code == 200 and script_in(response.get_data(as_text=True)) == []
    assert db.session.scalar(select(Post.id)) is None


# -- images --------------------------------------------------------------------------------------

def upload(client, data: bytes, name: str, **overrides):
    from io import BytesIO

    return client.post("/posts/new", data=editor_form(image=(BytesIO(data), name), **overrides),
                       content_type="multipart/form-data")


@pytest.mark.parametrize("data, name", [
    (b"<html><script>alert(1)</script></html>", "photo.png"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "photo.svg"),
    (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "photo.jpg"),
    (b"GIF89a" + b"\x00" * 20, "photo.gif"),
    (b"RIFF\x00\x00\x00\x00WAVEfmt ", "photo.webp"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * (2 * 1024 * 1024), "big.png"),
])
def test_an_image_that_is_not_a_small_jpeg_png_or_webp_is_refused(client, marketing, at_start, data, name):
    login(client, marketing)
    response = upload(client, data, name)
    assert response.status_code == 200
    assert "not a JPEG, PNG or WebP" in response.get_data(as_text=True) or "larger than 2 MB" in \
        response.get_data(as_text=True)
    assert db.session.scalar(select(Post.id)) is None


def test_an_image_is_stored_under_the_name_of_its_content_and_served_only_to_those_who_may_see_it(
        app, client, marketing, reviewer, employee, other_employee, at_start):
    login(client, marketing)
    assert upload(client, PNG, "../../evil.html", image_alt="A dot", action="submit").status_code == 302
    post = db.session.scalars(select(Post)).one()
    assert post.image_type == "image/png" and post.image_name == hashlib.sha256(PNG).hexdigest() + ".png"
    login(client, reviewer)
    client.post(f"/review/{post.id}", data={"decision": "approve", "version": "1"})
    certify(employee)
    db.session.commit()
    login(client, employee)
    response = client.get(f"/feed/{post.id}/image", follow_redirects=True)
    assert response.status_code == 200 and response.data == PNG
    assert response.request.path == f"/feed/{post.id}/image/{post.image_name}"
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    login(client, other_employee)  # not certified: the post is not theirs to see
    assert client.get(f"/feed/{post.id}/image").status_code == 404
    assert client.get(f"/feed/{post.id}/image/{post.image_name}").status_code == 404
    login(client, marketing)
    assert client.get(f"/feed/{post.id}/image/{post.image_name}").data == PNG


def test_a_webp_and_a_jpeg_are_recognised_by_their_bytes():
    from advocacy.core.images import detect_image_type

    assert detect_image_type(b"RIFF\x10\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert detect_image_type(b"\xff\xd8\xff\xe0\x00\x10JFIF") == "image/jpeg"
    assert detect_image_type(b"<svg") is None


# -- other people's things -----------------------------------------------------------------------

def test_another_employees_link_and_shares_stay_theirs(client, feed_world):
    login(client, feed_world["employee"])
    assert client.get(f"/feed/mine/{feed_world['other_link'].id}").status_code == 404
    html = client.get("/feed/mine").get_data(as_text=True)
    assert feed_world["other_link"].code not in html

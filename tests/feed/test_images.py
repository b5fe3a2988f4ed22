"""Post images live in the database: stored once, served from an address by their content with
long-lived cache headers and an ETag, and a 304 when the browser has them already."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from advocacy.core import blobs
from advocacy.core.blobs import Blob
from advocacy.core.db import db
from advocacy.feed import posts as post_service
from advocacy.feed.models import Post

from advocacy import create_app

from ..conftest import START, Client, login, make_config
from .factories import certify, create_live_post, create_post, post_values
from .helpers import PNG

OTHER_PNG = PNG[:-12] + b"\x00\x00\x00\x00IEND\xaeB`\x83"  # other bytes, still a PNG by its magic


@pytest.fixture
def live_with_image(marketing, reviewer, certified, at_start):
    post = create_live_post(marketing, reviewer, title="Open day", image=(PNG, "image/png"), image_alt="A dot")
    db.session.commit()
    return post


def test_a_live_posts_image_is_cached_for_a_year_and_answered_with_304_when_unchanged(
        client, certified, live_with_image):
    login(client, certified)
    digest = hashlib.sha256(PNG).hexdigest()
    url = f"/feed/{live_with_image.id}/image/{digest}.png"
    response = client.get(url)
    assert response.status_code == 200 and response.data == PNG
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["ETag"] == f'"{digest}"'
    assert "Cookie" in response.headers["Vary"]  # a cache on the way keeps it per signed-in person

    again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == f'"{digest}"'
    assert client.get(url, headers={"If-None-Match": '"something else"'}).status_code == 200


def test_the_feed_shows_the_image_at_its_address_by_content(client, certified, live_with_image):
    login(client, certified)
    html = client.get("/feed").get_data(as_text=True)
    assert f'src="/feed/{live_with_image.id}/image/{live_with_image.image_name}"' in html
    old_link = client.get(f"/feed/{live_with_image.id}/image")
    assert old_link.status_code == 302 and old_link.headers["Location"].endswith(live_with_image.image_name)


def test_a_304_is_only_for_people_who_may_see_the_post(client, live_with_image, other_employee):
    login(client, other_employee)  # not certified
    digest = live_with_image.image_name.split(".")[0]
    response = client.get(f"/feed/{live_with_image.id}/image/{live_with_image.image_name}",
                          headers={"If-None-Match": f'"{digest}"'})
    assert response.status_code == 404 and "ETag" not in response.headers


def test_an_unpublished_posts_image_is_checked_again_on_every_view(client, marketing, reviewer, employee,
                                                                     at_start):
    certify(employee)
    draft = create_post(marketing, image=(PNG, "image/png"))
    db.session.commit()
    url = f"/feed/{draft.id}/image/{draft.image_name}"
    login(client, marketing)
    response = client.get(url)
    assert response.status_code == 200 and response.data == PNG
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert client.get(url, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    login(client, reviewer)
    assert client.get(url).status_code == 200
    login(client, employee)
    assert client.get(url).status_code == 404
    assert client.get(url, headers={"If-None-Match": response.headers["ETag"]}).status_code == 404


def test_the_same_image_in_two_posts_is_stored_once_and_a_new_image_gets_a_new_address(
        client, marketing, reviewer, certified, live_with_image):
    second = create_live_post(marketing, reviewer, title="Second", image=(PNG, "image/png"))
    db.session.commit()
    assert second.image_name == live_with_image.image_name
    assert db.session.scalar(select(func.count()).select_from(Blob)) == 1

    old_name = live_with_image.image_name
    post_service.edit_post(live_with_image, post_values(title="Open day", image=(OTHER_PNG, "image/png")),
                           marketing, live_with_image.version, START)
    post_service.approve_post(live_with_image, reviewer, live_with_image.version, "", START)
    db.session.commit()
    assert live_with_image.image_name != old_name
    login(client, certified)
    assert client.get(f"/feed/{live_with_image.id}/image/{old_name}").status_code == 404
    assert client.get(f"/feed/{live_with_image.id}/image/{live_with_image.image_name}").data == OTHER_PNG
    assert client.get(f"/feed/{second.id}/image/{old_name}").data == PNG, "the other post keeps its image"


def test_more_than_max_content_length_is_not_stored(app, db):
    with pytest.raises(blobs.BlobTooLarge):
        blobs.put(b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1), "text/csv")
    assert db.session.scalar(select(func.count()).select_from(Blob)) == 0


def test_a_blob_is_bytes_named_by_their_hash_and_nothing_else_is_a_name(db):
    digest = blobs.put(b"hello", "text/plain")
    assert digest == hashlib.sha256(b"hello").hexdigest()
    assert blobs.put(b"hello", "text/plain") == digest
    assert blobs.get(digest).data == b"hello" and blobs.get(digest).size == 5
    for name in ("../etc/passwd", "", digest.upper(), digest[:-1]):
        assert blobs.get(name) is None and blobs.read(name) is None
    db.session.commit()
    assert db.session.scalar(select(Post.id)) is None


def test_an_image_uploaded_through_one_host_is_served_by_another(app, client, marketing, reviewer, certified,
                                                                 at_start, tmp_path):
    from .test_hostile import upload

    login(client, marketing)
    assert upload(client, PNG, "photo.png", action="submit").status_code == 302
    post = db.session.scalars(select(Post)).one()
    login(client, reviewer)
    client.post(f"/review/{post.id}", data={"decision": "approve", "version": "1"})
    other = create_app(make_config(app.config["SQLALCHEMY_DATABASE_URI"], UPLOAD_FOLDER=str(tmp_path / "b")))
    other.test_client_class = Client
    try:
        on_b = other.test_client()
        login(on_b, certified)
        response = on_b.get(f"/feed/{post.id}/image", follow_redirects=True)
        assert response.status_code == 200 and response.data == PNG
    finally:
        with other.app_context():
            other.extensions["sqlalchemy"].engines[None].dispose()
    for folder in (Path(app.config["UPLOAD_FOLDER"]), tmp_path / "b"):
        assert not folder.exists() or not any(folder.rglob("*.png")), "no image file on any disk"

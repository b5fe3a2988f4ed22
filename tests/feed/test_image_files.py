"""`flask storage import-files`: what older versions kept on disk under UPLOAD_FOLDER moves into
the database; posts keep their images (now served from the database), and running it again
changes nothing."""
from __future__ import annotations

import os
import time
from datetime import timedelta

from sqlalchemy import func, select

from advocacy.core.blobs import Blob
from advocacy.core.db import db
from advocacy.feed.models import PostVersion
from advocacy.people import importing

from ..conftest import login
from .factories import certify, create_live_post, create_post
from .helpers import PNG

OLD_NAME = "0123456789abcdef0123456789abcdef.png"  # a random name, as older versions gave
TOKEN = "t" * 43


def run(app, *args):
    return app.test_cli_runner().invoke(args=["storage", "import-files", *args])


def old_deployment(tmp_path, marketing, reviewer, employee):
    """A live post and a draft using one image on disk, a post whose file is gone, a waiting
    import file of the HR person and one that expired."""
    (tmp_path / "feed").mkdir()
    (tmp_path / "feed" / OLD_NAME).write_bytes(PNG)
    (tmp_path / "feed" / "fedcba9876543210fedcba9876543210.png").write_bytes(b"<html>not an image</html>")
    posts = [create_live_post(marketing, reviewer, title="Live"), create_post(marketing, title="Draft"),
             create_live_post(marketing, reviewer, title="Lost"), create_post(marketing, title="Odd")]
    names = [OLD_NAME, OLD_NAME, "ffffffffffffffffffffffffffffffff.jpg", "fedcba9876543210fedcba9876543210.png"]
    for post, name in zip(posts, names):
        post.image_name, post.image_type = name, "image/png"
        for version in db.session.scalars(select(PostVersion).where(PostVersion.post_id == post.id)):
            version.snapshot = {**version.snapshot, "image": name, "image_type": "image/png"}
    certify(employee)
    db.session.commit()
    return posts


def test_images_on_disk_move_into_the_database_and_posts_keep_them(app, client, tmp_path, marketing, reviewer,
                                                                    employee, at_start):
    live, draft, lost, odd = old_deployment(tmp_path, marketing, reviewer, employee)
    result = run(app, "--folder", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "images moved into the database: 1" in result.output
    assert "images missing on disk: 1" in result.output and "files that are not images: 1" in result.output
    db.session.rollback()
    assert live.image_name == draft.image_name and live.image_name.endswith(".png")
    assert live.image_name != OLD_NAME and lost.image_name.endswith(".jpg") and odd.image_name.startswith("fedcba")
    for version in db.session.scalars(select(PostVersion).where(PostVersion.post_id.in_([live.id, draft.id]))):
        assert version.snapshot["image"] == live.image_name, "versions name the moved image too"
    assert db.session.scalar(select(func.count()).select_from(Blob)) == 1

    (tmp_path / "feed" / OLD_NAME).unlink()  # the files are no longer needed
    login(client, employee)
    response = client.get(f"/feed/{live.id}/image", follow_redirects=True)
    assert response.status_code == 200 and response.data == PNG
    assert f'src="/feed/{live.id}/image/{live.image_name}"' in client.get("/feed").get_data(as_text=True)
    login(client, marketing)
    assert client.get(f"/feed/{draft.id}/image/{draft.image_name}").data == PNG
    assert client.get(f"/feed/{lost.id}/image", follow_redirects=True).status_code == 404

    again = run(app, "--folder", str(tmp_path))
    assert again.exit_code == 0, again.output
    assert "posts whose image was in the database already: 2" in again.output
    assert "images moved into the database: 0" in again.output
    assert db.session.scalar(select(func.count()).select_from(Blob)) == 1


def test_waiting_import_files_move_in_under_their_token(app, db, tmp_path, hr):
    (tmp_path / "imports").mkdir()
    waiting = tmp_path / "imports" / f"{hr.id}-{TOKEN}.csv"
    waiting.write_bytes(b"email,name\nann@example.com,Ann\n")
    expired = tmp_path / "imports" / f"{hr.id}-{'e' * 43}.csv"
    expired.write_bytes(b"email,name\nbo@example.com,Bo\n")
    day_ago = time.time() - timedelta(days=1, minutes=1).total_seconds()
    os.utime(expired, (day_ago, day_ago))
    stranger = tmp_path / "imports" / f"999999-{'s' * 43}.csv"
    stranger.write_bytes(b"email,name\n")
    result = run(app, "--folder", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "waiting import files moved into the database: 1" in result.output
    assert "expired import files skipped: 2" in result.output
    db.session.rollback()
    assert importing.read_upload(TOKEN, hr.id) == b"email,name\nann@example.com,Ann\n"
    assert importing.read_upload("e" * 43, hr.id) is None
    again = run(app, "--folder", str(tmp_path))
    assert "waiting import files already there: 1" in again.output


def test_without_a_folder_there_is_nothing_to_do(app, db, tmp_path):
    result = run(app, "--folder", str(tmp_path / "nowhere"))
    assert result.exit_code == 0 and "nothing to import" in result.output

"""The feed's part of stored files: post images are blobs (core/blobs.py) that are never deleted,
and `flask storage import-files` moves images kept on disk by older versions into the database."""
from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import Text, cast, select

from advocacy.core import blobs
from advocacy.core.db import db
from advocacy.core.images import IMAGE_TYPES, detect_image_type, image_hash
from advocacy.feed.models import Post, PostVersion

IMAGE_FOLDER = "feed"  # where older versions kept post images, under UPLOAD_FOLDER


def uses_image(digest: str) -> bool:
    """A post or any of its versions shows these bytes (so they stay)."""
    if db.session.scalar(select(Post.id).where(Post.image_name.startswith(digest + ".")).limit(1)) is not None:
        return True
    return db.session.scalar(select(PostVersion.id).where(cast(PostVersion.snapshot, Text).contains(digest))
                             .limit(1)) is not None


def import_image_files(root: Path) -> dict[str, int]:
    """Each image file a post or version names goes into the database and the post and its
    versions get the new name. Run again, nothing names the old files any more: nothing changes."""
    posts: dict[str, list[Post]] = {}
    already = 0
    for post in db.session.scalars(select(Post).where(Post.image_name.is_not(None))):
        if image_hash(post.image_name) is None:
            posts.setdefault(post.image_name or "", []).append(post)
        else:
            already += 1
    versions: dict[str, list[PostVersion]] = {}
    for version in db.session.scalars(select(PostVersion)):
        name = (version.snapshot or {}).get("image")
        if name and image_hash(name) is None:
            versions.setdefault(name, []).append(version)
    counts = {"posts whose image was in the database already": already, "images moved into the database": 0,
              "post versions renamed": 0, "images missing on disk": 0, "files that are not images": 0}
    folder = root / IMAGE_FOLDER
    for name in sorted(set(posts) | set(versions)):
        path = folder / name
        if Path(name).name != name or not path.is_file():
            counts["images missing on disk"] += 1
            continue
        data = path.read_bytes()
        mimetype = detect_image_type(data)
        if mimetype is None:
            counts["files that are not images"] += 1
            continue
        new_name = f"{blobs.put(data, mimetype)}.{IMAGE_TYPES[mimetype]}"
        for post in posts.get(name, []):
            post.image_name, post.image_type = new_name, mimetype
        for version in versions.get(name, []):
            version.snapshot = {**version.snapshot, "image": new_name, "image_type": mimetype}
            counts["post versions renamed"] += 1
        counts["images moved into the database"] += 1
    db.session.flush()
    return counts


def init_app(app: Flask) -> None:
    blobs.add_holder(app, uses_image)
    blobs.add_file_importer(app, import_image_files)

"""Images in lessons: stored like post images (core/blobs.py, named by their SHA-256, the type
read from the bytes, never from the name). The lesson's Markdown points at /lesson-images/<name>,
which every signed-in person may read (learners see the lesson)."""
from __future__ import annotations

import re

from sqlalchemy import select

from advocacy.core import blobs
from advocacy.core.db import db
from advocacy.learning.models.courses import LessonVersion
from advocacy.studio.models import CourseDraft

MAX_IMAGE_BYTES = 2 * 1024 * 1024
IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
NAME_RE = re.compile(r"^([0-9a-f]{64})\.(jpg|png|webp)$")


def detect_image_type(data: bytes) -> str | None:
    """JPEG, PNG or WebP by their magic bytes (as feed/uploads.py does for posts)."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def store(data: bytes, mimetype: str) -> str:
    return f"{blobs.put(data, mimetype)}.{IMAGE_TYPES[mimetype]}"


def markdown_for(name: str, alt: str) -> str:
    alt = re.sub(r"[\[\]\\\n\r]", " ", alt).strip()
    return f"![{alt}](/lesson-images/{name})"


def holds(digest: str) -> bool:
    """A lesson (any version) or a draft still shows this blob: core/blobs.py must keep it."""
    pattern = f"%/lesson-images/{digest}.%"
    if db.session.scalar(select(LessonVersion.id).where(LessonVersion.body.like(pattern)).limit(1)) is not None:
        return True
    return any(digest in text for draft in db.session.scalars(select(CourseDraft))
               for text in (draft.files or {}).values())

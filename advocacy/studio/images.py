"""Images in lessons: stored like post images (core/images.py and core/blobs.py, named by their SHA-256, the type
read from the bytes, never from the name). The lesson's Markdown points at /lesson-images/<name>,
which every signed-in person may read (learners see the lesson)."""
from __future__ import annotations

import re

from sqlalchemy import select

from advocacy.core.db import db
from advocacy.learning.models.courses import LessonVersion
from advocacy.studio.models import CourseDraft

NAME_RE = re.compile(r"^([0-9a-f]{64})\.(jpg|png|webp)$")




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

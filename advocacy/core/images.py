"""Uploaded images (post images, lesson images): the type is read from the bytes, never from the
name. The bytes live in the database (core/blobs.py); a post or lesson keeps the name
"<sha256>.<ext>", so a name always means the same bytes and browsers may keep them for good."""
from __future__ import annotations

from advocacy.core import blobs

MAX_IMAGE_BYTES = 2 * 1024 * 1024
IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def detect_image_type(data: bytes) -> str | None:
    """JPEG, PNG or WebP by their magic bytes; anything else (HTML, SVG, a renamed script) is None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def store_image(data: bytes, mimetype: str) -> str:
    """Store the image (once, however many posts or lessons use it) and return its name. Old
    versions keep theirs: images are never deleted while something shows them."""
    return f"{blobs.put(data, mimetype)}.{IMAGE_TYPES[mimetype]}"


def image_hash(name: str | None) -> str | None:
    """The blob an image name stands for; None for a name from before images moved into the
    database (`flask storage import-files` renames those)."""
    stem = (name or "").partition(".")[0]
    return stem if blobs.is_hash(stem) else None


def read_upload(storage, limit: int = MAX_IMAGE_BYTES) -> bytes:
    """At most limit + 1 bytes: enough to tell that a file is too big without reading it all."""
    return storage.stream.read(limit + 1)

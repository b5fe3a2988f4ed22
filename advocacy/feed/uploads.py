"""Post images: the type is read from the bytes, never from the name; files get random names."""
from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app

MAX_IMAGE_BYTES = 2 * 1024 * 1024
IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
IMAGE_FOLDER = "feed"


def detect_image_type(data: bytes) -> str | None:
    """JPEG, PNG or WebP by their magic bytes; anything else (HTML, SVG, a renamed script) is None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def image_folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / IMAGE_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store_image(data: bytes, mimetype: str) -> str:
    """Write the image under a random name and return the name. Old versions keep their files."""
    name = f"{secrets.token_hex(16)}.{IMAGE_TYPES[mimetype]}"
    (image_folder() / name).write_bytes(data)
    return name


def read_upload(storage, limit: int = MAX_IMAGE_BYTES) -> bytes:
    """At most limit + 1 bytes: enough to tell that a file is too big without reading it all."""
    return storage.stream.read(limit + 1)

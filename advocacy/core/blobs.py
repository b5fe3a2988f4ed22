"""Stored files (post images, waiting import files) in the database, named by their content.

Every host sees them, one backup holds them, and an upgrade that rebuilds the virtual environment
cannot lose them. A blob is named by the SHA-256 of its bytes, so identical content is stored once
and a name always means the same bytes (which is what lets browsers cache them for good).

    put(data, content_type) -> hash      store (or find) the bytes; the caller's transaction holds it
    get(hash) -> Blob | None             the stored bytes
    discard(hashes)                      delete those no registered holder still uses
    add_holder(app, holder)              holder(hash) -> bool: a feature says "I still use this"
    add_file_importer(app, importer)     `flask storage import-files` runs importer(folder) -> counts

Core knows no feature: a feature that keeps blob names (the feed's post images, the people
import's waiting files) registers a holder, so discarding one feature's blob never deletes bytes
another feature still shows.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import CheckConstraint, Integer, LargeBinary, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column, undefer

from advocacy.core.clock import UTCDateTime, utcnow
from advocacy.core.db import Model, db, insert_ignoring_conflict
from advocacy.core.transaction import unit_of_work

_HOLDERS, _IMPORTERS = "advocacy.blob_holders", "advocacy.blob_file_importers"
HASH_LENGTH = 64
HASH_RE = re.compile(r"[0-9a-f]{64}")


class BlobTooLarge(ValueError):
    """More bytes than MAX_CONTENT_LENGTH: nothing was stored."""


class Blob(Model):
    """Bytes named by their SHA-256 (hex). Never changed once written; deleted only by discard()."""

    hash: Mapped[str] = mapped_column(String(HASH_LENGTH), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Deferred: a query for names or sizes never drags megabytes along.
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)

    __table_args__ = (
        CheckConstraint("length(hash) = 64", name="hash_is_sha256"),
        CheckConstraint("size = length(data)", name="size_is_length"),
    )


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_hash(value: str | None) -> bool:
    return HASH_RE.fullmatch(value or "") is not None


def max_size() -> int:
    return int(current_app.config.get("MAX_CONTENT_LENGTH") or 0)


def put(data: bytes, content_type: str) -> str:
    """Store the bytes unless the same bytes are stored already; return their hash. Two hosts
    storing the same bytes at once both succeed (the database keeps one row)."""
    limit = max_size()
    if limit and len(data) > limit:
        raise BlobTooLarge(f"{len(data)} bytes is more than MAX_CONTENT_LENGTH ({limit})")
    digest = content_hash(data)
    if db.session.scalar(select(Blob.hash).where(Blob.hash == digest)) is None:
        insert_ignoring_conflict(Blob, hash=digest, content_type=content_type, size=len(data),
                                 created_at=utcnow(), data=data)
    return digest


def get(digest: str) -> Blob | None:
    """The blob with its bytes, or None (also for anything that is not a hash)."""
    if not is_hash(digest):
        return None
    return db.session.scalar(select(Blob).where(Blob.hash == digest).options(undefer(Blob.data)))


def read(digest: str) -> bytes | None:
    if not is_hash(digest):
        return None
    return db.session.scalar(select(Blob.data).where(Blob.hash == digest))


# -- who still uses a blob -------------------------------------------------------------------------

def add_holder(app: Flask, holder: Callable[[str], bool]) -> None:
    app.extensions.setdefault(_HOLDERS, []).append(holder)


def in_use(digest: str) -> bool:
    return any(holder(digest) for holder in current_app.extensions.get(_HOLDERS, []))


def discard(hashes: Iterable[str]) -> int:
    """Delete the blobs that no holder uses any more (the caller has already dropped its own
    reference and flushed). Returns how many were deleted."""
    db.session.flush()
    unused = [digest for digest in dict.fromkeys(hashes) if is_hash(digest) and not in_use(digest)]
    if not unused:
        return 0
    result = db.session.execute(delete(Blob).where(Blob.hash.in_(unused)))
    return int(getattr(result, "rowcount", 0) or 0)


# -- moving files from disk in ---------------------------------------------------------------------

FileImporter = Callable[[Path], dict[str, int]]


def add_file_importer(app: Flask, importer: FileImporter) -> None:
    app.extensions.setdefault(_IMPORTERS, []).append(importer)


storage_cli = AppGroup("storage", help="Stored files (post images, waiting import files).")


@storage_cli.command("import-files")
@click.option("--folder", type=click.Path(file_okay=False), default=None,
              help="Where the files are (default: UPLOAD_FOLDER).")
def import_files_command(folder):
    """Move files kept on disk by older versions into the database. Safe to run again: what is
    already in the database is counted, not copied twice. The files themselves are left alone."""
    root = Path(folder or current_app.config["UPLOAD_FOLDER"])
    if not root.is_dir():
        click.echo(f"No folder {root}: nothing to import.")
        return
    for importer in current_app.extensions.get(_IMPORTERS, []):
        with unit_of_work():
            counts = importer(root)
        click.echo(", ".join(f"{name}: {count}" for name, count in counts.items()))


def init_app(app: Flask) -> None:
    app.cli.add_command(storage_cli)

"""The studio's own tables: one working copy (draft) per course, every version published from
the browser, and the organisation's publishing rule."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from advocacy.core.clock import UTCDateTime, utcnow
from advocacy.core.db import Model


class CourseDraft(Model):
    """A working copy of one course in the content/ format: {"en/course.md": text, ...}.

    `revision` is the version check: a save names the revision its form was opened on, and a
    save on an older one is refused (no lost update). The UPDATE itself names the revision too
    (studio/drafts.py), so two saves at the same moment cannot both win."""

    id: Mapped[int] = mapped_column(primary_key=True)
    course_slug: Mapped[str] = mapped_column(String(80), unique=True)
    files: Mapped[dict] = mapped_column(JSON, default=dict)
    # The published files the draft started from (empty for a course never published).
    base_files: Mapped[dict] = mapped_column(JSON, default=dict)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    editor_ids: Mapped[list] = mapped_column(JSON, default=list)  # everyone who saved it (four eyes)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


class CourseRelease(Model):
    """A version of a course published from the browser: its files and those it replaced."""

    id: Mapped[int] = mapped_column(primary_key=True)
    course_slug: Mapped[str] = mapped_column(String(80), index=True)
    number: Mapped[int] = mapped_column(Integer)
    files: Mapped[dict] = mapped_column(JSON, default=dict)
    previous_files: Mapped[dict] = mapped_column(JSON, default=dict)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    editor_ids: Mapped[list] = mapped_column(JSON, default=list)

    __table_args__ = (UniqueConstraint("course_slug", "number"),)


class StudioSettings(Model):
    """Row 1: the organisation's publishing rule."""

    id: Mapped[int] = mapped_column(primary_key=True)
    # A second author approves: whoever saved the draft may not publish it.
    four_eyes: Mapped[bool] = mapped_column(Boolean, default=False)

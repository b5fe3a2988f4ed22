"""A learner's own rows, for the pages they open most, in one round trip.

Home, a course, a lesson and the feed each need a few small facts about one person: the lessons
they read and where they were, their tier grants, their certifications, the policy versions they
acknowledged and the due dates HR set. Asked one by one that is six statements, and on these pages
building and running a statement costs more than its data. So they come back as one UNION ALL of
tagged rows, with the content stamp (courses/catalogue.py) riding along, so the catalogue needs no
query of its own either. The rows are few per person (at most a few dozen).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache

from sqlalchemy import Date, Integer, String, Text, bindparam, cast, literal_column, null, select, union_all

from advocacy.core.clock import UTCDateTime
from advocacy.core.db import db
from advocacy.core.revision import STAMP_ROW, ContentRevision, remember_stamp
from advocacy.learning.models.progress import CourseResume, DueDate, LessonProgress, PolicyAcknowledgement, TierGrant
from advocacy.learning.models.quizzes import Attempt, Certification
from advocacy.learning.rules.validity import CertificationRow
from advocacy.learning.rules.validity import valid_tiers as tiers_held


@dataclass(frozen=True)
class GrantRow:
    """A tier grant as the learning pages show it (TierGrant's fields of the same names)."""

    id: int
    tier: str
    status: str
    note: str
    requested_at: datetime | None
    decided_at: datetime | None


@dataclass
class LearnerRecord:
    read: set[int] = field(default_factory=set)                      # lesson ids
    resume: dict[int, int] = field(default_factory=dict)             # course id -> lesson id
    grants: dict[str, GrantRow] = field(default_factory=dict)        # tier -> grant
    certifications: list[CertificationRow] = field(default_factory=list)  # revoked ones too
    acknowledged: set[int] = field(default_factory=set)              # policy version ids
    due_dates: dict[str, date] = field(default_factory=dict)         # tier -> HR's date
    # course id -> (submitted_at, passed) of each finished attempt, oldest first (for the cooldown)
    outcomes: dict[int, list[tuple[datetime, bool]]] = field(default_factory=dict)

    def valid_tiers(self, now: datetime) -> set[str]:
        return tiers_held(self.certifications, now)


# The columns every branch fills, in this order: kind, two numbers, three texts, three times, a date.
_TYPES = (Integer, Integer, String, String, Text, UTCDateTime, UTCDateTime, UTCDateTime, Date)


def _row(kind: str, **values):
    """One branch: `values` by column name (n1 n2 s1 s2 s3 t1 t2 t3 d1), NULL elsewhere, cast to the
    column's type (PostgreSQL matches a UNION's column types branch by branch)."""
    names = ("n1", "n2", "s1", "s2", "s3", "t1", "t2", "t3", "d1")
    columns = [literal_column(f"'{kind}'", String).label("kind")]
    for name, type_ in zip(names, _TYPES):
        value = values.get(name)
        columns.append((value if value is not None else cast(null(), type_)).label(name))
    return columns


@cache
def _record_statement():
    """Built once per process; the first branch fixes the result types of every column."""

    user_id = bindparam("user_id")
    return union_all(
        select(*_row("stamp", s1=ContentRevision.stamp)).where(ContentRevision.id == STAMP_ROW),
        select(*_row("read", n1=LessonProgress.lesson_id)).where(LessonProgress.user_id == user_id),
        select(*_row("resume", n1=CourseResume.lesson_id, n2=CourseResume.course_id))
        .where(CourseResume.user_id == user_id),
        select(*_row("grant", n1=TierGrant.id, s1=TierGrant.tier, s2=TierGrant.status, s3=TierGrant.note,
                     t1=TierGrant.requested_at, t2=TierGrant.decided_at)).where(TierGrant.user_id == user_id),
        select(*_row("cert", s1=Certification.tier, t1=Certification.passed_at, t2=Certification.expires_at,
                     t3=Certification.revoked_at)).where(Certification.user_id == user_id),
        select(*_row("ack", n1=PolicyAcknowledgement.policy_version_id))
        .where(PolicyAcknowledgement.user_id == user_id),
        select(*_row("due", s1=DueDate.tier, d1=DueDate.due_on)).where(DueDate.user_id == user_id),
        select(*_row("outcome", n1=Attempt.course_id, n2=Attempt.id, s1=cast(Attempt.passed, String),
                     t1=Attempt.submitted_at))
        .where(Attempt.user_id == user_id, Attempt.submitted_at.is_not(None)),
    )


def learner_record(user_id: int) -> LearnerRecord:
    """Everything above for one person: one query. In a request, the content stamp read with it
    is the one the catalogue then uses."""
    record, stamp = LearnerRecord(), None
    outcomes: list[tuple[int, datetime, int, bool]] = []
    for kind, n1, n2, s1, s2, s3, t1, t2, t3, d1 in db.session.execute(_record_statement(), {"user_id": user_id}):
        if kind == "read":
            record.read.add(n1)
        elif kind == "resume":
            record.resume[n2] = n1
        elif kind == "grant":
            record.grants[s1] = GrantRow(n1, s1, s2, s3 or "", t1, t2)
        elif kind == "cert":
            record.certifications.append(CertificationRow(s1, t1, t2, t3))
        elif kind == "ack":
            record.acknowledged.add(n1)
        elif kind == "due":
            record.due_dates[s1] = d1
        elif kind == "outcome":
            outcomes.append((n1, t1, n2, s1 in ("1", "true", "t")))
        elif kind == "stamp":
            stamp = s1
    for course_id, submitted_at, _attempt_id, passed in sorted(outcomes, key=lambda o: (o[1], o[2])):
        record.outcomes.setdefault(course_id, []).append((submitted_at, passed))
    remember_stamp(stamp)
    return record


def valid_tiers(user_id: int, now: datetime) -> set[str]:
    """The tiers this person holds a valid certification for at `now` (one query)."""
    return learner_record(user_id).valid_tiers(now)

"""Privacy: a person's own data as JSON, their choices, and HR erasing a person who left.

Erasure removes what identifies the person (name, e-mail, password, free text they wrote) and
keeps the rows that reports count (certifications, progress, shares, clicks), now anonymous.
"""
from __future__ import annotations

import json
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from advocacy.core.clock import utcnow
from advocacy.core.db import db
from advocacy.core.organisation import User

ERASED_NAME = "Former employee"


def people_page(query: str, department_id: int | None, page: int):
    stmt = select(User).where(User.erased_at.is_(None)).order_by(User.name, User.id)
    if query:
        stmt = stmt.where(User.name.icontains(query, autoescape=True) | User.email.icontains(query, autoescape=True))
    if department_id:
        stmt = stmt.where(User.department_id == department_id)
    return db.paginate(stmt, page=page, per_page=50, error_out=False)


def save_choices(user: User, *, leaderboard: bool, digest: bool) -> None:
    user.leaderboard_opt_in = bool(leaderboard)
    if digest:
        user.digest_unsubscribed_at = None
    elif user.digest_unsubscribed_at is None:
        user.digest_unsubscribed_at = utcnow()


# -- erasure ---------------------------------------------------------------------------------------

def erase_refusal(person: User, actor: User) -> str | None:
    """Why this actor may not erase this person, or None."""
    if person.id == actor.id:
        return _("You cannot erase yourself. Ask a colleague in HR.")
    if person.has_role("admin") and not actor.has_role("admin"):
        return _("Only an admin can erase an admin.")
    return None


def erase_person(person: User) -> None:
    """Remove personal data; keep anonymous counts. The caller commits."""
    from advocacy.identity.models import AuthToken
    from advocacy.core.audit import record
    from advocacy.core.audit import AuditEntry

    identifying = [text for text in (person.email, person.name) if text and len(text) >= 3]
    person.name = ERASED_NAME
    person.email = None
    person.password_hash = None
    person.rotate_session_token()  # every open session and remember-me cookie stops working
    person.active = False
    person.erased_at = utcnow()
    person.language = None
    person.start_date = None
    person.leaderboard_opt_in = False
    person.digest_unsubscribed_at = person.erased_at
    person.set_roles([])
    db.session.execute(delete(AuthToken).where(AuthToken.user_id == person.id))
    for text in identifying:  # the audit log keeps what happened, without who it was
        db.session.execute(update(AuditEntry).where(AuditEntry.detail.contains(text, autoescape=True))
                           .values(detail=func.replace(AuditEntry.detail, text, "[erased]")))
    for hook in ERASE_HOOKS:
        hook(person)
    record("person.erase", f"person #{person.id} erased", subject_id=person.id)


def clear_grant_notes(person: User) -> None:
    from advocacy.learning.models.progress import TierGrant

    db.session.execute(update(TierGrant).where(TierGrant.user_id == person.id).values(note=""))


def clear_quiz_answers(person: User) -> None:
    """What the person answered (short answers are free text); score and pass/fail stay."""
    from advocacy.learning.models.quizzes import Attempt

    db.session.execute(update(Attempt).where(Attempt.user_id == person.id).values(results=None))


# Free text a person wrote, in other features' tables: each hook blanks it for one person.
ERASE_HOOKS = [clear_grant_notes, clear_quiz_answers]


# -- download my data ------------------------------------------------------------------------------

def plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def rows_as_dicts(model, user_id: int, fields: tuple[str, ...], order_by: str) -> list[dict]:
    rows = db.session.scalars(select(model).where(model.user_id == user_id).order_by(getattr(model, order_by)))
    return [{name: plain(getattr(row, name)) for name in fields} for row in rows]


def personal_data(user: User) -> dict:
    from advocacy.learning.models.progress import PolicyAcknowledgement, TierGrant
    from advocacy.learning.models.quizzes import Certification
    from advocacy.learning.models.progress import DueDate
    from advocacy.reports.models import ReminderLog

    data = {
        "exported_at": plain(utcnow()),
        "profile": {
            "name": user.name, "email": user.email,
            "department": user.department.name if user.department else None,
            "manager": user.manager.display_name if user.manager else None,
            "start_date": plain(user.start_date), "language": user.language,
            "created_at": plain(user.created_at), "last_login_at": plain(user.last_login_at),
            "leaderboard_opt_in": user.leaderboard_opt_in,
            "weekly_digest": user.digest_unsubscribed_at is None,
        },
        "roles": sorted(user.roles),
        "certifications": rows_as_dicts(Certification, user.id, ("tier", "code", "passed_at", "expires_at",
                                                                 "revoked_at"), "passed_at"),
        "policy_acknowledgements": [
            {"version": ack.policy_version.version, "acknowledged_at": plain(ack.acknowledged_at)}
            for ack in db.session.scalars(select(PolicyAcknowledgement)
                                          .where(PolicyAcknowledgement.user_id == user.id)
                                          .order_by(PolicyAcknowledgement.acknowledged_at))],
        "tier_requests": rows_as_dicts(TierGrant, user.id, ("tier", "status", "requested_at", "decided_at", "note"),
                                       "requested_at"),
        "due_dates": rows_as_dicts(DueDate, user.id, ("tier", "due_on"), "tier"),
        "reminders_received": rows_as_dicts(ReminderLog, user.id, ("kind", "subject", "sent_at"), "sent_at"),
    }
    data.update(learning_and_sharing(user.id))
    return data


def learning_and_sharing(user_id: int) -> dict:
    """Lessons read, quiz attempts, and shares with the clicks each tracked link brought."""
    from advocacy.learning.models.courses import Course, Lesson
    from advocacy.learning.models.progress import LessonProgress
    from advocacy.feed.models import Click, Post, Share, TrackedLink
    from advocacy.learning.models.quizzes import Attempt

    lessons = db.session.execute(
        select(Course.tier, Course.slug, Lesson.slug, LessonProgress.read_at)
        .join(Lesson, Lesson.id == LessonProgress.lesson_id).join(Course, Course.id == Lesson.course_id)
        .where(LessonProgress.user_id == user_id).order_by(LessonProgress.read_at))
    attempts = db.session.execute(
        select(Course.tier, Attempt.started_at, Attempt.submitted_at, Attempt.score, Attempt.passed)
        .join(Course, Course.id == Attempt.course_id).where(Attempt.user_id == user_id).order_by(Attempt.started_at))
    shares = db.session.execute(
        select(Post.title, Share.network, Share.shared_at).join(Post, Post.id == Share.post_id)
        .where(Share.user_id == user_id).order_by(Share.shared_at))
    clicks = db.session.execute(
        select(Post.title, TrackedLink.network, func.count(Click.id)).join(Post, Post.id == TrackedLink.post_id)
        .join(Click, Click.link_id == TrackedLink.id).where(TrackedLink.user_id == user_id)
        .group_by(Post.title, TrackedLink.network).order_by(Post.title, TrackedLink.network))
    return {
        "lessons_read": [{"tier": t, "course": c, "lesson": slug, "read_at": plain(at)} for t, c, slug, at in lessons],
        "quiz_attempts": [{"tier": t, "started_at": plain(s), "submitted_at": plain(e), "score": score, "passed": ok}
                          for t, s, e, score, ok in attempts],
        "shares": [{"post": title, "network": n, "shared_at": plain(at)} for title, n, at in shares],
        "clicks_on_your_links": [{"post": title, "network": n, "clicks": count} for title, n, count in clicks],
    }


def export_as_json(user: User) -> str:
    return json.dumps(personal_data(user), indent=2, ensure_ascii=False)


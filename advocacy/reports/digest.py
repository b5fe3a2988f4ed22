"""The weekly digest (`flask digest send`): posts that went live since the last digest, mailed to
every certified person who has not unsubscribed, each seeing only the posts their own feed shows.

Unsubscribing needs no login: the mail carries a signed link (itsdangerous, salted for this one
purpose). Opening it asks for confirmation; only the POST unsubscribes, so link scanners in mail
systems cannot unsubscribe anyone. The List-Unsubscribe headers offer the same link to mail apps.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from advocacy.core.clock import utcnow
from advocacy.core.db import db
from advocacy.core.mail import absolute_url, send_mail
from advocacy.core.organisation import User
from advocacy.core.transaction import unit_of_work
from advocacy.feed.models import Post
from advocacy.feed.visibility import reaches
from advocacy.learning.models.progress import PolicyAcknowledgement
from advocacy.learning.models.quizzes import Certification
from advocacy.learning.policy import current_policy
from advocacy.reports.models import ReminderLog
from advocacy.reports.reminders import CHUNK, Reminder, claim, week_of

SALT = "digest-unsubscribe"
FIRST_WINDOW = timedelta(days=7)


# Each digest carries a fresh link; a link works this long, so a forwarded or leaked old mail
# cannot unsubscribe someone for ever after.
UNSUBSCRIBE_DAYS = 60


def serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def unsubscribe_token(user_id: int) -> str:
    return serializer().dumps(user_id)


def user_from_token(token: str) -> User | None:
    """The person an unsubscribe link is for, or None when it is forged, garbled or expired."""
    try:
        user_id = serializer().loads(token, max_age=UNSUBSCRIBE_DAYS * 24 * 3600)
    except BadSignature:  # SignatureExpired is one too
        return None
    person = db.session.get(User, user_id) if isinstance(user_id, int) else None
    return person if person is not None and person.erased_at is None else None


def unsubscribe(person: User) -> None:
    if person.digest_unsubscribed_at is None:
        person.digest_unsubscribed_at = utcnow()


# -- who gets which posts --------------------------------------------------------------------------

@dataclass
class Recipient:
    id: int
    email: str
    name: str
    language: str | None
    department_id: int | None
    tiers: set[str] = field(default_factory=set)
    posts: list = field(default_factory=list)


def digest_since(now: datetime) -> datetime:
    """The moment the previous digest went out (any earlier week), or a week ago for the first one."""
    last = db.session.scalar(select(func.max(ReminderLog.sent_at))
                             .where(ReminderLog.kind == "digest", ReminderLog.period != week_of(now)))
    return last or now - FIRST_WINDOW


def new_live_posts(since: datetime, now: datetime) -> list:
    return list(db.session.scalars(
        select(Post).options(selectinload(Post.departments))
        .where(Post.is_live_at(now), Post.publish_at > since).order_by(Post.publish_at, Post.id)))


def certified_recipients(now: datetime) -> dict[int, Recipient]:
    """People with a valid certification who acknowledged the current policy, keep the digest, and
    have not had this week's digest yet (three queries)."""
    rows = db.session.execute(
        select(User.id, User.email, User.name, User.language, User.department_id, Certification.tier)
        .join(Certification, Certification.user_id == User.id)
        .where(Certification.is_valid_at(now), User.is_active,
               User.email.is_not(None), User.digest_unsubscribed_at.is_(None))
    ).all()
    recipients: dict[int, Recipient] = {}
    for row in rows:
        recipients.setdefault(row.id, Recipient(row.id, row.email, row.name, row.language, row.department_id))
        recipients[row.id].tiers.add(row.tier)
    policy = current_policy()
    if policy is not None:
        acknowledged = set(db.session.scalars(select(PolicyAcknowledgement.user_id)
                                              .where(PolicyAcknowledgement.policy_version_id == policy.id)))
        recipients = {k: v for k, v in recipients.items() if k in acknowledged}
    done = set(db.session.scalars(select(ReminderLog.user_id).where(ReminderLog.kind == "digest",
                                                                    ReminderLog.period == week_of(now))))
    return {k: v for k, v in recipients.items() if k not in done}


def digests_due(now: datetime) -> list[Recipient]:
    posts = new_live_posts(digest_since(now), now)
    if not posts:
        return []
    recipients = certified_recipients(now)
    for recipient in recipients.values():
        recipient.posts = [post for post in posts
                           if reaches(post.min_tier, [d.id for d in post.departments], recipient.tiers,
                                      recipient.department_id)]
    return sorted((r for r in recipients.values() if r.posts), key=lambda r: r.email)


def send_digests(recipients: list[Recipient], now: datetime) -> tuple[int, list[str]]:
    """Claim and queue each recipient's digest, CHUNK per transaction; (queued, failed: none here)."""
    sent = 0
    for start in range(0, len(recipients), CHUNK):
        chunk = recipients[start:start + CHUNK]
        with unit_of_work():
            won = claim([(r.id, Reminder(r.id, "digest", "weekly", week_of(now))) for r in chunk], now)
            for recipient in chunk:
                if (recipient.id, "digest", "weekly", week_of(now)) in won:
                    digest_mail(recipient)
                    sent += 1
    return sent, []


def digest_mail(recipient: Recipient):
    link = absolute_url(url_for("reports.unsubscribe_digest", token=unsubscribe_token(recipient.id)))
    posts = [(post.title, absolute_url(url_for("feed.show", post_id=post.id))) for post in recipient.posts]
    with force_locale(recipient.language or "en"):
        subject = _("New to share this week: %(n)d posts", n=len(posts)) if len(posts) > 1 else \
            _("New to share this week: %(title)s", title=posts[0][0])
        body = render_template("reports/mail_digest.txt", recipient=recipient, posts=posts, unsubscribe=link)
    headers = {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    send_mail(recipient.email, subject, body, headers=headers, lang=recipient.language or "en")


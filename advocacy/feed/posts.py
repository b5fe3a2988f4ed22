"""Writing and reviewing posts. Every change is a compare-and-set on (status, version), so two
people acting at once never both win, and a reviewer never approves a version they did not see.
The route commits."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from advocacy.core.db import db, rows_changed
from advocacy.core.images import store_image
from advocacy.core.organisation import Department, User
from advocacy.feed import rules
from advocacy.feed.announce import announce_if_live, announce_withdrawn
from advocacy.feed.models import Caption, Post, PostEvent, PostVersion
from advocacy.learning.models.goals import Goal


class PostError(Exception):
    """A change that cannot be made; the message is for the person who tried."""


STALE = _l("Someone changed this post while you were looking at it. Here is the newest version; "
           "nothing was saved.")


def snapshot(post: Post) -> dict:
    """Everything a version consists of, as plain JSON."""
    return {
        "title": post.title, "body": post.body, "link": post.link, "slug": post.slug,
        "hashtags": post.hashtags, "min_tier": post.min_tier,
        "goal": {"id": post.goal.id, "name": post.goal.name} if post.goal else None,
        "departments": [{"id": d.id, "name": d.name} for d in post.departments],
        "publish_at": post.publish_at.isoformat(),
        "expires_at": post.expires_at.isoformat() if post.expires_at else None,
        "image": post.image_name, "image_type": post.image_type, "image_alt": post.image_alt,
        "captions": {n: [c.text for c in post.captions_for(n)] for n in rules.CAPTION_NETWORKS},
    }


def changed_fields(before: dict | None, after: dict) -> list[str]:
    if before is None:
        return []
    return [key for key in after if before.get(key) != after.get(key)]


def unique_slug(wanted: str, post_id: int | None = None) -> str:
    taken = set(db.session.scalars(select(Post.slug).where(Post.slug.like(wanted + "%"),
                                                           Post.id != (post_id or 0))))
    slug, n = wanted, 2
    while slug in taken:
        slug, n = f"{wanted[:55]}-{n}", n + 1
    return slug


def _set_captions(post: Post, captions: dict[str, list[str]]) -> None:
    """Update rows in place: deleting and re-adding would trip the (post, network, position) key."""
    existing = {(c.network, c.position): c for c in post.captions}
    for network in rules.CAPTION_NETWORKS:
        texts = captions.get(network, [])
        for position in range(rules.VARIANTS_PER_NETWORK):
            row = existing.get((network, position))
            text = texts[position] if position < len(texts) else ""
            if row is not None and text:
                row.text = text
            elif row is not None:
                post.captions.remove(row)
            elif text:
                post.captions.append(Caption(network=network, position=position, text=text))


def _apply(post: Post, values: dict) -> None:
    with db.session.no_autoflush:  # the slug and department lookups must not flush a half-made post
        _apply_values(post, values)


def _apply_values(post: Post, values: dict) -> None:
    for key in ("title", "body", "link", "hashtags", "min_tier", "goal_id", "publish_at", "expires_at",
                "image_alt"):
        setattr(post, key, values[key])
    post.slug = unique_slug(values["slug"] or rules.slugify(values["title"]), post.id)
    post.goal = db.session.get(Goal, values["goal_id"]) if values["goal_id"] else None
    ids = values["department_ids"]
    post.departments = list(db.session.scalars(select(Department).where(Department.id.in_(ids)))) if ids else []
    image = values["image"]
    if image == "remove":
        post.image_name = post.image_type = None
    elif image != "keep":
        data, mimetype = image
        post.image_name, post.image_type = store_image(data, mimetype), mimetype
    _set_captions(post, values["captions"])


def _log(post: Post, action: str, actor: User, now: datetime, comment: str = "") -> None:
    db.session.add(PostEvent(post_id=post.id, version=post.version, action=action, actor_id=actor.id, at=now,
                             comment=comment))


def _keep_version(post: Post, actor: User, now: datetime) -> None:
    db.session.flush()
    db.session.add(PostVersion(post_id=post.id, number=post.version, created_by_id=actor.id, created_at=now,
                               snapshot=snapshot(post)))


def create_post(values: dict, author: User, now: datetime) -> Post:
    post = Post(status=rules.DRAFT, version=1, author_id=author.id, created_at=now, updated_at=now)
    db.session.add(post)
    _apply(post, values)
    _keep_version(post, author, now)
    _log(post, "created", author, now)
    return post


def _claim(post: Post, expected_version: int, expected_status: str, **values) -> None:
    """Change the row only if nobody else changed it since the person loaded it."""
    claimed = rows_changed(
        update(Post).where(Post.id == post.id, Post.version == expected_version, Post.status == expected_status)
        .values(**values).execution_options(synchronize_session=False))
    if claimed != 1:
        db.session.rollback()
        raise PostError(STALE)
    db.session.refresh(post)


def edit_post(post: Post, values: dict, editor: User, expected_version: int, now: datetime) -> bool:
    """Save an edit as a new version; False when nothing changed. An approved post goes back to
    review; a withdrawn post cannot be edited."""
    status = rules.next_status("edit", post.status)
    if status is None:
        raise PostError(_l("This post was withdrawn and can no longer be edited."))
    if post.version != expected_version:
        raise PostError(STALE)
    before = snapshot(post)
    _apply(post, values)
    if snapshot(post) == before:
        db.session.rollback()
        return False
    new_version, old_status = expected_version + 1, post.status
    db.session.flush()
    _claim(post, expected_version, old_status, version=new_version, status=status, updated_at=now)
    _keep_version(post, editor, now)
    _log(post, "edited", editor, now)
    return True


def submit_post(post: Post, actor: User, expected_version: int, now: datetime) -> None:
    _transition(post, "submit", actor, expected_version, now)
    _log(post, "submitted", actor, now)


def approve_post(post: Post, reviewer: User, expected_version: int, comment: str, now: datetime) -> None:
    _check_four_eyes(post, reviewer)
    _transition(post, "approve", reviewer, expected_version, now, approved_version=expected_version,
                approved_by_id=reviewer.id, approved_at=now, approved_link=post.link, approved_slug=post.slug)
    _log(post, "approved", reviewer, now, comment)
    announce_if_live(post, now)


def return_post(post: Post, reviewer: User, expected_version: int, comment: str, now: datetime) -> None:
    if not comment.strip():
        raise PostError(_l("Say what must change: a returned post needs a comment."))
    _check_four_eyes(post, reviewer)
    _transition(post, "return", reviewer, expected_version, now)
    _log(post, "returned", reviewer, now, comment.strip())


def withdraw_post(post: Post, actor: User, now: datetime, comment: str = "") -> None:
    """Hide the post at once: from the feed, from sharing, and its tracked links stop redirecting."""
    was_announced = post.live_announced_version is not None
    _transition(post, "withdraw", actor, post.version, now, withdrawn_at=now, withdrawn_by_id=actor.id)
    _log(post, "withdrawn", actor, now, comment)
    announce_withdrawn(post, was_announced)


def _transition(post: Post, action: str, actor: User, expected_version: int, now: datetime, **extra) -> None:
    target = rules.next_status(action, post.status)
    if target is None:
        raise PostError(_l("That cannot be done to a post in this state."))
    _claim(post, expected_version, post.status, status=target, updated_at=now, **extra)


def contributor_ids(post: Post) -> set[int | None]:
    """The author, and everyone who wrote a version since the last approval: the people whose
    words are under review and who therefore cannot approve them."""
    since = post.approved_version or 0
    editors = db.session.scalars(select(PostVersion.created_by_id).where(PostVersion.post_id == post.id,
                                                                        PostVersion.number > since))
    return {post.author_id, *editors}


def reviewer_may_decide(post: Post, reviewer: User) -> bool:
    return reviewer.has_role("reviewer") and rules.may_review(reviewer.id, contributor_ids(post))


def _check_four_eyes(post: Post, reviewer: User) -> None:
    if not reviewer_may_decide(post, reviewer):
        raise FourEyes()


class FourEyes(PostError):
    """The author (or the last editor) tried to review their own post."""

    def __init__(self):
        super().__init__(_l("You wrote this post or changes to it under review: another reviewer must decide."))

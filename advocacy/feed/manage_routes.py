"""Marketing writes posts; reviewers approve or return them; both can withdraw one."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from advocacy.core.clock import utcnow
from advocacy.core.db import db
from advocacy.core.display import input_value, organisation_zone
from advocacy.core.organisation import Department
from advocacy.core.pagination import page_number
from advocacy.feed import posts as post_service
from advocacy.feed import rules
from advocacy.feed.forms import PostForm, ReviewForm, caption_field_name
from advocacy.feed.models import Post, PostEvent, PostVersion
from advocacy.feed.routes import bp
from advocacy.feed.stats import post_totals
from advocacy.identity.guards import role_required
from advocacy.learning.models.goals import Goal

LIST_PAGE_SIZE = 20


def load_post_or_404(post_id: int) -> Post:
    post = db.session.scalar(select(Post).where(Post.id == post_id)
                             .options(selectinload(Post.captions), selectinload(Post.departments),
                                      joinedload(Post.goal), joinedload(Post.author)))
    if post is None:
        abort(404)
    return post


def post_form(post: Post | None = None) -> PostForm:
    goals = db.session.scalars(select(Goal).where(Goal.retired_at.is_(None)).order_by(Goal.name)).all()
    data = None if request.method == "POST" else form_data(post)
    form = PostForm(data=data, zone=organisation_zone(), goal_required=bool(goals))
    form.goal_id.choices = [(0, _("Choose a goal") if goals else _("No goals yet"))] + [(g.id, g.name) for g in goals]
    form.departments.choices = [(d.id, d.name) for d in
                                db.session.scalars(select(Department).order_by(Department.name))]
    return form


def form_data(post: Post | None) -> dict:
    if post is None:
        start = (utcnow() + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
        return {"publish_at": input_value(start), "min_tier": "basic", "goal_id": 0}
    data = {"title": post.title, "body": post.body, "link": post.link, "image_alt": post.image_alt,
            "hashtags": post.hashtags, "min_tier": post.min_tier, "goal_id": post.goal_id or 0,
            "departments": [d.id for d in post.departments], "slug": post.slug, "version": post.version,
            "publish_at": input_value(post.publish_at), "expires_at": input_value(post.expires_at)}
    for network in rules.CAPTION_NETWORKS:
        for caption in post.captions_for(network):
            data[caption_field_name(network, caption.position)] = caption.text
    return data


def expected_version() -> int:
    try:
        return int(request.form.get("version", ""))
    except ValueError:
        abort(400)


@bp.get("/posts")
@role_required("marketing")
def manage():
    now = utcnow()
    state = request.args.get("state", "")
    query = select(Post).options(joinedload(Post.author)).order_by(Post.updated_at.desc(), Post.id.desc())
    if state in rules.PHASES:
        query = query.where(Post.phase_at(now) == state)
    page = db.paginate(query, page=page_number(), per_page=LIST_PAGE_SIZE,
                       error_out=False)
    phases = select(Post.phase_at(now).label("phase")).subquery()
    counts = dict(db.session.execute(select(phases.c.phase, func.count()).group_by(phases.c.phase)).all())
    return render_template("feed/manage.html", page=page, state=state, counts=counts, now=now,
                           totals=post_totals([p.id for p in page.items]))


@bp.route("/posts/new", methods=["GET", "POST"])
@role_required("marketing")
def new_post():
    form = post_form()
    if form.validate_on_submit():
        post = post_service.create_post(form.values(), current_user, utcnow())
        if request.form.get("action") == "submit":
            post_service.submit_post(post, current_user, post.version, utcnow())
        flash(_("Post saved."), "success")
        return redirect(url_for("feed.post_detail", post_id=post.id))
    return render_template("feed/edit.html", form=form, post=None)


@bp.get("/posts/<int:post_id>")
@role_required("marketing", "reviewer")
def post_detail(post_id: int):
    post = load_post_or_404(post_id)
    last_review = db.session.scalar(select(PostEvent).where(PostEvent.post_id == post.id,
                                                            PostEvent.action.in_(("approved", "returned")))
                                    .order_by(PostEvent.at.desc(), PostEvent.id.desc()).limit(1))
    return render_template("feed/post.html", post=post, phase=post.phase_at(utcnow()), last_review=last_review)


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@role_required("marketing")
def edit_post(post_id: int):
    post = load_post_or_404(post_id)
    if rules.next_status("edit", post.status) is None:
        flash(_("This post was withdrawn and can no longer be edited."), "error")
        return redirect(url_for("feed.post_detail", post_id=post.id))
    form = post_form(post)
    if form.validate_on_submit():
        try:
            changed = post_service.edit_post(post, form.values(), current_user, expected_version(), utcnow())
            if request.form.get("action") == "submit" and rules.next_status("submit", post.status):
                post_service.submit_post(post, current_user, post.version, utcnow())
        except post_service.PostError as error:
            flash(str(error), "error")
            return redirect(url_for("feed.edit_post", post_id=post_id))
        flash(_("Saved as a new version.") if changed else _("Nothing changed."), "success" if changed else "info")
        return redirect(url_for("feed.post_detail", post_id=post.id))
    return render_template("feed/edit.html", form=form, post=post)


@bp.post("/posts/<int:post_id>/submit")
@role_required("marketing")
def submit_post(post_id: int):
    post = load_post_or_404(post_id)
    return _act(post, lambda: post_service.submit_post(post, current_user, expected_version(), utcnow()),
                _("Sent for review."))


@bp.post("/posts/<int:post_id>/withdraw")
@role_required("marketing", "reviewer")
def withdraw_post(post_id: int):
    post = load_post_or_404(post_id)
    return _act(post, lambda: post_service.withdraw_post(post, current_user, utcnow()),
                _("Withdrawn: the post is hidden and its links no longer redirect."))


def _act(post: Post, action, done: str, next_endpoint: str = "feed.post_detail"):
    try:
        action()
    except post_service.FourEyes:
        abort(403)
    except post_service.PostError as error:
        db.session.rollback()  # nothing of a refused change may be committed with the redirect
        flash(str(error), "error")
        return redirect(url_for("feed.post_detail", post_id=post.id))
    flash(done, "success")
    if next_endpoint == "feed.review_queue":
        return redirect(url_for(next_endpoint))
    return redirect(url_for(next_endpoint, post_id=post.id))


@bp.get("/posts/<int:post_id>/history")
@role_required("marketing", "reviewer")
def history(post_id: int):
    post = load_post_or_404(post_id)
    versions = db.session.scalars(select(PostVersion).where(PostVersion.post_id == post.id)
                                  .options(joinedload(PostVersion.created_by))
                                  .order_by(PostVersion.number.desc())).all()
    events = db.session.scalars(select(PostEvent).where(PostEvent.post_id == post.id)
                                .options(joinedload(PostEvent.actor))
                                .order_by(PostEvent.at.desc(), PostEvent.id.desc())).all()
    snapshots = {v.number: v.snapshot for v in versions}
    changes = {v.number: post_service.changed_fields(snapshots.get(v.number - 1), v.snapshot) for v in versions}
    return render_template("feed/history.html", post=post, versions=versions, events=events, changes=changes)


@bp.get("/review")
@role_required("reviewer")
def review_queue():
    posts = db.session.scalars(select(Post).where(Post.status == rules.IN_REVIEW)
                               .options(joinedload(Post.author)).order_by(Post.updated_at)).all()
    return render_template("feed/review_queue.html", posts=posts, now=utcnow())


@bp.route("/review/<int:post_id>", methods=["GET", "POST"])
@role_required("reviewer")
def review(post_id: int):
    post = load_post_or_404(post_id)
    may_decide = post_service.reviewer_may_decide(post, current_user)
    form = ReviewForm(data=None if request.method == "POST" else {"version": post.version})
    if form.validate_on_submit():
        decision = request.form.get("decision", "")
        decide = {"approve": post_service.approve_post, "return": post_service.return_post}.get(decision)
        if decide is None:
            abort(400)
        comment = (form.comment.data or "").strip()
        if decision == "return" and not comment:
            form.comment.errors = [_("Say what must change: a returned post needs a comment.")]
            return _review_page(post, form, may_decide), 200
        return _act(post, lambda: decide(post, current_user, expected_version(), comment, utcnow()),
                    _("Approved.") if decision == "approve" else _("Returned to the author."),
                    next_endpoint="feed.review_queue")
    return _review_page(post, form, may_decide)


def _review_page(post: Post, form: ReviewForm, may_decide: bool):
    approved = None
    if post.approved_version:
        approved = db.session.scalar(select(PostVersion.snapshot).where(PostVersion.post_id == post.id,
                                                                        PostVersion.number == post.approved_version))
    changes = post_service.changed_fields(approved, post_service.snapshot(post)) if approved else []
    return render_template("feed/review.html", post=post, form=form, may_decide=may_decide, changes=changes,
                           phase=post.phase_at(utcnow()))

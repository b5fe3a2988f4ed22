"""The employee's side of the feed: the feed, a post, its image, sharing, and my shares."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from advocacy.core import blobs
from advocacy.core.clock import utcnow
from advocacy.core.db import db
from advocacy.core.images import image_hash
from advocacy.core.pagination import page_number as bounded_page
from advocacy.feed import rules
from advocacy.feed.display import display_helpers, policy_url
from advocacy.feed.listing import feed_page
from advocacy.feed.models import Post, Share, TrackedLink
from advocacy.feed.sharing import destination, offer_for, offers_for, record_share, tracked_url
from advocacy.feed.stats import clicks_per_day, link_totals
from advocacy.feed.visibility import reach_of, visible_post_or_404

bp = Blueprint("feed", __name__)
bp.context_processor(display_helpers)

FEED_PAGE_SIZE = 10
SHARES_PAGE_SIZE = 20


def page_number() -> int:
    return bounded_page()


@bp.get("/feed")
@login_required
def index():
    now = utcnow()
    reach = reach_of(current_user, now)
    if not reach.policy_ok:
        return render_template("feed/locked.html", policy_url=policy_url())
    page = feed_page(reach, now, page_number(), FEED_PAGE_SIZE)
    offers = {post.id: offers_for(post, current_user.id) for post in page.items}
    return render_template("feed/index.html", page=page, offers=offers, reach=reach, locked=page.locked)


@bp.get("/feed/<int:post_id>")
@login_required
def show(post_id: int):
    post = visible_post_or_404(current_user, post_id, utcnow())
    return render_template("feed/show.html", post=post, offers=offers_for(post, current_user.id))


# A name "<sha256>.<ext>" always means the same bytes, so a browser may keep the image for a year
# and never ask again. Only a live post's image may be kept that way ("public": also by a cache on
# the way, which Vary: Cookie keys per signed-in person); an image of a post not yet published is
# asked for again every time (a 304 when unchanged), so the access rule is checked on each view.
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "private, no-cache"


def post_with_image(post_id: int) -> Post:
    """Marketing and reviewers see every post's image (drafts too); everyone else only the image of
    a post they may see. Anything else is a 404."""
    if current_user.has_role("marketing", "reviewer"):
        post = db.get_or_404(Post, post_id)
    else:
        post = visible_post_or_404(current_user, post_id, utcnow())
    if not post.image_name:
        abort(404)
    return post


@bp.get("/feed/<int:post_id>/image")
@login_required
def image(post_id: int):
    """The post's current image: a redirect to its address by content (older links keep working)."""
    post = post_with_image(post_id)
    response = redirect(url_for("feed.image_file", post_id=post.id, name=post.image_name))
    response.headers["Cache-Control"] = REVALIDATE
    return response


@bp.get("/feed/<int:post_id>/image/<name>")
@login_required
def image_file(post_id: int, name: str):
    """Only to people who may see the post; served with the type its bytes showed at upload, an
    ETag from its content, and If-None-Match answered with 304 (without reading the bytes)."""
    post = post_with_image(post_id)
    digest = image_hash(post.image_name)
    if name != post.image_name or digest is None:
        abort(404)
    headers = {"ETag": f'"{digest}"', "Vary": "Cookie",
               "Cache-Control": IMMUTABLE if post.is_live_at(utcnow()) else REVALIDATE}
    if request.if_none_match.contains_weak(digest):
        return Response(status=304, headers=headers)
    data = blobs.read(digest)
    if data is None:
        abort(404)
    return Response(data, mimetype=post.image_type, headers={
        **headers, "Content-Disposition": "inline", "Content-Security-Policy": "default-src 'none'; sandbox"})


@bp.get("/feed/<int:post_id>/share/<network>")
@login_required
def share_page(post_id: int, network: str):
    """The caption ready to select, for browsers without JavaScript (and anyone who wants to see
    it first); its button records the share and goes on to the network."""
    if network not in rules.SHARE_NETWORKS:
        abort(404)
    post = visible_post_or_404(current_user, post_id, utcnow())
    link = None
    if network == "other":
        link = db.session.scalar(select(TrackedLink).where(TrackedLink.user_id == current_user.id,
                                                           TrackedLink.post_id == post.id,
                                                           TrackedLink.network == "other"))
    return render_template("feed/share.html", post=post, network=network,
                           offer=offer_for(post, current_user.id, network),
                           link_url=tracked_url(link) if link else None)


@bp.post("/feed/<int:post_id>/share/<network>")
@login_required
def share(post_id: int, network: str):
    """Record the share first, then send the browser to the network (303 after the POST)."""
    if network not in rules.SHARE_NETWORKS:
        abort(404)
    now = utcnow()
    post = visible_post_or_404(current_user, post_id, now)
    _, offer, url = record_share(post, current_user.id, network, now)
    if network == "other":
        if request.accept_mimetypes.best == "application/json":
            return jsonify(url=url, text=offer.caption, title=post.title)
        return redirect(url_for("feed.share_page", post_id=post.id, network="other"), 303)
    return redirect(destination(network, offer, url, post), 303)


@bp.get("/feed/mine")
@login_required
def my_shares():
    last_share = (select(Share.shared_at).where(Share.link_id == TrackedLink.id)
                  .order_by(Share.shared_at.desc()).limit(1).correlate(TrackedLink).scalar_subquery())
    query = (select(TrackedLink).where(TrackedLink.user_id == current_user.id, last_share.is_not(None))
             .options(joinedload(TrackedLink.post)).order_by(last_share.desc(), TrackedLink.id.desc()))
    page = db.paginate(query, page=page_number(), per_page=SHARES_PAGE_SIZE, error_out=False)
    totals = link_totals([link.id for link in page.items])
    return render_template("feed/mine.html", page=page, totals=totals)


@bp.get("/feed/mine/<int:link_id>")
@login_required
def my_link(link_id: int):
    link = db.session.get(TrackedLink, link_id)
    if link is None or link.user_id != current_user.id:
        abort(404)
    since = utcnow() - timedelta(days=30)
    return render_template("feed/link.html", link=link, url=tracked_url(link),
                           totals=link_totals([link.id])[link.id], days=clicks_per_day(link.id, since))


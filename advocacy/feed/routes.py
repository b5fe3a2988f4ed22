from flask import Blueprint, render_template
from flask_login import login_required

from ..auth.guards import role_required

bp = Blueprint("feed", __name__)


@bp.get("/feed")
@login_required
def index():
    return render_template("main/coming.html", area="feed")


@bp.get("/posts")
@role_required("marketing")
def manage():
    return render_template("main/coming.html", area="posts")


@bp.get("/review")
@role_required("reviewer")
def review_queue():
    return render_template("main/coming.html", area="review")

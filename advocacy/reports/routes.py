from flask import Blueprint, render_template

from ..auth.guards import role_required

bp = Blueprint("reports", __name__)


@bp.get("/team")
@role_required("manager")
def team():
    return render_template("main/coming.html", area="team")


@bp.get("/hr")
@role_required("hr")
def hr_dashboard():
    return render_template("main/coming.html", area="hr")

from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("courses", __name__)


@bp.get("/home")
@login_required
def home():
    return render_template("main/coming.html", area="learn")

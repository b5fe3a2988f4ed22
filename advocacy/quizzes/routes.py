from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("quizzes", __name__)


@bp.get("/courses/<slug>/quiz")
@login_required
def start(slug):
    return render_template("main/coming.html", area="quiz")


@bp.get("/verify/<code>")
def verify(code):
    return render_template("main/coming.html", area="verify")

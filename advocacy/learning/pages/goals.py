"""The strategy's goals: "why we're social" for everyone; admin and marketing keep them."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from advocacy.core.clock import utcnow
from advocacy.core.db import db
from advocacy.identity.guards import role_required
from advocacy.learning.goals import current_value
from advocacy.learning.models.goals import Goal
from advocacy.learning.pages.forms import GoalForm, MeasurementForm
from advocacy.learning.pages.lessons import bp, reading_language
from advocacy.learning.services.goals import add_measurement, create_goal, restore_goal, retire_goal, update_goal

GOAL_KEEPERS = ("admin", "marketing")


def goals_with_values(include_retired: bool):
    query = select(Goal).options(selectinload(Goal.texts), selectinload(Goal.measurements)).order_by(Goal.id)
    if not include_retired:
        query = query.where(Goal.retired_at.is_(None))
    now = utcnow()
    return [(goal, current_value(goal, now)) for goal in db.session.scalars(query)]


def goal_or_404(goal_id: int) -> Goal:
    goal = db.session.get(Goal, goal_id)
    if goal is None:
        abort(404)
    return goal


@bp.get("/why")
@login_required
def why():
    return render_template("courses/why.html", goals=goals_with_values(False), language=reading_language())


@bp.get("/goals")
@role_required(*GOAL_KEEPERS)
def goals():
    return render_template("courses/goals.html", goals=goals_with_values(True))


@bp.route("/goals/new", methods=["GET", "POST"])
@role_required(*GOAL_KEEPERS)
def new_goal():
    form = GoalForm()
    if form.validate_on_submit():
        if db.session.scalar(select(Goal.id).where(Goal.slug == form.slug.data)):
            form.slug.errors.append(_("Another goal already uses this short name."))
        else:
            goal = create_goal(form.values(), utcnow())
            flash(_("Goal “%(name)s” added.", name=goal.name), "success")
            return redirect(url_for("courses.goals"))
    return render_template("courses/goal_form.html", form=form, goal=None)


@bp.route("/goals/<int:goal_id>/edit", methods=["GET", "POST"])
@role_required(*GOAL_KEEPERS)
def edit_goal(goal_id):
    goal = goal_or_404(goal_id)
    form = GoalForm(obj=goal)
    form.slug.data = goal.slug  # the slug is how content and posts refer to the goal: fixed
    if not form.is_submitted():
        form.measure.data = goal.measure or ""
    if form.validate_on_submit():
        update_goal(goal, form.values(), utcnow())
        flash(_("Goal “%(name)s” saved.", name=goal.name), "success")
        return redirect(url_for("courses.goals"))
    return render_template("courses/goal_form.html", form=form, goal=goal, measurement_form=MeasurementForm(),
                           value=current_value(goal, utcnow()))


@bp.post("/goals/<int:goal_id>/measurements")
@role_required(*GOAL_KEEPERS)
def add_goal_measurement(goal_id):
    goal = goal_or_404(goal_id)
    form = MeasurementForm()
    if not form.validate():
        flash(_("Enter a number and the date it was measured."), "error")
        return redirect(url_for("courses.edit_goal", goal_id=goal.id) + "#measure")
    add_measurement(goal, form.value.data, form.measured_on.data, current_user.id, utcnow())
    flash(_("Measurement added."), "success")
    return redirect(url_for("courses.edit_goal", goal_id=goal.id) + "#measure")


@bp.post("/goals/<int:goal_id>/retire")
@role_required(*GOAL_KEEPERS)
def retire(goal_id):
    goal = goal_or_404(goal_id)
    retire_goal(goal, utcnow())
    flash(_("Goal “%(name)s” retired: it no longer shows on the goals page.", name=goal.name), "success")
    return redirect(url_for("courses.goals"))


@bp.post("/goals/<int:goal_id>/restore")
@role_required(*GOAL_KEEPERS)
def restore(goal_id):
    goal = goal_or_404(goal_id)
    restore_goal(goal, utcnow())
    flash(_("Goal “%(name)s” is back on the goals page.", name=goal.name), "success")
    return redirect(url_for("courses.goals"))

"""The learner's pages: home, course, lesson reader, "done, next", asking for the expert tier.

Goals, policy and tier administration live in goal_routes.py, policy_routes.py and tier_routes.py
on the same blueprint.
"""
from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from advocacy.core.clock import utcnow
from advocacy.core.markdown import render
from advocacy.core.transaction import writes_on_get
from advocacy.learning.catalogue import catalogue
from advocacy.learning.home import home_for
from advocacy.learning.learner_view import CourseView, load_courses
from advocacy.learning.quiz_window import order_for
from advocacy.learning.record import LearnerRecord, learner_record
from advocacy.learning.rules.validity import states_from
from advocacy.learning.services.reading import mark_lesson_read, remember_lesson_opened
from advocacy.learning.services.tiers import request_expert
from advocacy.learning.standing import eligibility_for, eligibility_from
from advocacy.learning.tiers import tier_label

bp = Blueprint("courses", __name__)
bp.add_app_template_global(tier_label, "tier_label")


def reading_language() -> str:
    """The person's language (or the browser's); lessons fall back to English where untranslated."""
    return str(get_locale())


def course_or_404(slug: str, record: LearnerRecord) -> CourseView:
    views = load_courses(current_user.id, reading_language(), slug=slug, record=record)
    if not views:
        abort(404)
    return views[0]


def lesson_or_404(view: CourseView, lesson_slug: str):
    lesson = next((lesson for lesson in view.lessons if lesson.slug == lesson_slug), None)
    if lesson is None:
        abort(404)  # unknown, retired, or not written in any language we read
    return lesson


def locked_page(view: CourseView, status, record: LearnerRecord):
    certifications = states_from(record.certifications, utcnow())
    return render_template("courses/locked.html", view=view, status=status, certifications=certifications), 403


def open_lesson_or_locked(slug: str, lesson_slug: str):
    """The course, the lesson and the time; the locked page (403) when the tier is closed to this person."""
    record = learner_record(current_user.id)
    view = course_or_404(slug, record)
    lesson = lesson_or_404(view, lesson_slug)
    now = utcnow()
    status = eligibility_from(current_user, record.grants, states_from(record.certifications, now))[view.tier]
    if not status.open:
        abort(make_response(locked_page(view, status, record)))
    return view, lesson, now


@bp.get("/home")
@login_required
def home():
    now = utcnow()
    return render_template("courses/home.html", page=home_for(current_user, reading_language(), now), now=now)


@bp.get("/courses/<slug>")
@login_required
def course(slug):
    record = learner_record(current_user.id)
    view = course_or_404(slug, record)
    now = utcnow()
    grants, certifications = record.grants, states_from(record.certifications, now)
    status = eligibility_from(current_user, grants, certifications)[view.tier]
    content = catalogue()
    goals = content.goals_of(content.course_goals.get(view.course.id, ()))
    return render_template("courses/course.html", view=view, status=status, certification=certifications.get(view.tier),
                           certifications=certifications, grant=grants.get(view.tier),
                           goals=goals, intro=render(view.text.intro, trusted=True), language=reading_language(),
                           quiz_order=order_for(view, record, reading_language(), now))


@bp.get("/courses/<slug>/<lesson_slug>")
@login_required
@writes_on_get("the resume point: the lesson a person last opened, so another device picks up there")
def lesson(slug, lesson_slug):
    view, lesson, now = open_lesson_or_locked(slug, lesson_slug)
    if view.resume_lesson_id != lesson.id:
        remember_lesson_opened(current_user.id, view.course.id, lesson.id, now)
    goals = catalogue().goals_of(lesson.goal_ids)
    previous, following = view.neighbours(lesson.id)
    return render_template("courses/lesson.html", view=view, lesson=lesson, previous=previous, following=following,
                           body=render(lesson.version.body, trusted=True), goals=goals,
                           language=reading_language(), number=view.lessons.index(lesson) + 1)


@bp.post("/courses/<slug>/<lesson_slug>/done")
@login_required
def lesson_done(slug, lesson_slug):
    view, lesson, now = open_lesson_or_locked(slug, lesson_slug)
    mark_lesson_read(current_user.id, lesson.id, lesson.version.id, now)
    lesson.read = True
    target = view.neighbours(lesson.id)[1] or view.next_lesson
    if target is not None:
        return redirect(url_for("courses.lesson", slug=slug, lesson_slug=target.slug))
    flash(_("You have read every lesson of this course. Next: the quiz."), "success")
    return redirect(url_for("courses.course", slug=slug) + "#quiz")


@bp.post("/tiers/expert/request")
@login_required
def ask_for_expert():
    status = eligibility_for(current_user, utcnow())["expert"]
    if not status.can_request:
        flash(_("You have already asked for the expert course."), "info")
        return redirect(url_for("courses.home"))
    request_expert(current_user.id, utcnow())
    flash(_("Thank you. Marketing will look at your request for the expert course."), "success")
    return redirect(url_for("courses.home"))


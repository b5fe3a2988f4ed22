"""The studio: authors (and admins) edit courses and lessons in drafts and publish them.

Every change names the draft revision its form was opened on; a change on an older revision is
refused with who changed it and when, and the author's text stays in the form.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from advocacy.core import blobs
from advocacy.core import images as uploaded
from advocacy.core.audit import record
from advocacy.core.db import db
from advocacy.core.i18n import REFERENCE_LANGUAGE
from advocacy.core.markdown import render
from advocacy.core.organisation import User
from advocacy.identity.guards import role_required
from advocacy.learning.models.courses import Course, Lesson, LessonVersion
from advocacy.learning.models.goals import Goal
from advocacy.studio import drafts, images
from advocacy.studio.drafts import Conflict, NotAllowed
from advocacy.studio.forms import (
    CourseForm,
    ImageForm,
    LessonForm,
    MoveForm,
    NewCourseForm,
    NewLessonForm,
    PreviewForm,
    Revision,
    SettingsForm,
)
from advocacy.studio.models import CourseDraft, CourseRelease

bp = Blueprint("studio", __name__)
AUTHORS = ("author", "admin")


def languages() -> list[str]:
    return list(current_app.config["LANGUAGES"])


def language_or_404(language: str) -> str:
    if language not in languages():
        abort(404)
    return language


def files_or_404(slug: str) -> tuple[CourseDraft | None, dict[str, str]]:
    draft, files = drafts.current_files(slug)
    if not files and draft is None:
        abort(404)
    return draft, files


def revision_of(draft: CourseDraft | None) -> int:
    return draft.revision if draft is not None else 0


def goal_choices() -> list[tuple[str, str]]:
    return [(g.slug, g.name) for g in db.session.scalars(select(Goal).where(Goal.retired_at.is_(None))
                                                          .order_by(Goal.id))]


def show_beside_fields(form, field_errors: dict[str, list[str]]) -> list[str]:
    """The loader's messages for one file: each beside the form field it names; the rest (the
    file as a whole, or a field this form does not show) returned for the top of the page."""
    for name, messages in field_errors.items():
        target = getattr(form, name, None) if name not in ("form", "revision") else None
        if target is not None and hasattr(target, "errors"):
            target.errors = list(target.errors or []) + messages
    return [m for name, ms in field_errors.items() if getattr(form, name, None) is None or name == "form"
            for m in ms]


def conflict_message(error: Conflict) -> str:
    return _("This draft was changed by %(name)s at %(time)s since you opened it. Your text is kept "
             "below: compare, then save again.", name=error.by, time=error.at.strftime("%Y-%m-%d %H:%M UTC"))


def user_name(user_id: int | None) -> str:
    user = db.session.get(User, user_id) if user_id else None
    return user.name if user else "?"


# -- the list of courses --------------------------------------------------------------------------

@bp.get("/studio")
@role_required(*AUTHORS)
def index():
    return index_page(NewCourseForm())


def index_page(new_form: NewCourseForm, status: int = 200):
    courses = db.session.scalars(select(Course).order_by(Course.tier, Course.order, Course.slug)).all()
    open_drafts = {d.course_slug: d for d in db.session.scalars(select(CourseDraft))}
    rows = []
    for course in courses:
        text = course.text_in(REFERENCE_LANGUAGE)
        rows.append(dict(slug=course.slug, title=text.title if text else course.slug, tier=course.tier,
                         retired=course.retired_at is not None, draft=open_drafts.pop(course.slug, None),
                         published=True, edited_at=course.edited_at))
    for slug, draft in sorted(open_drafts.items()):
        title = drafts.split(draft.files.get("en/course.md", ""))[0].get("title", slug)
        rows.append(dict(slug=slug, title=title, tier="", retired=False, draft=draft, published=False,
                         edited_at=None))
    settings = drafts.settings()
    return render_template("studio/index.html", rows=rows, new_form=new_form,
                           settings_form=SettingsForm(four_eyes=settings.four_eyes), four_eyes=settings.four_eyes,
                           user_name=user_name), status


@bp.post("/studio/settings")
@role_required("admin")
def save_settings():
    form = SettingsForm()
    if form.validate_on_submit():
        settings = drafts.settings()
        db.session.add(settings)
        settings.four_eyes = bool(form.four_eyes.data)
        record("studio.settings", f"a second author approves before publishing: {settings.four_eyes}")
        flash(_("Saved."), "success")
    return redirect(url_for("studio.index"))


@bp.post("/studio/new")
@role_required(*AUTHORS)
def new_course():
    form = NewCourseForm()
    if not form.validate_on_submit():
        return index_page(form, 422)
    slug = form.slug.data
    if drafts.published_course(slug) is not None or drafts.draft_of(slug) is not None:
        form.slug.errors = [_("A course with this short name exists already.")]
        return index_page(form, 422)
    order = (db.session.scalar(select(db.func.max(Course.order)).where(Course.tier == form.tier.data)) or 0) + 1
    meta = dict(slug=slug, title=form.title.data, tier=form.tier.data, summary="", order=order, minutes=1, goals=[])
    drafts.save(slug, 0, {"en/course.md": drafts.course_text(meta, "")}, current_user)
    flash(_("Draft course made. Fill in the details and add lessons, then publish."), "success")
    return redirect(url_for("studio.course", slug=slug))


# -- one course -----------------------------------------------------------------------------------

def translation_states(slug: str, files: dict[str, str], draft: CourseDraft | None) -> dict[tuple[str, str], str]:
    """(lesson slug, language) -> missing | outdated | changed-original | ok, for translations."""
    states: dict[tuple[str, str], str] = {}
    course = drafts.published_course(slug)
    published: dict[tuple[str, str], LessonVersion] = {}
    if course is not None:
        for row in db.session.scalars(select(LessonVersion).join(Lesson).where(
                Lesson.course_id == course.id, LessonVersion.current)):
            published[(row.lesson.slug, row.language)] = row
    base = draft.base_files if draft is not None else {}
    for entry in drafts.lessons_in(files):
        english_path = entry.languages.get(REFERENCE_LANGUAGE)
        for language in languages():
            if language == REFERENCE_LANGUAGE:
                continue
            path = entry.languages.get(language)
            if path is None:
                states[(entry.slug, language)] = "missing"
                continue
            english = published.get((entry.slug, REFERENCE_LANGUAGE))
            version = published.get((entry.slug, language))
            english_changed = english_path and base.get(english_path) not in (None, files.get(english_path))
            translation_changed = base.get(path) != files.get(path)
            if english_changed and not translation_changed:
                states[(entry.slug, language)] = "changed-original"
            elif (version and english and version.source_hash and version.source_hash != english.content_hash
                  and not translation_changed):
                states[(entry.slug, language)] = "outdated"
            else:
                states[(entry.slug, language)] = "ok"
    return states


def course_page(slug: str, errors=None, status: int = 200):
    draft, files = files_or_404(slug)
    checked = drafts.check(slug, files) if errors is None else drafts.errors_by_file(files, errors)
    meta = drafts.split(files.get("en/course.md", ""))[0]
    course = drafts.published_course(slug)
    banks_url = (url_for("banks.index") if "banks.index" in current_app.view_functions else None)
    return render_template(
        "studio/course.html", slug=slug, draft=draft, files=files, title=meta.get("title", slug),
        lessons=drafts.lessons_in(files), retired=drafts.retired_lessons(slug, files), errors=checked,
        states=translation_states(slug, files, draft), languages=languages(), course=course,
        revision=revision_of(draft), new_lesson=NewLessonForm(revision=revision_of(draft)),
        releases=drafts.releases_of(slug), may_publish=draft is None or drafts.may_publish(draft, current_user),
        four_eyes=drafts.settings().four_eyes, user_name=user_name, banks_url=banks_url), status


@bp.get("/studio/courses/<slug>")
@role_required(*AUTHORS)
def course(slug):
    return course_page(slug)


def course_form_from(meta: dict, body: str, form: CourseForm) -> None:
    for key in ("title", "summary", "unlocks"):
        getattr(form, key).data = str(meta.get(key, "") or "")
    form.intro.data = body
    form.minutes.data = str(meta.get("minutes", ""))
    form.order.data = str(meta.get("order", ""))
    form.tier.data = meta.get("tier")
    form.goals.data = list(meta.get("goals") or [])
    quiz: dict = meta["quiz"] if isinstance(meta.get("quiz"), dict) else {}
    for key in drafts.QUIZ_KEYS:
        getattr(form, f"quiz_{key}").data = "" if quiz.get(key) is None else str(quiz.get(key))


def meta_from(form: CourseForm, old: dict, language: str, english: dict) -> dict:
    meta = dict(old)
    meta.update(title=form.title.data, summary=form.summary.data, unlocks=form.unlocks.data or None,
                minutes=drafts.as_number(form.minutes.data))
    if language == REFERENCE_LANGUAGE:
        meta.update(tier=form.tier.data, order=drafts.as_number(form.order.data), goals=form.goals.data)
        quiz = {key: drafts.as_number(getattr(form, f"quiz_{key}").data) for key in drafts.QUIZ_KEYS}
        quiz = {k: v for k, v in quiz.items() if v is not None}
        if quiz:
            meta["quiz"] = quiz
        else:
            meta.pop("quiz", None)
    else:  # a translation keeps the English slug, tier, order and goals; quiz settings are English only
        meta.update({k: english.get(k) for k in ("slug", "tier", "order", "goals")})
        meta.pop("quiz", None)
    return meta


@bp.route("/studio/courses/<slug>/details/<language>", methods=["GET", "POST"])
@role_required(*AUTHORS)
def details(slug, language):
    language = language_or_404(language)
    draft, files = files_or_404(slug)
    path = f"{language}/course.md"
    form = CourseForm()
    form.goals.choices = goal_choices()
    english_meta, english_body = drafts.split(files.get("en/course.md", ""))
    status = 200
    conflict = None
    if request.method == "POST":
        if form.validate_on_submit():
            old = drafts.split(files.get(path, ""))[0] if path in files else {}
            new_files = dict(files)
            new_files[path] = drafts.course_text(meta_from(form, old, language, english_meta), form.intro.data or "")
            try:
                draft = drafts.save(slug, form.revision.data, new_files, current_user)
                files = new_files
                flash(_("Draft saved."), "success")
                return redirect(url_for("studio.details", slug=slug, language=language))
            except Conflict as error:
                conflict, status = conflict_message(error), 409
                form.revision.data = revision_of(drafts.draft_of(slug))
        else:
            status = 422
    else:
        meta, body = drafts.split(files.get(path, "")) if path in files else ({}, "")
        if path not in files:
            meta = {k: english_meta.get(k) for k in ("tier", "order", "goals", "minutes")}
        course_form_from(meta, body, form)
        form.revision.data = revision_of(draft)
    others = show_beside_fields(form, drafts.check(slug, files).get(path, {}))
    return render_template("studio/details.html", slug=slug, language=language, form=form, conflict=conflict,
                           other_errors=others, english=english_meta, english_intro=english_body,
                           languages=languages()), status


@bp.post("/studio/courses/<slug>/lessons")
@role_required(*AUTHORS)
def add_lesson(slug):
    draft, files = files_or_404(slug)
    form = NewLessonForm()
    if not form.validate_on_submit():
        flash(_("A lesson needs a title and a short name of a-z, 0-9 and hyphens."), "error")
        return redirect(url_for("studio.course", slug=slug))
    if any(e.slug == form.slug.data for e in drafts.lessons_in(files)) or form.slug.data == "quiz":
        flash(_("This course has a lesson with that short name already."), "error")
        return redirect(url_for("studio.course", slug=slug))
    position = len(drafts.lessons_in(files)) + 1
    if position > 99:
        flash(_("A course holds at most 99 lessons."), "error")
        return redirect(url_for("studio.course", slug=slug))
    new_files = dict(files)
    new_files[f"en/{position:02d}-{form.slug.data}.md"] = drafts.lesson_text(form.title.data, 3, [], "")
    try:
        drafts.save(slug, form.revision.data, new_files, current_user)
    except Conflict as error:
        flash(conflict_message(error), "error")
        return redirect(url_for("studio.course", slug=slug))
    return redirect(url_for("studio.lesson", slug=slug, lesson_slug=form.slug.data, language="en"))


@bp.route("/studio/courses/<slug>/lessons/<lesson_slug>/<language>", methods=["GET", "POST"])
@role_required(*AUTHORS)
def lesson(slug, lesson_slug, language):
    language = language_or_404(language)
    draft, files = files_or_404(slug)
    path = drafts.lesson_path(files, lesson_slug, language)
    english_path = drafts.lesson_path(files, lesson_slug, REFERENCE_LANGUAGE)
    if path is None or english_path not in files:
        abort(404)
    english_meta, english_body = drafts.split(files[english_path])
    form = LessonForm()
    form.goals.choices = goal_choices()
    status, conflict, preview = 200, None, None
    if request.method == "POST":
        if not form.validate_on_submit():
            status = 422
        elif request.form.get("action") == "preview":
            preview = render(form.body.data or "", trusted=True)  # exactly as the learner's page renders it
        else:
            goals = form.goals.data if language == REFERENCE_LANGUAGE else list(english_meta.get("goals") or [])
            new_files = dict(files)
            new_files[path] = drafts.lesson_text(form.title.data, drafts.as_number(form.minutes.data), goals,
                                                 form.body.data or "")
            try:
                drafts.save(slug, form.revision.data, new_files, current_user)
                flash(_("Draft saved."), "success")
                return redirect(url_for("studio.lesson", slug=slug, lesson_slug=lesson_slug, language=language))
            except Conflict as error:
                conflict, status = conflict_message(error), 409
                form.revision.data = revision_of(drafts.draft_of(slug))
    else:
        meta, body = drafts.split(files[path]) if path in files else ({}, "")
        form.title.data = str(meta.get("title", ""))
        form.minutes.data = str(meta.get("minutes", english_meta.get("minutes", "")))
        form.goals.data = list(english_meta.get("goals") or [])
        form.body.data = body
        form.revision.data = revision_of(draft)
    others = show_beside_fields(form, drafts.check(slug, files).get(path, {}))
    state = translation_states(slug, files, draft).get((lesson_slug, language))
    return render_template("studio/lesson.html", slug=slug, lesson_slug=lesson_slug, language=language, form=form,
                           conflict=conflict, preview=preview, other_errors=others, english=english_meta,
                           english_body=english_body, state=state, languages=languages(),
                           image_form=ImageForm(revision=form.revision.data), exists=path in files), status


def change(slug: str, make):
    """A small change from the course page (move, retire, restore): version-checked, then back."""
    draft, files = files_or_404(slug)
    form = Revision()
    if not form.validate_on_submit():
        abort(400)
    try:
        drafts.save(slug, form.revision.data, make(files), current_user)
    except Conflict as error:
        flash(conflict_message(error), "error")
    return redirect(url_for("studio.course", slug=slug))


@bp.post("/studio/courses/<slug>/lessons/<lesson_slug>/move")
@role_required(*AUTHORS)
def move_lesson(slug, lesson_slug):
    step = -1 if MoveForm().direction.data == "up" else 1
    return change(slug, lambda files: drafts.move(files, lesson_slug, step))


@bp.post("/studio/courses/<slug>/lessons/<lesson_slug>/retire")
@role_required(*AUTHORS)
def retire_lesson(slug, lesson_slug):
    return change(slug, lambda files: drafts.retire(files, lesson_slug))


@bp.post("/studio/courses/<slug>/lessons/<lesson_slug>/restore")
@role_required(*AUTHORS)
def restore_lesson(slug, lesson_slug):
    return change(slug, lambda files: drafts.restore(slug, files, lesson_slug))


@bp.post("/studio/courses/<slug>/lessons/<lesson_slug>/<language>/image")
@role_required(*AUTHORS)
def upload_image(slug, lesson_slug, language):
    language = language_or_404(language)
    draft, files = files_or_404(slug)
    path = drafts.lesson_path(files, lesson_slug, language)
    if path is None or path not in files:
        abort(404)
    form = ImageForm()
    back = redirect(url_for("studio.lesson", slug=slug, lesson_slug=lesson_slug, language=language))
    if not form.validate_on_submit():
        flash(_("An image needs a description for people who cannot see it."), "error")
        return back
    upload = request.files.get("image")
    data = upload.stream.read(uploaded.MAX_IMAGE_BYTES + 1) if upload else b""
    mimetype = uploaded.detect_image_type(data)
    if not data or len(data) > uploaded.MAX_IMAGE_BYTES or mimetype is None:
        flash(_("Upload a JPEG, PNG or WebP image of at most 2 MB."), "error")
        return back
    name = uploaded.store_image(data, mimetype)
    meta, body = drafts.split(files[path])
    body = body.rstrip("\n") + "\n\n" + images.markdown_for(name, form.alt.data) + "\n"
    new_files = dict(files)
    new_files[path] = drafts.lesson_text(str(meta.get("title", "")), meta.get("minutes"),
                                         list(meta.get("goals") or []), body)
    try:
        drafts.save(slug, form.revision.data, new_files, current_user)
        flash(_("Image added at the end of the lesson; move its line where it belongs."), "success")
    except Conflict as error:
        flash(conflict_message(error), "error")
    return back


@bp.post("/studio/preview")
@role_required(*AUTHORS)
def preview():
    """The live preview (app.js posts the text here): the learner's rendering, as an HTML fragment."""
    form = PreviewForm()
    if not form.validate_on_submit():
        abort(400)
    response = make_response(str(render(form.body.data or "", trusted=True)))
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    return response


@bp.post("/studio/courses/<slug>/publish")
@role_required(*AUTHORS)
def publish(slug):
    files_or_404(slug)
    form = Revision()
    if not form.validate_on_submit():
        abort(400)
    try:
        errors, release = drafts.publish(slug, form.revision.data, current_user)
    except Conflict as error:
        flash(conflict_message(error), "error")
        return redirect(url_for("studio.course", slug=slug))
    except NotAllowed:
        flash(_("A second author approves: someone who did not edit this draft publishes it."), "error")
        return redirect(url_for("studio.course", slug=slug))
    if errors:
        return course_page(slug, errors=errors, status=422)
    if release is None:
        flash(_("There is no draft to publish."), "info")
    else:
        record("studio.published", f"course {slug} version {release.number} ({release.changed} changed)")
        flash(_("Published: learners see the new version now."), "success")
    return redirect(url_for("studio.course", slug=slug))


@bp.post("/studio/courses/<slug>/discard")
@role_required(*AUTHORS)
def discard(slug):
    files_or_404(slug)
    form = Revision()
    if not form.validate_on_submit():
        abort(400)
    try:
        drafts.discard(slug, form.revision.data)
        flash(_("Draft discarded."), "success")
    except Conflict as error:
        flash(conflict_message(error), "error")
        return redirect(url_for("studio.course", slug=slug))
    if drafts.published_course(slug) is None:
        return redirect(url_for("studio.index"))
    return redirect(url_for("studio.course", slug=slug))


@bp.get("/studio/courses/<slug>/releases/<int:number>")
@role_required(*AUTHORS)
def release(slug, number):
    found = db.session.scalar(select(CourseRelease).where(CourseRelease.course_slug == slug,
                                                          CourseRelease.number == number))
    if found is None:
        abort(404)
    return render_template("studio/compare.html", slug=slug, release=found,
                           diffs=drafts.compare(found.previous_files or {}, found.files or {}), user_name=user_name)


@bp.get("/lesson-images/<name>")
@login_required
def image(name):
    match = images.NAME_RE.match(name)
    data = blobs.read(match.group(1)) if match else None
    if data is None:
        abort(404)
    response = make_response(data)
    response.headers["Content-Type"] = {v: k for k, v in uploaded.IMAGE_TYPES.items()}[match.group(2)]
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

"""Quiz banks for authors and admins, under /studio/banks: every bank and its versions, one bank's
questions as learners see them with the cues that give answers away, GIFT and Moodle XML import
(preview, then confirm) and export, and the item analysis of a version with its CSV."""
from __future__ import annotations

import random

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from advocacy.core.blobs import BlobTooLarge
from advocacy.core.csvexport import csv_response
from advocacy.core.i18n import LANGUAGE_CHOICES, LANGUAGES
from advocacy.core.pagination import MAX_ID, page_number, query_int
from advocacy.identity.guards import role_required
from advocacy.learning.banks import item_analysis
from advocacy.learning.banks.gift import question_to_dict
from advocacy.learning.pages import quiz_display as views
from advocacy.learning.pages.bank_forms import BankConfirmForm, BankUploadForm
from advocacy.learning.rules import grading as engine
from advocacy.learning.services import banks as services

bp = Blueprint("banks", __name__, url_prefix="/studio/banks")
AUTHORS = ("author", "admin")
TYPES = ("multichoice", "truefalse", "shortanswer", "matching", "numerical", "essay", "description")
TYPE_LABELS = {
    "multichoice": _l("Multiple choice"), "truefalse": _l("True/false"), "shortanswer": _l("Short answer"),
    "matching": _l("Matching"), "numerical": _l("Numerical"), "essay": _l("Essay"),
    "description": _l("Description"),
}
# The cues of learning/banks/cues.py, translated; the same placeholders as its MESSAGES.
CUE_TEXTS = {
    "longest_right": _l("The right option is the longest, {ratio:.1f} times as long as the wrong ones on average."),
    "all_of_the_above": _l("Option {option} says \"all of the above\": test-wise people pick it when two options "
                           "look right."),
    "none_of_the_above": _l("Option {option} says \"none of the above\": it tells nothing about what the person "
                            "knows."),
    "negation_in_stem": _l("The question says \"{word}\" without emphasis: write it in capitals or **bold**, or ask "
                           "it positively."),
    "stem_overlap": _l("The right option repeats {right} words of the question, the wrong ones at most {wrong}."),
    "missing_answer_feedback": _l("{missing} of {total} answers have no feedback."),
    "missing_general_feedback": _l("There is no general feedback (shown after a failed attempt)."),
    "pool_too_small": _l("The pool has {pool} questions for {draw} drawn: have at least {needed} so attempts differ."),
    "truefalse_balance": _l("{count} of {total} true/false questions are {side} ({share:.0%}): people can guess."),
    "longest_right_bank": _l("In {count} of {total} single-answer questions ({share:.0%}) the right option is the "
                             "longest."),
}
PROBLEM_TEXTS = {
    "no_settings": _l("The course has no quiz settings in this language yet: set them in course.md first."),
    "no_questions": _l("The file holds no question a certification quiz can grade."),
    "pool_too_small": _l("The pool has %(pool)d questions but the quiz draws %(draw)d per attempt."),
}
SIDES = {"true": _l("true"), "false": _l("false")}
FLAG_LABELS = {
    "too_easy": _l("Too easy"), "too_hard": _l("Too hard"), "weak_discrimination": _l("Weak discrimination"),
    "negative_discrimination": _l("Negative discrimination"),
    "wrong_beats_right": _l("A wrong option beats the right one"),
    "too_few_attempts": _l("Too few attempts"),
}


def cue_text(cue) -> str:
    """A cue in the reader's language, filled in with the same values as its English message."""
    template = CUE_TEXTS.get(cue.code)
    if template is None:
        return cue.message_en
    params = dict(cue.params)
    if "side" in params:
        params["side"] = str(SIDES.get(params["side"], params["side"]))
    return str(template).format(**params)




def refusal_text(finding) -> str:
    """Why a certification pool cannot hold a question, in the reader's language."""
    if finding.code == "ungradable":
        return _("A certification quiz cannot grade %(type)s questions; use multiple choice, true/false, "
                 "short answer, matching or numerical.", type=str(TYPE_LABELS.get(finding.params["type"], "")).lower())
    return _("The same question as on line %(n)d.", n=finding.params["line"])


def problem_text(code: str, values: dict) -> str:
    return str(PROBLEM_TEXTS[code]) % values


bp.add_app_template_global(cue_text, "cue_text")
bp.add_app_template_global(problem_text, "problem_text")


def _course_or_404(slug: str):
    course = services.course_by_slug(slug)
    if course is None:
        abort(404)
    return course


def _language() -> str:
    language = request.args.get("language", "en")
    return language if language in LANGUAGES else "en"


def learner_preview(questions: list[dict]) -> list:
    """Each question laid out as an attempt lays it out and rendered by the quiz's own view code
    (a fixed seed, so the page is the same on every load). Essays and descriptions, which no
    attempt draws, have no preview (None)."""
    rng = random.Random(0)
    token = engine.token_maker(rng)
    gradable = {i: q for i, q in enumerate(questions) if q["type"] in engine.GRADABLE_TYPES}
    items = [engine.lay_out(i, "", q, rng, token) for i, q in gradable.items()]
    shown = dict(zip(gradable, views.form_questions(items, gradable)))
    return [shown.get(i) for i in range(len(questions))]


PER_PAGE = 8  # questions per page: the page stays within the 50 kB budget on a phone


def by_type(questions: list[dict], indexes: list[int] | None = None) -> list[tuple[str, list[int]]]:
    """The question indexes (all, or those given) grouped by type, in TYPES order."""
    groups: dict[str, list[int]] = {}
    for index in range(len(questions)) if indexes is None else indexes:
        groups.setdefault(questions[index]["type"], []).append(index)
    return [(kind, groups[kind]) for kind in TYPES if kind in groups]


def _bank_context(questions: list[dict], draw: int | None) -> dict:
    """Everything the question list shows, for one page of PER_PAGE questions (ordered by type);
    the bank's cues and counts are over the whole bank."""
    per_question, bank_level, summary = services.cues_of(questions, draw)
    ordered = [i for _kind, indexes in by_type(questions) for i in indexes]
    pages = max(1, -(-len(ordered) // PER_PAGE))
    page = min(page_number(), pages)
    shown = ordered[(page - 1) * PER_PAGE:page * PER_PAGE]
    previews = learner_preview(questions)
    first_page = {kind: ordered.index(indexes[0]) // PER_PAGE + 1 for kind, indexes in by_type(questions)}
    return dict(questions=questions, previews=previews, groups=by_type(questions, shown), all_groups=by_type(questions),
                first_page=first_page, page=page, pages=pages, cues=per_question, bank_cues=bank_level,
                summary=summary, type_labels=TYPE_LABELS)


@bp.get("")
@role_required(*AUTHORS)
def index():
    return render_template("banks/index.html", rows=services.banks())


@bp.get("/<slug>")
@role_required(*AUTHORS)
def bank(slug):
    course = _course_or_404(slug)
    language = _language()
    quiz = services.quizzes_of(course).get(language)
    version = services.version_of(quiz, query_int("version", None, 1, MAX_ID)) if quiz else None
    context = _bank_context(services.question_dicts(version), version.questions_per_attempt) if version else {}
    return render_template("banks/bank.html", course=course, language=language, quiz=quiz, version=version,
                           languages=LANGUAGE_CHOICES, form=BankUploadForm(language=language), **context)


@bp.get("/<slug>/export.<kind>")
@role_required(*AUTHORS)
def export(slug, kind):
    course = _course_or_404(slug)
    if kind not in services.EXPORT_TYPES:
        abort(404)
    quiz = services.quizzes_of(course).get(_language())
    version = services.version_of(quiz, query_int("version", None, 1, MAX_ID)) if quiz else None
    if version is None:
        abort(404)
    try:
        data = services.export_bank(version, kind)
    except ValueError as error:
        flash(_("This bank cannot be written in that format: %(why)s", why=str(error)), "error")
        return redirect(url_for("banks.bank", slug=slug, language=quiz.language), 303)
    name = services.export_name(course, quiz, version, kind)
    return Response(data, mimetype=services.EXPORT_TYPES[kind][0],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.post("/<slug>/upload")
@role_required(*AUTHORS)
def upload(slug):
    course = _course_or_404(slug)
    form = BankUploadForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(url_for("banks.bank", slug=slug), 303)
    data = form.file.data.read(services.MAX_BYTES + 1)
    if len(data) > services.MAX_BYTES:
        flash(_("The file is larger than %(n)d MB.", n=services.MAX_BYTES // (1024 * 1024)), "error")
        return redirect(url_for("banks.bank", slug=slug, language=form.language.data), 303)
    try:
        token = services.store_upload(course, form.language.data, data, form.file.data.filename or "", current_user.id)
    except BlobTooLarge:
        flash(_("The file is too large."), "error")
        return redirect(url_for("banks.bank", slug=slug, language=form.language.data), 303)
    return redirect(url_for("banks.preview", slug=slug, token=token), 303)


def _waiting_or_404(course, token: str):
    found = services.waiting_upload(token, current_user.id, course)
    if found is None:
        abort(404)  # someone else's, expired, confirmed already, or never there
    return found


def _preview_page(course, upload, data: bytes, status: int = 200):
    result = services.preview(course, upload.language, data, upload.kind, upload.filename)
    dicts = [question_to_dict(q) for q in result.questions]
    settings = services.settings_for(course, upload.language)
    context = _bank_context(dicts, settings.questions if settings else None) if dicts else {}
    refused = {q.line: refusal_text(finding) for q, finding in result.refused}
    return render_template("banks/preview.html", course=course, upload=upload, result=result, refused=refused,
                           lines=[q.line for q in result.questions], form=BankConfirmForm(), **context), status


@bp.get("/<slug>/upload/<token>")
@role_required(*AUTHORS)
def preview(slug, token):
    course = _course_or_404(slug)
    upload, data = _waiting_or_404(course, token)
    return _preview_page(course, upload, data)


@bp.post("/<slug>/upload/<token>")
@role_required(*AUTHORS)
def confirm(slug, token):
    course = _course_or_404(slug)
    upload, data = _waiting_or_404(course, token)
    if not BankConfirmForm().validate_on_submit():
        abort(400)
    result = services.preview(course, upload.language, data, upload.kind, upload.filename)
    if not result.ok:
        flash(_("Nothing was published: the file has problems, listed below."), "error")
        return _preview_page(course, upload, data, 422)
    language = upload.language
    if services.taken_into_draft(course, language, result.questions, current_user.id):
        services.discard_upload(upload)
        flash(_("The questions are in the course's draft in the Studio, with whatever else waits there. "
                "They are published with the draft (by a second author, when four eyes are required)."), "success")
        return redirect(url_for("banks.bank", slug=slug, language=language), 303)
    try:
        version = services.publish_bank(course, language, result.questions, current_user.id,
                                        source=upload.filename or upload.kind)
    except services.BankRefused:  # another author published this bank between our checks and now
        flash(_("Another version of this bank was published a moment ago: nothing of yours was published. "
                "Look at the newest version, then upload your file again."), "error")
        return redirect(url_for("banks.bank", slug=slug, language=language), 303)
    services.discard_upload(upload)
    if version is None:
        flash(_("Nothing changed: the bank already holds exactly these questions."), "info")
    else:
        flash(_("Version %(n)d of the bank is published. Attempts already made keep their version.",
                n=version.number), "success")
    return redirect(url_for("banks.bank", slug=slug, language=language), 303)


# --- item analysis ---------------------------------------------------------------------------------


def _analysis_version(course):
    quiz = services.quizzes_of(course).get(_language())
    version = services.version_of(quiz, query_int("version", None, 1, MAX_ID)) if quiz else None
    return quiz, version


@bp.get("/<slug>/analysis")
@role_required(*AUTHORS)
def analysis(slug):
    course = _course_or_404(slug)
    quiz, version = _analysis_version(course)
    result, questions = services.analysis_of(version) if version else (None, {})
    return render_template("banks/analysis.html", course=course, language=_language(), quiz=quiz, version=version,
                           analysis=result, questions=questions,
                           minimum=item_analysis.MIN_ATTEMPTS, option_label=item_analysis.option_label,
                           flag_labels=FLAG_LABELS, type_labels=TYPE_LABELS)


def _figure(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _csv_row(item: item_analysis.ItemStats, number: int, question: dict | None) -> list:
    """Figures as numbers (a negative discrimination stays a number in a spreadsheet)."""
    text = item_analysis.csv_row(item, number, question)
    return [number, text[1], text[2], item.attempts, _figure(item.facility), _figure(item.discrimination),
            _figure(item.discrimination_index), text[7], text[8]]


@bp.get("/<slug>/analysis.csv")
@role_required(*AUTHORS)
def analysis_csv(slug):
    course = _course_or_404(slug)
    quiz, version = _analysis_version(course)
    if version is None:
        abort(404)
    result, questions = services.analysis_of(version)
    rows = [_csv_row(item, version.number, questions.get(item.key)) for item in (result.items if result else ())]
    return csv_response(f"{course.slug}-{quiz.language}-v{version.number}-analysis.csv",
                        list(item_analysis.CSV_HEADER), rows)

"""The question bank editor: the questions of a draft's quiz file per language, one added,
edited or deleted at a time, each save version-checked like every other draft change."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from advocacy.core.pagination import page_number
from advocacy.identity.guards import role_required
from advocacy.learning.banks.gift import GiftError, Question, question_to_dict
from advocacy.learning.pages.banks import PER_PAGE, TYPE_LABELS, learner_preview
from advocacy.learning.services import banks as bank_services
from advocacy.studio import drafts, questions
from advocacy.studio.drafts import Conflict
from advocacy.studio.forms import QuestionForm, Revision
from advocacy.studio.questions import ROWS, Entry, Row
from advocacy.studio.routes import AUTHORS, bp, conflict_message, files_or_404, language_or_404, revision_of


def messages() -> dict[str, str]:
    return dict(
        text=_("Write the question."),
        weight=_("A weight is a number from -100 to 100."),
        match=_("Write what this item matches."),
        pairs=_("Matching needs at least three pairs, two of them with an item."),
        range=_("Write both ends of the range, the smaller first."),
        number=_("Write a number, e.g. 42 or 3.5."),
        tolerance=_("Give or take is a number of 0 or more."),
        one_answer=_("Write at least one answer."),
        answer_text=_("Write the answer, or empty the whole row."),
        two_options=_("A multiple choice question needs at least two options."),
        one_right=_("Give one option the weight 100: that is the right answer."),
    )


def draw_count(files: dict[str, str]) -> int | None:
    quiz = drafts.split(files.get("en/course.md", ""))[0].get("quiz")
    count = quiz.get("questions") if isinstance(quiz, dict) else None
    return count if isinstance(count, int) else None


@bp.get("/studio/courses/<slug>/quiz/<language>")
@role_required(*AUTHORS)
def quiz(slug, language):
    language = language_or_404(language)
    draft, files = files_or_404(slug)
    found, problems = questions.read_bank(files, language)
    dicts = [question_to_dict(q) for q in found]
    per_question, bank_cues, summary = bank_services.cues_of(dicts, draw_count(files))
    file_errors = [m for ms in drafts.check(slug, files).get(questions.quiz_path(language), {}).values() for m in ms]
    # One page of questions at a time (the phone's page budget); numbers stay the file's own.
    pages = max(1, -(-len(dicts) // PER_PAGE))
    page = min(page_number(), pages)
    first = (page - 1) * PER_PAGE
    shown = list(range(first, min(first + PER_PAGE, len(dicts))))
    return render_template("studio/quiz.html", slug=slug, language=language, questions=dicts, shown=shown,
                           page=page, pages=pages,
                           previews=learner_preview(dicts), cues=per_question, bank_cues=bank_cues, summary=summary,
                           draw=draw_count(files), problems=problems, file_errors=file_errors,
                           type_labels=TYPE_LABELS, kinds=questions.KINDS, revision=revision_of(draft),
                           form=Revision(revision=revision_of(draft)))


def entry_from(form: QuestionForm, kind: str) -> Entry:
    rows = [Row(**{name: (getattr(form, f"{'answer' if name == 'text' else name}_{i}").data or "")
                   for name in ("text", "item", "weight", "feedback", "value", "tolerance", "low", "high")})
            for i in range(ROWS)]
    return Entry(kind=kind, title=form.title.data or "", text=form.text.data or "",
                 general_feedback=form.general_feedback.data or "", several=form.several.data == "several",
                 truth=form.truth.data or "true", right_feedback=form.right_feedback.data or "",
                 wrong_feedback=form.wrong_feedback.data or "", rows=rows)


def fill(form: QuestionForm, entry: Entry) -> None:
    form.title.data, form.text.data, form.general_feedback.data = entry.title, entry.text, entry.general_feedback
    form.several.data = "several" if entry.several else "one"
    form.truth.data = entry.truth
    form.right_feedback.data, form.wrong_feedback.data = entry.right_feedback, entry.wrong_feedback
    for i, row in enumerate(entry.rows[:ROWS]):
        for name in ("text", "item", "weight", "feedback", "value", "tolerance", "low", "high"):
            getattr(form, f"{'answer' if name == 'text' else name}_{i}").data = getattr(row, name)


def editor(slug: str, language: str, kind: str, number: int | None):
    """Add (number None) or edit question `number` (1-based) of the draft's quiz in `language`."""
    language = language_or_404(language)
    draft, files = files_or_404(slug)
    found, problems = questions.read_bank(files, language)
    if problems:
        flash(_("The quiz file does not parse; fix it before editing questions."), "error")
        return redirect(url_for("studio.quiz", slug=slug, language=language))
    base: Question | None = None
    if number is not None:
        if not 1 <= number <= len(found):
            abort(404)
        base = found[number - 1]
        kind = base.type
        if len(base.answers) > ROWS or len(base.pairs) > ROWS:  # the form would drop the rest
            flash(_("This question has more than %(n)d answers: edit it in the file, or import the file.", n=ROWS),
                  "error")
            return redirect(url_for("studio.quiz", slug=slug, language=language))
    if kind not in questions.KINDS:
        abort(404)
    form = QuestionForm()
    status, conflict, preview, other_errors = 200, None, None, []
    if request.method == "POST":
        if not form.validate_on_submit():
            status = 422
        else:
            question, errors = questions.question_of(entry_from(form, kind), base, messages())
            for name, texts in errors.items():
                target = getattr(form, name, None)
                if target is not None and name != "answers":
                    target.errors = list(target.errors or []) + texts
                else:
                    other_errors += texts
            if question is None:
                status = 422
            elif request.form.get("action") == "preview":
                preview = learner_preview([question_to_dict(question)])[0]
            else:
                changed = list(found)
                if number is None:
                    changed.append(question)
                else:
                    changed[number - 1] = question
                try:
                    new_files = dict(files)
                    new_files[questions.quiz_path(language)] = questions.write_bank(changed)
                except (GiftError, ValueError) as error:
                    other_errors.append(str(error))
                    status = 422
                else:
                    try:
                        drafts.save(slug, form.revision.data, new_files, current_user)
                        flash(_("Draft saved."), "success")
                        return redirect(url_for("studio.quiz", slug=slug, language=language))
                    except Conflict as error:
                        conflict, status = conflict_message(error), 409
                        form.revision.data = revision_of(drafts.draft_of(slug))
    else:
        fill(form, questions.entry_of(base) if base is not None else Entry(kind=kind))
        form.revision.data = revision_of(draft)
        if base is not None:
            preview = learner_preview([question_to_dict(base)])[0]
    return render_template("studio/question.html", slug=slug, language=language, kind=kind, number=number,
                           form=form, conflict=conflict, preview=preview, other_errors=other_errors,
                           rows=range(ROWS), type_labels=TYPE_LABELS), status


@bp.route("/studio/courses/<slug>/quiz/<language>/new/<kind>", methods=["GET", "POST"])
@role_required(*AUTHORS)
def new_question(slug, language, kind):
    return editor(slug, language, kind, None)


@bp.route("/studio/courses/<slug>/quiz/<language>/<int:number>", methods=["GET", "POST"])
@role_required(*AUTHORS)
def edit_question(slug, language, number):
    return editor(slug, language, "", number)


@bp.post("/studio/courses/<slug>/quiz/<language>/<int:number>/delete")
@role_required(*AUTHORS)
def delete_question(slug, language, number):
    language = language_or_404(language)
    draft, files = files_or_404(slug)
    form = Revision()
    if not form.validate_on_submit():
        abort(400)
    found, problems = questions.read_bank(files, language)
    if problems or not 1 <= number <= len(found):
        abort(404)
    new_files = dict(files)
    new_files[questions.quiz_path(language)] = questions.write_bank(found[:number - 1] + found[number:])
    try:
        drafts.save(slug, form.revision.data, new_files, current_user)
        flash(_("Question deleted from the draft."), "success")
    except Conflict as error:
        flash(conflict_message(error), "error")
    return redirect(url_for("studio.quiz", slug=slug, language=language))

"""The studio's forms. They check only what a form must (lengths, required); what a course or a
lesson must be is the loader's rule (learning/curriculum), and its errors come back next to the
fields when the draft is saved."""
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FileField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from advocacy.core.forms import Form
from advocacy.learning.curriculum.frontmatter import SLUG_RE
from advocacy.learning.tiers import TIERS
from advocacy.studio.questions import ROWS

SLUG = Regexp(SLUG_RE, message=_l("Use only a-z, 0-9 and single hyphens, e.g. reach-new-people."))


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class Revision(Form):
    """Every change names the draft revision it was made on (0: there was no draft yet)."""

    revision = IntegerField(validators=[InputRequired(), NumberRange(min=0, max=2**31)])


class NewCourseForm(Form):
    slug = StringField(_l("Short name for links"), validators=[DataRequired(), Length(max=80), SLUG],
                       description=_l("Lowercase letters, digits and hyphens; cannot be changed later."))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    tier = SelectField(_l("Tier"), choices=[(t, t) for t in TIERS])


class CourseForm(Revision):
    title = StringField(_l("Title"), validators=[Length(max=200)])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=2000)])
    intro = TextAreaField(_l("Introduction (Markdown)"), validators=[Length(max=100_000)])
    minutes = StringField(_l("Minutes, all lessons together"), validators=[Length(max=10)])
    unlocks = StringField(_l("What passing unlocks"), validators=[Length(max=500)])
    # English only: the same for every language
    tier = SelectField(_l("Tier"), choices=[(t, t) for t in TIERS])
    order = StringField(_l("Order within the tier"), validators=[Length(max=10)])
    goals = Checkboxes(_l("Goals this course serves"), choices=[])
    quiz_questions = StringField(_l("Questions per attempt"), validators=[Length(max=10)])
    quiz_pass_mark = StringField(_l("Pass mark (%)"), validators=[Length(max=10)])
    quiz_attempts_before_cooldown = StringField(_l("Attempts before a pause"), validators=[Length(max=10)])
    quiz_cooldown_hours = StringField(_l("Pause (hours)"), validators=[Length(max=10)])
    quiz_time_limit_minutes = StringField(_l("Time limit (minutes, empty: none)"), validators=[Length(max=10)])
    quiz_valid_months = StringField(_l("Certification valid for (months)"), validators=[Length(max=10)])


class NewLessonForm(Revision):
    slug = StringField(_l("Short name for links"), validators=[DataRequired(), Length(max=80), SLUG])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])


class LessonForm(Revision):
    title = StringField(_l("Title"), validators=[Length(max=200)])
    minutes = StringField(_l("Minutes to read"), validators=[Length(max=10)])
    goals = Checkboxes(_l("Goals this lesson serves"), choices=[])
    body = TextAreaField(_l("Text (Markdown)"), validators=[Length(max=200_000)])


class ImageForm(Revision):
    image = FileField(_l("Image (JPEG, PNG or WebP, at most 2 MB)"))
    alt = StringField(_l("Describe the image for people who cannot see it"),
                      validators=[DataRequired(), Length(max=300)])


class MoveForm(Revision):
    direction = HiddenField(validators=[DataRequired()])


class SettingsForm(Form):
    four_eyes = BooleanField(_l("A second author approves before a course is published"))


class PreviewForm(Form):
    body = TextAreaField(validators=[Optional(), Length(max=200_000)])


class QuestionForm(Revision):
    """One question of a quiz file; ROWS answer rows, the empty ones ignored."""

    title = StringField(_l("Name (for authors, optional)"), validators=[Length(max=200)])
    text = TextAreaField(_l("Question"), validators=[Length(max=5000)])
    general_feedback = TextAreaField(_l("General feedback (shown after a failed attempt)"),
                                     validators=[Length(max=5000)])
    several = SelectField(_l("Right answers"), choices=[("one", _l("One right answer")),
                                                        ("several", _l("Several, with weights that add up to 100 %"))])
    truth = SelectField(_l("The statement is"), choices=[("true", _l("True")), ("false", _l("False"))])
    right_feedback = StringField(_l("Feedback for the right answer"), validators=[Length(max=2000)])
    wrong_feedback = StringField(_l("Feedback for the wrong answer"), validators=[Length(max=2000)])


ROW_FIELDS = {
    "text": (_l("Answer"), 1000), "item": (_l("Item"), 1000), "weight": (_l("Weight (%)"), 10),
    "feedback": (_l("Feedback for this answer"), 2000), "value": (_l("Number"), 40),
    "tolerance": (_l("Give or take"), 40), "low": (_l("Or from"), 40), "high": (_l("to"), 40),
}
for _row in range(ROWS):
    for _name, (_label, _max) in ROW_FIELDS.items():
        setattr(QuestionForm, f"{'answer' if _name == 'text' else _name}_{_row}",
                StringField(_label, validators=[Length(max=_max)]))

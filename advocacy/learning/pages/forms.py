from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    EmailField,
    FloatField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from advocacy.core.forms import Form
from advocacy.learning.curriculum.frontmatter import SLUG_RE

MEASURE_CHOICES = [
    ("", _l("Entered by hand")),
    ("certified", _l("Measured by the app: certified people")),
    ("advocates", _l("Measured by the app: active advocates")),
    ("shares", _l("Measured by the app: shares")),
    ("clicks", _l("Measured by the app: clicks on shared links")),
]


class GoalForm(Form):
    slug = StringField(_l("Short name for links"), validators=[DataRequired(), Length(max=80),
                       Regexp(SLUG_RE, message=_l("Use only a-z, 0-9 and single hyphens, e.g. reach-new-people."))],
                       description=_l("Lowercase letters, digits and hyphens; cannot be changed later."))
    name = StringField(_l("Goal"), validators=[DataRequired(), Length(max=200)])
    why = TextAreaField(_l("Why it matters"), validators=[DataRequired(), Length(max=2000)])
    kpi = StringField(_l("KPI: how we measure it"), validators=[DataRequired(), Length(max=200)])
    unit = StringField(_l("Unit"), validators=[Optional(), Length(max=40)],
                       description=_l("For example: clicks, people, hours."))
    measure = SelectField(_l("Where the current value comes from"), choices=MEASURE_CHOICES)
    baseline = FloatField(_l("Baseline"), validators=[InputRequired()],
                          description=_l("The value before the programme."))
    baseline_date = DateField(_l("Baseline measured on"), validators=[InputRequired()])
    target = FloatField(_l("Target"), validators=[InputRequired()])

    def validate_target(self, field):
        if self.baseline.data is not None and field.data == self.baseline.data:
            raise ValidationError(_l("The target must differ from the baseline."))

    def values(self) -> dict:
        data = {name: self[name].data for name in ("name", "why", "kpi", "baseline", "baseline_date", "target")}
        return {**data, "slug": self.slug.data, "unit": self.unit.data or "", "measure": self.measure.data or None,
                "name": data["name"].strip(), "kpi": data["kpi"].strip(), "why": data["why"].strip()}


class MeasurementForm(Form):
    value = FloatField(_l("Value"), validators=[InputRequired()])
    measured_on = DateField(_l("Measured on"), validators=[InputRequired()])


class PolicyForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=1000)],
                            description=_l("One or two sentences shown above the policy."))
    body = TextAreaField(_l("Policy text (Markdown)"), validators=[DataRequired(), Length(max=100_000)],
                         description=_l("Use ## for headings, - for lists, **bold** and [links](https://...)."))


class AcknowledgeForm(Form):
    version = IntegerField(validators=[InputRequired(), NumberRange(min=1)])


class AssignAdvancedForm(Form):
    email = EmailField(_l("E-mail of the person"), validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "off", "autocapitalize": "none"})


class DecisionForm(Form):
    decision = HiddenField(validators=[DataRequired()])
    note = StringField(_l("Note to the person (optional)"), validators=[Optional(), Length(max=500)])

    def validate_decision(self, field):
        if field.data not in ("approve", "decline"):
            raise ValidationError(_l("Choose approve or decline."))


class RevokeForm(Form):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=1000)],
                           description=_l("The person sees this reason on their certificates page; "
                                          "it is also kept in the audit log."))

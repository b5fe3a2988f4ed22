from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, ValidationError

from advocacy.core.forms import Form, MultiCheckboxField
from advocacy.core.people_rules import HR_MAY_ALSO_GRANT


class OrganisationForm(Form):
    name = StringField(_l("Organisation name"), validators=[DataRequired(), Length(max=200)])
    timezone = StringField(_l("Time zone"), validators=[DataRequired(), Length(max=64)],
                           description=_l("For example Europe/Amsterdam or Europe/Brussels."))
    basic_due_days = IntegerField(_l("Basic course due (days after start)"),
                                  validators=[DataRequired(), NumberRange(min=1, max=3650)])
    advanced_due_days = IntegerField(_l("Advanced course due (days after it opens)"),
                                     validators=[DataRequired(), NumberRange(min=1, max=3650)])
    expert_due_days = IntegerField(_l("Expert course due (days after approval)"),
                                   validators=[DataRequired(), NumberRange(min=1, max=3650)])
    leaderboards_enabled = BooleanField(_l("Allow opt-in leaderboards"))
    second_factor_for_admin_hr = BooleanField(
        _l("Admins and HR need a second factor when they sign in with a password"),
        description=_l("Single sign-on is not asked: your identity provider does that."))
    advanced_departments = MultiCheckboxField(_l("Departments that take the advanced course"), coerce=int)
    hr_grants = MultiCheckboxField(_l("Roles HR may also give (besides employee and manager)"),
                                   choices=[(role, role) for role in sorted(HR_MAY_ALSO_GRANT)])

    def validate_timezone(self, field):
        if field.data not in available_timezones():
            raise ValidationError(_l("Unknown time zone. Use a name such as Europe/Amsterdam."))

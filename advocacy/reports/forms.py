from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField
from wtforms.validators import Optional

from advocacy.core.forms import Form
from advocacy.learning.tiers import TIERS, tier_label


class DueDateForm(Form):
    tier = SelectField(_l("Tier"), choices=[(t, LazyString(tier_label, t)) for t in TIERS])
    due_on = DateField(_l("Due on"), validators=[Optional()],
                       description=_l("Leave empty to go back to the organisation's default."))

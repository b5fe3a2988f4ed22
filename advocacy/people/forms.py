from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired, Length

from advocacy.core.forms import Form, MultiCheckboxField


class ImportUploadForm(Form):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file to upload."))],
                     render_kw={"accept": ".csv,text/csv"})
    deactivate_missing = BooleanField(_l("Deactivate everyone who is not in this file (leavers)"))


class ImportApplyForm(Form):
    token = HiddenField(validators=[DataRequired(), Length(max=64)])
    fingerprint = HiddenField(validators=[DataRequired(), Length(max=64)])
    deactivate_missing = HiddenField(validators=[Length(max=1)])


class PrivacyForm(Form):
    leaderboard_opt_in = BooleanField(_l("Show me on the leaderboard"))
    digest = BooleanField(_l("Send me the weekly digest of new posts"))


class RolesForm(Form):
    roles = MultiCheckboxField(_l("Roles"))

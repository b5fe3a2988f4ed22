from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField

from advocacy.core.forms import Form
from advocacy.core.i18n import LANGUAGE_CHOICES


class BankUploadForm(Form):
    file = FileField(_l("GIFT or Moodle XML file"), validators=[FileRequired(_l("Choose a .gift, .txt or .xml file."))],
                     render_kw={"accept": ".gift,.txt,.xml,text/plain,application/xml,text/xml"})
    language = SelectField(_l("Language of the questions"), choices=list(LANGUAGE_CHOICES))


class BankConfirmForm(Form):
    """Only the CSRF token: what is published is the file kept on the server, never a posted body."""

"""WTForms' own messages follow the page's language, request after request (the catalogue is kept
in the process, so switching languages must not leave the first one stuck)."""
from flask_babel import refresh
from wtforms import StringField
from wtforms.validators import DataRequired

from advocacy.core.forms import Form


class NameForm(Form):
    name = StringField("Name", validators=[DataRequired()])


def errors_in(app, language: str) -> list[str]:
    with app.test_request_context("/", method="POST", data={"name": ""},
                                  headers={"Accept-Language": language}):
        refresh()  # the test's app context outlives the request: forget the last request's locale
        form = NameForm(meta={"csrf": False})
        form.validate()
        return form.name.errors


def test_wtforms_messages_follow_the_language_of_each_request(app, db):
    assert errors_in(app, "nl") == ["Dit veld is vereist."]
    assert errors_in(app, "en") == ["This field is required."]
    assert errors_in(app, "nl") == ["Dit veld is vereist."]

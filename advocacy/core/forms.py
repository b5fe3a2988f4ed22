"""The base form (after a stale CSRF token, it fills itself with what the person had typed) and
widgets every feature may use."""
from functools import lru_cache

from babel import support
from flask import current_app, request, session
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField
from wtforms.i18n import messages_path
from wtforms.widgets import CheckboxInput, ListWidget

KEPT_FORM_KEY = "kept_form"
NEVER_KEPT = ("password", "csrf_token", "current_password", "new_password", "confirm")


def keep_submitted_form() -> None:
    """Remember the non-secret fields of a rejected POST, so the next GET can offer them again."""
    kept = {k: v for k, v in request.form.items() if not any(s in k for s in NEVER_KEPT)}
    if kept:
        session[KEPT_FORM_KEY] = {"path": request.path, "data": kept}


@lru_cache(maxsize=16)
def _wtforms_catalogue(locale: str):
    """WTForms' own messages in one language, read from disk once per process (Flask-WTF reads the
    .mo file again on every request, a measurable share of a page)."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class CachedTranslations:
    """What Flask-WTF's translations do, with the catalogue kept between requests."""

    @staticmethod
    def _catalogue():
        return _wtforms_catalogue(str(get_locale()))

    def gettext(self, string):
        return self._catalogue().ugettext(string)

    def ngettext(self, singular, plural, n):
        return self._catalogue().ungettext(singular, plural, n)


CACHED_TRANSLATIONS = CachedTranslations()


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return CACHED_TRANSLATIONS

    def __init__(self, *args, **kwargs):
        kept = session.get(KEPT_FORM_KEY)
        if request.method == "GET" and kept and kept.get("path") == request.path:
            session.pop(KEPT_FORM_KEY)
            kwargs = {**kept["data"], **kwargs}
        super().__init__(*args, **kwargs)


class EmptyForm(Form):
    """A form with only the CSRF token, for buttons that POST."""


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes: several choices of one field."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

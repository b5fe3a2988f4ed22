from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from advocacy.core.forms import Form
from advocacy.core.i18n import LANGUAGE_CHOICES


class LoginForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me logged in on this device"))
    next = HiddenField()


class NewPasswordForm(Form):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1024)],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
                            render_kw={"autocomplete": "new-password"})


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})


class ResetRequestForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "email", "autocapitalize": "none"})


class LanguageForm(Form):
    language = SelectField(_l("Language"), choices=list(LANGUAGE_CHOICES))
    next = HiddenField()


class SecondFactorCodeForm(Form):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "autocapitalize": "none"})


class SecondFactorConfirmForm(Form):
    """Changing the factor asks for proof: a current code, or the password."""

    proof = PasswordField(_l("A code from your app, or your password"), validators=[DataRequired(), Length(max=1024)],
                          render_kw={"autocomplete": "current-password"})


class PlainForm(Form):
    """A form that is only its CSRF token (one button)."""

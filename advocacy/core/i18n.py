"""The reader's language: chosen by the person, else by the browser; and fast translations.

Flask-Babel's gettext, lazy_gettext and the templates' _() all go through RequestDomain, which
keeps the translations per request and locale object."""
from __future__ import annotations

from flask import Flask, g, has_app_context, request, session
from flask_babel import Domain
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup

from advocacy.core.extensions import babel

# Each language in its own name. base.html writes the language form as plain HTML on every page.
LANGUAGE_CHOICES = (("en", "English"), ("nl", "Nederlands"))
LANGUAGES = tuple(code for code, _ in LANGUAGE_CHOICES)
# Every text exists in this language; others translate it, and readers fall back to it.
REFERENCE_LANGUAGE = "en"


def select_locale() -> str:
    if current_user and current_user.is_authenticated and current_user.language in LANGUAGES:
        return current_user.language
    if session.get("language") in LANGUAGES:
        return session["language"]
    return request.accept_languages.best_match(LANGUAGES) or "en"


class RequestDomain(Domain):
    """Flask-Babel's message domain, remembering the translations per request and locale object
    (again whenever the locale object changes, as inside force_locale). Finding them costs some
    7 µs, and a page asks for 30 to 100 strings, from templates and from lazy labels alike."""

    def get_translations(self):
        state = g.get("_flask_babel") if has_app_context() else None
        if state is not None:
            kept, locale = getattr(state, "advocacy_translations", None), getattr(state, "babel_locale", None)
            if kept is not None and locale is not None and kept[0] is locale:
                return kept[1]
        translations = super().get_translations()
        state = g.get("_flask_babel") if has_app_context() else None
        if state is not None:
            state.advocacy_translations = (getattr(state, "babel_locale", None), translations)
        return translations


def request_translations():
    return babel.domain_instance.get_translations()


def install_template_gettext(app: Flask) -> None:
    """Templates' _(), gettext() and ngettext(): the same behaviour as Jinja's "newstyle" gettext
    (always %-formatted, variables escaped when autoescaping), at a third of the cost, through
    request_translations()."""

    @pass_eval_context
    def template_gettext(eval_ctx, string, **variables):
        text = request_translations().ugettext(string)
        if eval_ctx.autoescape:
            text = Markup(text)
        # Formatting a text without '%' changes nothing: skip it for the many plain strings.
        return text % variables if variables or "%" in text else text

    @pass_eval_context
    def template_ngettext(eval_ctx, singular, plural, num, **variables):
        variables.setdefault("num", num)
        text = request_translations().ungettext(singular, plural, num)
        return (Markup(text) if eval_ctx.autoescape else text) % variables

    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext, ngettext=template_ngettext)


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    babel.domain_instance = RequestDomain(domain=app.config.get("BABEL_DOMAIN", "messages"))
    install_template_gettext(app)

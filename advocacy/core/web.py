"""Request-level plumbing: database pragmas, sessions, headers, errors, language, navigation."""
from __future__ import annotations

import sqlite3
from functools import cache

from flask import Flask, g, has_app_context, render_template, request, session
from flask_babel import Domain
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import bindparam, event, select
from sqlalchemy.engine import Engine
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from advocacy.core import fragments
from advocacy.core.extensions import babel, login_manager
from advocacy.core.db import db


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite: enforce foreign keys, let readers and a writer work at once, wait instead of failing."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA busy_timeout = 10000")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()


def init_app(app: Flask) -> None:
    if app.config["PROXY_COUNT"]:
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_prefix=n)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see that page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
    app.after_request(set_security_headers)
    app.context_processor(template_helpers)
    # Flask-Babel's gettext, lazy_gettext and templates all ask this domain for the translations.
    babel.domain_instance = RequestDomain(domain=app.config.get("BABEL_DOMAIN", "messages"))
    install_template_gettext(app)
    fragments.init_app(app)
    register_error_handlers(app)


def load_user(session_token: str):
    if not session_token:
        return None
    user = db.session.scalars(_user_statement(), {"token": session_token}).unique().first()
    return user if user is not None and user.is_active else None


@cache
def _user_statement():
    """Roles come in the same query: every page asks for them (the navigation), one round trip
    fewer. Built once per process, as it runs on every request."""
    from sqlalchemy.orm import joinedload

    from advocacy.core.organisation import User

    return select(User).options(joinedload(User.role_rows)).where(User.session_token == bindparam("token"))


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
    from jinja2 import pass_eval_context
    from markupsafe import Markup

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


def select_locale() -> str:
    languages = ("en", "nl")
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    if session.get("language") in languages:
        return session["language"]
    return request.accept_languages.best_match(languages) or "en"


CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
       "frame-ancestors 'none'")


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if current_user and getattr(current_user, "is_authenticated", False):
        headers.setdefault("Cache-Control", "private, no-store")
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        from advocacy.core.forms import keep_submitted_form

        keep_submitted_form()
        return render_template("errors/csrf.html", retry_url=request.path), 400

    @app.errorhandler(HTTPException)
    def http_error(error):
        code = error.code or 500
        template = f"errors/{code}.html" if code in (400, 403, 404, 405, 413, 429) else "errors/generic.html"
        return render_template(template, error=error), code

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render_template("errors/500.html"), 500


# -- navigation ----------------------------------------------------------------------------------

NAV = (
    # (role that sees it, endpoint, label)
    ("employee", "courses.home", _l("Learn")),
    ("employee", "feed.index", _l("Share")),
    ("manager", "reports.team", _l("My team")),
    ("hr", "reports.hr_dashboard", _l("HR")),
    ("marketing", "feed.manage", _l("Posts")),
    ("marketing", "reports.analytics_overview", _l("Analytics")),
    ("reviewer", "feed.review_queue", _l("Review")),
    ("admin", "main.admin_home", _l("Admin")),
)


def nav_items():
    user = current_user._get_current_object()
    if not user.is_authenticated:
        return []
    roles = user.roles
    return [(endpoint, label) for role, endpoint, label in NAV if role in roles]


def template_helpers():
    from flask_babel import get_locale

    from advocacy.core.i18n import LANGUAGE_CHOICES

    return {
        "nav_items": nav_items,
        "languages": LANGUAGE_CHOICES,
        "current_language": lambda: str(get_locale()),
    }

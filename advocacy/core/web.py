"""Request-level plumbing: proxies, security headers, error pages, and the navigation that
features register (core knows no feature: each adds its own tabs from create_app)."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask, current_app, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from limits.errors import StorageError
from redis.exceptions import RedisError
from werkzeug.exceptions import HTTPException, ServiceUnavailable
from werkzeug.middleware.proxy_fix import ProxyFix

from advocacy.core.db import db
from advocacy.core.forms import keep_submitted_form
from advocacy.core.i18n import LANGUAGE_CHOICES

log = logging.getLogger("advocacy.web")
RETRY_AFTER_SECONDS = 30

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
       "frame-ancestors 'none'")


def init_app(app: Flask) -> None:
    if app.config["PROXY_COUNT"]:
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_prefix=n)  # type: ignore[method-assign]
    app.extensions["advocacy.nav"] = []
    app.extensions[_ERROR_RENDERERS] = []
    app.after_request(set_security_headers)
    app.context_processor(template_helpers)
    register_error_handlers(app)


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


_ERROR_RENDERERS = "advocacy.error_renderers"


def add_error_renderer(app: Flask, path_prefix: str, renderer) -> None:
    """Errors of requests under `path_prefix` are answered by `renderer(error)` instead of an HTML
    page (a machine API answers in its own format: 404, 405, 429, 500 and 503 included)."""
    app.extensions[_ERROR_RENDERERS].append((path_prefix.rstrip("/"), renderer))


def _renderer_for_request():
    for prefix, renderer in current_app.extensions.get(_ERROR_RENDERERS, []):
        if request.path == prefix or request.path.startswith(prefix + "/"):
            return renderer
    return None


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        renderer = _renderer_for_request()
        if renderer is not None:
            return renderer(error)
        keep_submitted_form()
        return render_template("errors/csrf.html", retry_url=request.path), 400

    @app.errorhandler(HTTPException)
    def http_error(error):
        renderer = _renderer_for_request()
        if renderer is not None:
            return renderer(error)
        code = error.code or 500
        template = f"errors/{code}.html" if code in (400, 403, 404, 405, 413, 429) else "errors/generic.html"
        return render_template(template, error=error), code

    @app.errorhandler(StorageError)
    @app.errorhandler(RedisError)
    def store_unavailable(error):
        # Fail closed: a limit that cannot be counted is not skipped (README, "Operating").
        log.error("a store this request needs (Redis) is unavailable: %s: %s", type(error).__name__, error)
        db.session.rollback()
        renderer = _renderer_for_request()
        if renderer is not None:
            return renderer(ServiceUnavailable())
        return service_unavailable()

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        renderer = _renderer_for_request()
        if renderer is not None:
            return renderer(error)
        return render_template("errors/500.html"), 500


def service_unavailable(sign_in: bool = False):
    """503 with a page saying what is unavailable, and when to try again."""
    response = current_app.make_response((render_template("errors/503.html", sign_in=sign_in), 503))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


# -- navigation ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class NavItem:
    order: int      # place in the bar, left to right
    role: str       # who sees it
    endpoint: str
    label: object   # a lazy string


def add_nav_item(app: Flask, order: int, role: str, endpoint: str, label) -> None:
    """A feature adds its tab to the navigation bar (from its init_app)."""
    items = app.extensions["advocacy.nav"]
    items.append(NavItem(order, role, endpoint, label))
    items.sort(key=lambda item: item.order)


def nav_items():
    user = current_user._get_current_object()
    if not user.is_authenticated:
        return []
    roles = user.roles
    shown: dict[str, object] = {}  # one tab per page, however many of the person's roles add it
    for item in current_app.extensions["advocacy.nav"]:
        if item.role in roles:
            shown.setdefault(item.endpoint, item.label)
    return list(shown.items())


def template_helpers():
    return {
        "nav_items": nav_items,
        "languages": LANGUAGE_CHOICES,
        "current_language": lambda: str(get_locale()),
    }

"""The base form: after a stale CSRF token, it fills itself with what the person had typed."""
from flask import request, session
from flask_wtf import FlaskForm

KEPT_FORM_KEY = "kept_form"
NEVER_KEPT = ("password", "csrf_token", "current_password", "new_password", "confirm")


def keep_submitted_form() -> None:
    """Remember the non-secret fields of a rejected POST, so the next GET can offer them again."""
    kept = {k: v for k, v in request.form.items() if not any(s in k for s in NEVER_KEPT)}
    if kept:
        session[KEPT_FORM_KEY] = {"path": request.path, "data": kept}


class Form(FlaskForm):
    def __init__(self, *args, **kwargs):
        kept = session.get(KEPT_FORM_KEY)
        if request.method == "GET" and kept and kept.get("path") == request.path:
            session.pop(KEPT_FORM_KEY)
            kwargs = {**kept["data"], **kwargs}
        super().__init__(*args, **kwargs)

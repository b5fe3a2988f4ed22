"""The app's own logs: level and format from the environment, written to stderr, every line
carrying the id of the request (or job) it was written for.

A request's id comes from `X-Request-ID` only when the app runs behind a trusted proxy
(`PROXY_COUNT` > 0) and the value is a sane token; otherwise the app makes one. The id goes back in
the `X-Request-ID` response header (gunicorn's access log reads it from there) and onto error pages,
so a person can quote it and an operator can find every line of that request.

A job sets its own id with `job_context(...)` (or `set_job_id`/`clear_job_id` from a queue's
hooks), so its lines can be found the same way.
"""
from __future__ import annotations

import contextvars
import json
import logging
import re
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from flask import Flask, current_app, g, request
from flask.logging import default_handler

from advocacy.core.config import ConfigError

HEADER = "X-Request-ID"
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
# Letters, digits and a few separators (a UUID, a proxy's hex id, "trace-id:span"): nothing that
# could break a log line, a header or a page.
_SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
_HANDLER_NAME = "advocacy.stderr"
# The attributes every LogRecord has; anything else on a record was passed in `extra=` and is
# written as a field of its own in JSON.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "request_id"}

_current_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("advocacy_request_id", default=None)


def new_request_id() -> str:
    return secrets.token_hex(16)


def current_request_id() -> str | None:
    """The id of the request or job being handled in this thread, if any."""
    return _current_id.get()


def is_sane_id(value: str | None) -> bool:
    return bool(value) and _SANE_ID.fullmatch(value or "") is not None


def set_job_id(job_id: str | None = None) -> str:
    """From now on in this thread, log lines carry this job's id (a sane id given, or a new one).
    For a queue's before/after hooks; `clear_job_id()` when the job is done."""
    value = job_id if job_id is not None and is_sane_id(job_id) else new_request_id()
    _current_id.set(value)
    return value


def clear_job_id() -> None:
    _current_id.set(None)


@contextmanager
def job_context(job_id: str | None = None) -> Iterator[str]:
    """Run a job with its own id in every log line it writes (a sane id given, or a new one)."""
    previous = _current_id.get()
    try:
        yield set_job_id(job_id)
    finally:
        _current_id.set(previous)


# -- formatting ----------------------------------------------------------------------------------

class RequestIdFilter(logging.Filter):
    """Puts the current request id (or "-") on every record the handler writes."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = _current_id.get() or "-"
        return True


class AccessLogFilter(logging.Filter):
    """For gunicorn's access log: the request id the app sent back, and the request's parts as
    fields of their own (JSON keeps them apart; text shows the formatted line)."""

    FIELDS = {"remote_addr": "h", "method": "m", "path": "U", "status": "s", "bytes": "b", "duration_ms": "M"}

    def filter(self, record: logging.LogRecord) -> bool:
        atoms = record.args
        if isinstance(atoms, dict):
            record.request_id = atoms.get("{x-request-id}o") or "-"
            for field, atom in self.FIELDS.items():
                setattr(record, field, atoms.get(atom))
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request_id, any extras, and
    the traceback as one field, so an exception stays one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "pid": record.process,
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def make_formatter(log_format: str) -> logging.Formatter:
    if log_format == "json":
        return JsonFormatter()
    return logging.Formatter(TEXT_FORMAT)


def make_handler(log_format: str) -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(make_formatter(log_format))
    return handler


def check_settings(level: str, log_format: str) -> None:
    if level not in LEVELS:
        raise ConfigError(f"LOG_LEVEL={level!r} is not a log level; use one of {', '.join(LEVELS)}.")
    if log_format not in FORMATS:
        raise ConfigError(f"LOG_FORMAT={log_format!r} is not known; use text or json.")


def configure_logging(level: str = "INFO", log_format: str = "text") -> None:
    """One handler on the root logger, to stderr; calling again replaces it (one app, one handler)."""
    level, log_format = level.upper(), log_format.lower()
    check_settings(level, log_format)
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == _HANDLER_NAME:
            root.removeHandler(handler)
    root.addHandler(make_handler(log_format))
    root.setLevel(level)


# -- per request ---------------------------------------------------------------------------------

def init_app(app: Flask) -> None:
    configure_logging(app.config.get("LOG_LEVEL", "INFO"), app.config.get("LOG_FORMAT", "text"))
    # Flask's own handler would write each of the app's lines a second time, without the id.
    app.logger.removeHandler(default_handler)
    app.before_request(start_request)
    app.after_request(send_request_id)
    app.teardown_request(end_request)
    app.context_processor(lambda: {"request_id": current_request_id})


def request_id_from(headers, trust_proxy: bool) -> str:
    offered = headers.get(HEADER) if trust_proxy else None
    return offered if isinstance(offered, str) and is_sane_id(offered) else new_request_id()


def start_request() -> None:
    g.request_id = request_id_from(request.headers, current_app.config.get("PROXY_COUNT", 0) > 0)
    _current_id.set(g.request_id)


def send_request_id(response):
    request_id = g.get("request_id")
    if request_id:
        response.headers[HEADER] = request_id
    return response


def end_request(_error=None) -> None:
    _current_id.set(None)

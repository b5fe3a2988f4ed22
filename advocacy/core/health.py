"""Liveness and readiness.

`/healthz` says the process is up and answering; it touches nothing else, so a load balancer or
an orchestrator never restarts healthy workers because the database blinked. `/readyz` says
whether this instance can serve: the database answers, the rate-limit store answers (when it is
Redis), and every check another floor registered with `add_readiness_check(name, fn)` passes
(the job queue registers its own). Each check answers True/False or raises; the answer names the
check that failed and never says why in detail (no URLs, no hosts, no passwords: the log does).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable

from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import text

from advocacy.core.db import db
from advocacy.core.extensions import limiter

log = logging.getLogger("advocacy.health")
bp = Blueprint("health", __name__)
_CHECKS = "advocacy.readiness"
_STORE_DOWN_UNTIL = "advocacy.rate_limit_store_down_until"
RECHECK_SECONDS = 5

Check = Callable[[], bool]


def add_readiness_check(app: Flask, name: str, check: Check) -> None:
    """A floor adds what must answer before this instance takes traffic (from its init_app)."""
    checks: dict[str, Check] = app.extensions.setdefault(_CHECKS, {})
    if name in checks:
        raise ValueError(f"a readiness check named {name!r} is already registered")
    checks[name] = check


def database_ok() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    finally:
        db.session.rollback()  # nothing to keep, and a failed connection must go back clean


def uses_shared_rate_limit_store() -> bool:
    return not current_app.config.get("RATELIMIT_STORAGE_URI", "memory://").startswith("memory://")


def rate_limit_store_ok() -> bool:
    """Whether login failures and rate limits can be counted right now (memory always can).

    A store found down is taken as down for RECHECK_SECONDS without asking again: a stuck Redis
    holds each question for the client's timeout (seconds), and every login page asks."""
    if not uses_shared_rate_limit_store():
        return True
    state = current_app.extensions.setdefault(_STORE_DOWN_UNTIL, [0.0])
    if time.monotonic() < state[0]:
        return False
    try:
        answered = bool(limiter.storage.check())
    except Exception as error:  # a store that cannot even be asked is down, whatever it raised
        log.error("the rate-limit store is unavailable: %s: %s", type(error).__name__, error)
        answered = False
    if not answered:
        log.error("the rate-limit store does not answer: signing in is paused for %s s, then asked again",
                  RECHECK_SECONDS)
        state[0] = time.monotonic() + RECHECK_SECONDS
    return answered


def readiness_checks() -> dict[str, Check]:
    checks: dict[str, Check] = {"database": database_ok}
    if uses_shared_rate_limit_store():
        checks["rate_limit_store"] = rate_limit_store_ok
    checks.update(current_app.extensions.get(_CHECKS, {}))
    return checks


def run_checks() -> dict[str, str]:
    results = {}
    for name, check in readiness_checks().items():
        try:
            passed = bool(check())
        except Exception as error:  # any failure to answer is "unavailable", whatever the driver says
            log.error("readiness check %s failed: %s: %s", name, type(error).__name__, error)
            passed = False
        results[name] = "ok" if passed else "unavailable"
    return results


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    checks = run_checks()
    failed = sorted(name for name, result in checks.items() if result != "ok")
    if failed:
        return jsonify(status="error", checks=checks, failed=failed), 503
    return jsonify(status="ok", checks=checks)


def init_app(app: Flask) -> None:
    app.extensions.setdefault(_CHECKS, {})
    app.register_blueprint(bp)

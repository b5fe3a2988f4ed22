"""Prometheus metrics: requests by endpoint and status, latency, and counters other parts increment
(jobs queued and failed, mails sent and failed) through the one-line helpers below.

Under gunicorn every worker counts in files in `PROMETHEUS_MULTIPROC_DIR` (prometheus-client's
multiprocess mode; the variable must be set before the server starts, the shipped gunicorn
configuration checks it) and a scrape adds them up, whichever worker answers it.

Never public. Either `METRICS_ADDRESS` (host:port) is set and gunicorn's master process serves the
metrics there and nowhere else (`/metrics` on the site is then not found), or `METRICS_TOKEN` is set
and `/metrics` answers a scraper that sends `Authorization: Bearer <token>`. With neither, there
are no metrics to fetch.
"""
from __future__ import annotations

import hmac
import os
import time

from flask import Blueprint, Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
)

from advocacy.core.config import ConfigError

MIN_TOKEN_LENGTH = 16
# The endpoint label of a request that matched no route: paths would make one series per URL.
NO_ENDPOINT = "none"

REQUESTS = Counter("advocacy_http_requests", "HTTP requests answered, by endpoint, method and status.",
                   ["endpoint", "method", "status"])
LATENCY = Histogram("advocacy_http_request_duration_seconds", "Time to answer a request, by endpoint.",
                    ["endpoint"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
JOBS_QUEUED = Counter("advocacy_jobs_queued", "Background jobs put on the queue, by job.", ["job"])
JOBS_FAILED = Counter("advocacy_jobs_failed", "Background jobs that failed (each failed try), by job.", ["job"])
MAILS_SENT = Counter("advocacy_mails_sent", "Mails the SMTP server accepted.")
MAILS_FAILED = Counter("advocacy_mails_failed", "Mails that could not be sent.")


def job_queued(job: str) -> None:
    JOBS_QUEUED.labels(job=job).inc()


def job_failed(job: str) -> None:
    JOBS_FAILED.labels(job=job).inc()


def mails_sent(count: int = 1) -> None:
    MAILS_SENT.inc(count)


def mails_failed(count: int = 1) -> None:
    MAILS_FAILED.inc(count)


# -- exposition ----------------------------------------------------------------------------------

def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def collect() -> bytes:
    """Every worker's counts added up (multiprocess mode), or this process's own."""
    return generate_latest(multiprocess_registry() if multiprocess_dir() else REGISTRY)


def parse_address(address: str) -> tuple[str, int]:
    """`host:port` (`[::1]:9100` for IPv6) -> (host, port); a ConfigError says what is wrong."""
    host, sep, port = address.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"METRICS_ADDRESS={address!r} is not host:port (e.g. 127.0.0.1:9100).")
    return host, int(port)


def multiprocess_registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


def serve_on(address: str) -> None:
    """Serve every worker's metrics on a separate address (from gunicorn's master process)."""
    host, port = parse_address(address)
    start_http_server(port, addr=host, registry=multiprocess_registry() if multiprocess_dir() else REGISTRY)


def mark_worker_dead(pid: int) -> None:
    multiprocess.mark_process_dead(pid)


bp = Blueprint("metrics", __name__)


@bp.get("/metrics")
def metrics():
    config = current_app.config
    token = config.get("METRICS_TOKEN") or ""
    if config.get("METRICS_ADDRESS") or not token:
        abort(404)
    scheme, _, offered = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(offered.strip().encode(), token.encode()):
        return Response("A bearer token is needed.\n", 401, {"WWW-Authenticate": 'Bearer realm="metrics"'},
                        mimetype="text/plain")
    return Response(collect(), mimetype=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})


# -- counting requests ---------------------------------------------------------------------------

def start_timer() -> None:
    g.metrics_started = time.perf_counter()


def count_request(response):
    started = g.pop("metrics_started", None)
    endpoint = request.url_rule.endpoint if request.url_rule else NO_ENDPOINT
    REQUESTS.labels(endpoint=endpoint, method=request.method, status=str(response.status_code)).inc()
    if started is not None:
        LATENCY.labels(endpoint=endpoint).observe(time.perf_counter() - started)
    return response


def check_settings(config) -> None:
    token = config.get("METRICS_TOKEN") or ""
    if token and len(token) < MIN_TOKEN_LENGTH:
        raise ConfigError(f"METRICS_TOKEN is too short: use at least {MIN_TOKEN_LENGTH} random characters, e.g. "
                          "`python3 -c 'import secrets; print(secrets.token_urlsafe(32))'`.")
    if config.get("METRICS_ADDRESS"):
        parse_address(config["METRICS_ADDRESS"])


def init_app(app: Flask) -> None:
    check_settings(app.config)
    app.before_request(start_timer)
    app.after_request(count_request)
    app.register_blueprint(bp)

"""gunicorn's configuration, shipped inside the package so an installed wheel has it:

    gunicorn -c python:advocacy.core.gunicorn_conf --bind 127.0.0.1:8000 'advocacy:create_app()'

Settings from the environment (command-line options still win): `WEB_CONCURRENCY` workers
(default: 2 per CPU, at most 8), `GUNICORN_THREADS` threads each (default 4), `GUNICORN_TIMEOUT`
seconds before a stuck worker is replaced (default 30), `GUNICORN_GRACEFUL_TIMEOUT` to finish
requests on a restart (default 30), `GUNICORN_KEEPALIVE` (default 5, for a proxy in front).

Logs: gunicorn's own lines and one access line per request go to stderr in the app's format
(`LOG_FORMAT`, `LOG_LEVEL`), each access line with the request's id.

Metrics (core/metrics.py): with more than one worker, prometheus-client counts in files in
`PROMETHEUS_MULTIPROC_DIR`, which must be set before gunicorn starts (this file is read after the
app's modules are imported, too late to choose the counting mode). When the server starts, the
counts of processes no longer running are removed; a worker that exits is marked dead. With
`METRICS_ADDRESS` the master serves the metrics of all workers there.

This module is read by gunicorn only; nothing in the app imports it.
"""
from __future__ import annotations

import glob
import os

from advocacy.core import logs, metrics
from advocacy.core.config import ConfigError


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise ConfigError(f"{name}={value!r} is not a positive whole number.")
    return int(value)


workers = _int("WEB_CONCURRENCY", min(2 * (os.cpu_count() or 1), 8))
threads = _int("GUNICORN_THREADS", 4)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)

_level = os.environ.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
_format = os.environ.get("LOG_FORMAT", "text").strip().lower() or "text"
logs.check_settings(_level, _format)
loglevel = _level.lower()
# Method and path without the query string; the id is the one the app put in its response.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    # The app adds its own handler to the root logger in each worker (core/logs.py).
    "root": {"level": _level, "handlers": []},
    "filters": {
        "request_id": {"()": "advocacy.core.logs.RequestIdFilter"},
        "access": {"()": "advocacy.core.logs.AccessLogFilter"},
    },
    "formatters": {"app": {"()": "advocacy.core.logs.make_formatter", "log_format": _format}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr",
                            "formatter": "app", "filters": ["request_id"]}},
    "loggers": {
        "gunicorn.error": {"level": _level, "handlers": ["stderr"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["stderr"], "filters": ["access"], "propagate": False},
    },
}

_metrics_address = os.environ.get("METRICS_ADDRESS", "").strip()
_metrics_wanted = bool(_metrics_address or os.environ.get("METRICS_TOKEN"))


def on_starting(server) -> None:
    folder = metrics.multiprocess_dir()
    if _metrics_wanted and server.cfg.workers > 1 and not folder:
        raise SystemExit("Metrics are on (METRICS_TOKEN or METRICS_ADDRESS) with several workers, so "
                         "PROMETHEUS_MULTIPROC_DIR must name a folder of its own the server may write, set "
                         "before gunicorn starts (e.g. /run/advocacy/metrics); otherwise each scrape would see one "
                         "worker's counts.")
    if folder:
        os.makedirs(folder, exist_ok=True)
        remove_counts_of_dead_processes(folder)


def remove_counts_of_dead_processes(folder: str) -> None:
    """A previous run's files (counter_<pid>.db, ...) go; those of a process still running (a job
    worker on this host writing to the same folder) stay, so its counts show in the same scrape."""
    for path in glob.glob(os.path.join(folder, "*.db")):
        pid = os.path.basename(path).rsplit("_", 1)[-1].removesuffix(".db")
        if not (pid.isdigit() and _alive(int(pid))):
            os.remove(path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def when_ready(server) -> None:
    if _metrics_address:
        metrics.serve_on(_metrics_address)
        server.log.info("metrics served on http://%s/metrics", _metrics_address)


def child_exit(server, worker) -> None:
    if metrics.multiprocess_dir():
        metrics.mark_worker_dead(worker.pid)

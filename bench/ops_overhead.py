"""What the operating hooks cost per request: the request id (made, set, sent back, cleared) and
the metrics (a timer, a counter and a histogram), timed in one process on a request context.

    .venv/bin/python -m bench.ops_overhead [--requests 20000]

Prints microseconds per request for the hooks, beside a whole GET /healthz through the test client
(every hook of the app), so the share is plain. Figures, not assertions.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from flask import Response, request

from advocacy import create_app
from advocacy.core import logs, metrics


def per_request_us(fn, n: int) -> float:
    started = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - started) / n * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20000)
    n = parser.parse_args().requests
    folder = tempfile.mkdtemp(prefix="advocacy-bench-")
    app = create_app({"SECRET_KEY": "bench-" + "x" * 32, "LOG_LEVEL": "WARNING",
                      "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(Path(folder) / "bench.sqlite3")})
    response = Response("ok")

    with app.test_request_context("/healthz"):
        request.url_rule = app.url_map.bind("localhost").match("/healthz", return_rule=True)[0]

        def request_id_hooks():
            logs.start_request()
            logs.send_request_id(response)
            logs.end_request()

        def metrics_hooks():
            metrics.start_timer()
            metrics.count_request(response)

        ids = per_request_us(request_id_hooks, n)
        counted = per_request_us(metrics_hooks, n)
    client = app.test_client()
    whole = per_request_us(lambda: client.get("/healthz"), max(n // 10, 100))
    print(f"request id hooks:   {ids:7.1f} us per request")
    print(f"metrics hooks:      {counted:7.1f} us per request")
    print(f"whole GET /healthz: {whole:7.1f} us per request (test client, every hook)")
    print(f"share of the hooks: {(ids + counted) / whole:7.1%}")


if __name__ == "__main__":
    main()

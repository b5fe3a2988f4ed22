"""The shipped gunicorn configuration, for real: two workers on an ephemeral port, JSON access lines
with the request id, and metrics whose counts from both workers add up (multiprocess mode), on a
separate address or behind the token."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.liveserver import Server, base_env, free_port

from .test_metrics import TOKEN, sample

pytestmark = pytest.mark.slow
CONFIG = ("-c", "python:advocacy.core.gunicorn_conf")
REQUESTS = 120


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


@pytest.fixture(scope="module", params=["address", "token"])
def server(request, tmp_path_factory):
    mode = request.param
    tmp_path = tmp_path_factory.mktemp(f"gunicorn-{mode}")
    env = base_env("sqlite:///" + str(tmp_path / "db.sqlite3"), LOG_FORMAT="json",
                   PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
                   GUNICORN_THREADS="1")  # sync workers: concurrent requests must spread over both
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "counter_999999999.db").write_bytes(b"stale")  # a previous run's: removed at start
    if mode == "address":
        env["METRICS_ADDRESS"] = f"127.0.0.1:{free_port()}"
        scrape_url, headers = f"http://{env['METRICS_ADDRESS']}/metrics", {}
    else:
        env["METRICS_TOKEN"] = TOKEN
        scrape_url, headers = None, {"Authorization": f"Bearer {TOKEN}"}
    live = Server(env, workers=2, log_path=tmp_path / "server.log", extra_args=CONFIG).start()
    live.scrape_url = scrape_url or live.url + "/metrics"
    live.scrape_headers = headers
    live.mode = mode
    try:
        yield live
    finally:
        live.stop()


def healthz_count(server) -> float:
    status, _headers, body = fetch(server.scrape_url, server.scrape_headers)
    assert status == 200
    return sample(body.decode(), "advocacy_http_requests_total", endpoint="health.healthz", method="GET", status="200")


def test_counts_from_both_workers_add_up(server):
    before = healthz_count(server)
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: fetch(server.url + "/healthz"), range(REQUESTS)))
    assert all(status == 200 for status, _h, _b in answers)
    assert healthz_count(server) - before == REQUESTS

    ids = {headers["X-Request-ID"] for _s, headers, _b in answers}
    assert len(ids) == REQUESTS
    deadline = time.monotonic() + 5
    while True:  # a worker writes the access line just after it sent the answer
        served = [entry for entry in access_lines(server) if entry["path"] == "/healthz"]
        if ids <= {entry["request_id"] for entry in served} or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert ids <= {entry["request_id"] for entry in served}, "each answer's id is in its access line"
    assert len({entry["pid"] for entry in served}) == 2, "both workers answered some of the requests"


def access_lines(server) -> list[dict]:
    return [json.loads(line) for line in server.log_path.read_text().splitlines()
            if line.startswith("{") and '"gunicorn.access"' in line]


def test_the_site_itself_never_shows_metrics_without_the_token(server):
    with pytest.raises(urllib.error.HTTPError) as refused:
        fetch(server.url + "/metrics")
    assert refused.value.code == (404 if server.mode == "address" else 401)


def test_metrics_with_several_workers_and_no_folder_refuse_to_start_with_one_line(tmp_path):
    env = base_env("sqlite:///" + str(tmp_path / "db.sqlite3"), METRICS_TOKEN=TOKEN)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    result = subprocess.run([sys.executable, "-m", "gunicorn", *CONFIG, "--bind", f"127.0.0.1:{free_port()}",
                             "--workers", "2", "advocacy:create_app()"],
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "PROMETHEUS_MULTIPROC_DIR must name a folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_restart_drops_the_counts_of_dead_processes_only(tmp_path):
    from advocacy.core.gunicorn_conf import remove_counts_of_dead_processes

    mine, dead = tmp_path / f"counter_{os.getpid()}.db", tmp_path / "histogram_999999999.db"
    mine.write_bytes(b""), dead.write_bytes(b"")
    remove_counts_of_dead_processes(str(tmp_path))
    assert mine.exists() and not dead.exists()

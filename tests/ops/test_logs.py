"""Logs an operator can follow: one request id per request, in every line, the response header and
the error page; JSON or text; a job's own id."""
from __future__ import annotations

import logging

import pytest

from advocacy.core.config import ConfigError
from advocacy.core.logs import HEADER, clear_job_id, job_context, set_job_id


def add_failing_route(app):
    def boom():
        logging.getLogger("advocacy.test").info("about to fail")
        raise RuntimeError("the disk is on fire")

    app.add_url_rule("/boom", "boom", boom)


def test_an_unhandled_error_is_one_json_line_with_the_id_shown_on_the_page(make_app, stderr_lines):
    app = make_app(LOG_FORMAT="json", PROPAGATE_EXCEPTIONS=False)
    add_failing_route(app)
    lines = stderr_lines()
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    request_id = response.headers[HEADER]
    assert request_id in response.get_data(as_text=True), "the 500 page shows the id a person can quote"
    entries = lines.json()
    assert [e["message"] for e in entries if e["request_id"] == request_id][0] == "about to fail"
    errors = [e for e in entries if e["level"] == "ERROR"]
    assert len(errors) == 1, "one line per unhandled exception"
    assert errors[0]["request_id"] == request_id and "the disk is on fire" in errors[0]["exception"]
    assert "\n" not in lines.stream.getvalue().strip().split("\n")[-1].strip()


def test_text_lines_carry_the_id_in_brackets(make_app, stderr_lines):
    app = make_app(LOG_FORMAT="text", PROPAGATE_EXCEPTIONS=False)
    add_failing_route(app)
    lines = stderr_lines()
    request_id = app.test_client().get("/boom").headers[HEADER]
    assert any(f"INFO [{request_id}] advocacy.test: about to fail" in line for line in lines.text())


def test_every_response_has_its_own_id(client):
    first, second = client.get("/login"), client.get("/login")
    assert first.headers[HEADER] != second.headers[HEADER]
    assert len(first.headers[HEADER]) == 32


def test_an_offered_id_is_ignored_without_a_trusted_proxy(client):
    response = client.get("/healthz", headers={HEADER: "from-the-internet-1234"})
    assert response.headers[HEADER] != "from-the-internet-1234"


@pytest.mark.parametrize("offered, kept", [
    ("7f3c2a9e-1b2d-4c5e-8f90-a1b2c3d4e5f6", True),   # a UUID, as most proxies send
    ("Root=1-67891233-abcdef012345678912345678", False),   # "=" is not a sane character here
    ("two words", False),
    ("x" * 129, False),
    ("<script>alert(1)</script>", False),
    ("", False),
])
def test_behind_a_proxy_a_sane_offered_id_is_kept(make_app, offered, kept):
    app = make_app(PROXY_COUNT=1)
    response = app.test_client().get("/healthz", headers={HEADER: offered})
    assert (response.headers[HEADER] == offered) is kept
    assert len(response.headers[HEADER]) <= 128 and " " not in response.headers[HEADER]


def test_the_not_found_page_shows_the_reference(client):
    response = client.get("/nothing-here", headers={"Accept-Language": "nl"})
    assert response.status_code == 404
    assert f"vermeld dan deze code: {response.headers[HEADER]}" in response.get_data(as_text=True)


def test_a_job_writes_its_own_id(make_app, stderr_lines):
    make_app(LOG_FORMAT="json")
    lines = stderr_lines()
    with job_context("import-42-attempt-1") as job_id:
        logging.getLogger("advocacy.jobs").warning("retrying")
    with job_context("not a sane id\n") as made:
        logging.getLogger("advocacy.jobs").warning("again")
    logging.getLogger("advocacy.jobs").warning("outside")
    ids = [e["request_id"] for e in lines.json()]
    assert job_id == "import-42-attempt-1" and ids[0] == job_id
    assert ids[1] == made and len(made) == 32
    assert ids[2] == "-"


def test_extra_fields_are_kept_in_json(make_app, stderr_lines):
    make_app(LOG_FORMAT="json")
    lines = stderr_lines()
    logging.getLogger("advocacy.mail").warning("send failed", extra={"reason": "no STARTTLS", "mails": 3})
    entry = lines.json()[-1]
    assert entry["reason"] == "no STARTTLS" and entry["mails"] == 3 and entry["level"] == "WARNING"


def test_the_level_filters_lines(make_app, stderr_lines):
    make_app(LOG_LEVEL="WARNING")
    lines = stderr_lines()
    logging.getLogger("advocacy.x").info("chatter")
    logging.getLogger("advocacy.x").warning("worth reading")
    assert [line.endswith("worth reading") for line in lines.text()] == [True]


@pytest.mark.parametrize("setting, value", [("LOG_LEVEL", "LOUD"), ("LOG_FORMAT", "xml")])
def test_an_unknown_level_or_format_stops_the_start_with_one_clear_line(make_app, setting, value):
    with pytest.raises(ConfigError, match=setting):
        make_app(**{setting: value})


def test_a_queue_hook_sets_and_clears_the_job_id(make_app, stderr_lines):
    make_app(LOG_FORMAT="json")
    lines = stderr_lines()
    job_id = set_job_id("huey-3f2a")
    logging.getLogger("advocacy.jobs").warning("sending")
    clear_job_id()
    logging.getLogger("advocacy.jobs").warning("idle")
    assert job_id == "huey-3f2a" and [e["request_id"] for e in lines.json()] == ["huey-3f2a", "-"]

"""The verdicts of the proof tools (bench, load, scan), checked without servers: each one says
no when it should."""
import http.client
import io

import pytest

from bench.httpclient import Session
from bench.load import Ledger, reconcile
from bench.run import Measurement, table
from scan.run import is_failure


def finding(category, level):
    return {"category": category, "level": level}


def test_the_scan_fails_on_medium_and_on_any_injection_or_redirect():
    assert is_failure(finding("Cross Site Request Forgery", 2))
    assert is_failure(finding("Open Redirect", 1)), "wapiti rates an open redirect low; we do not"
    assert is_failure(finding("Stored Cross Site Scripting", 1))
    assert not is_failure(finding("Secure Flag cookie", 1))
    assert not is_failure(finding("HTTP Secure Headers", 1))


def test_reconciliation_wants_exactly_what_was_acknowledged():
    ledger = Ledger()
    for key in ("a", "b", "b"):  # the same action acknowledged twice (a retry) is one row
        ledger.ack("share", key)
    assert reconcile(ledger, {"share": 2}) == []
    assert reconcile(ledger, {"share": 1}) == ["share: 2 acknowledged, 1 in the database"]
    assert reconcile(ledger, {"share": 3}) == ["share: 2 acknowledged, 3 in the database"]
    assert reconcile(ledger, {"click": 1}) == ["click: 0 acknowledged, 1 in the database"]


def test_a_write_whose_answer_a_crash_swallowed_may_or_may_not_be_there():
    ledger = Ledger()
    ledger.ack("share", "a")
    ledger.unsure("share")
    assert reconcile(ledger, {"share": 1}) == []
    assert reconcile(ledger, {"share": 2}) == []
    assert reconcile(ledger, {"share": 3}) == ["share: 1 acknowledged (+1 unanswered), 3 in the database"]
    assert reconcile(ledger, {"share": 0}) == ["share: 1 acknowledged (+1 unanswered), 0 in the database"]


def test_the_bench_table_shows_the_ratio_and_flags_pages_below_their_goal():
    rows = [Measurement("fast page", rps=300, p50_ms=3, p95_ms=5, goal_ratio=0.5),
            Measurement("slow page", rps=100, p50_ms=9, p95_ms=20, goal_ratio=0.5),
            Measurement("missing page", note="skipped: not there yet")]
    lines = table(rows, bare_rps=400).splitlines()
    assert "| fast page | 300 | 3.0 | 5.0 | 0.75 |  |" in lines
    assert "| slow page | 100 | 9.0 | 20.0 | 0.25 | below the goal of 0.5 |" in lines
    assert "| missing page | | | | | skipped: not there yet |" in lines


def test_the_load_client_talks_only_to_this_machine():
    with pytest.raises(ValueError):
        Session("http://192.168.1.10:8000")
    assert Session("http://127.0.0.1:8000").port == 8000


def test_the_load_client_keeps_and_forgets_cookies_as_told():
    session = Session("http://127.0.0.1:8000")
    headers = http.client.parse_headers(io.BytesIO(
        b"Set-Cookie: session=abc; HttpOnly; Path=/\r\nSet-Cookie: other=1; Path=/\r\n\r\n"))
    session._remember_cookies(headers)
    assert session.cookies == {"session": "abc", "other": "1"}
    headers = http.client.parse_headers(io.BytesIO(
        b"Set-Cookie: session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/\r\n\r\n"))
    session._remember_cookies(headers)
    assert session.cookies == {"other": "1"}

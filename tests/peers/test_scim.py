"""scim2-tester runs here against a live SCIM server with a bearer token, and its report is data.

The server is tests/peers/scim_stub.py, a throwaway stub for this smoke test only; the app's own
/scim/v2 gets the same run in its tests.
"""
from __future__ import annotations

import pytest

from peers.scim import OUTCOMES, ScimReport, _as_check

pytestmark = pytest.mark.peers
scim2_tester = pytest.importorskip("scim2_tester", reason="scim2-tester is not installed: make peers")

from .scim_stub import ScimStub  # noqa: E402  (needs scim2-models, which the line above checks)

TOKEN = "stub-token-for-the-smoke-test"
CRUD = ("object_creation", "object_query", "object_query_without_id", "object_replacement", "object_deletion")
PATCH = ("check_add_attribute", "check_remove_attribute", "check_replace_attribute")


def outcomes(report: ScimReport, name: str) -> set[str]:
    return {check.outcome for check in report.named(name)}


@pytest.fixture(scope="module")
def stub_report():
    with ScimStub(TOKEN) as stub:
        from peers.scim import run_scim_tester

        yield run_scim_tester(stub.url, TOKEN)


def test_discovery_checks_pass_against_the_stub(stub_report):
    discovery = [check for check in stub_report.checks if "discovery" in check.tags]
    assert discovery, stub_report.summary()
    assert all(check.outcome == "passed" for check in discovery), stub_report.summary()


@pytest.mark.parametrize("name", CRUD)
def test_user_crud_checks_pass(stub_report, name):
    assert outcomes(stub_report, name) == {"passed"}, stub_report.summary()
    assert {check.resource_type for check in stub_report.named(name)} == {"User"}


@pytest.mark.parametrize("name", PATCH)
def test_patch_checks_are_skipped_when_the_server_says_patch_is_unsupported(stub_report, name):
    assert outcomes(stub_report, name) == {"skipped"}, stub_report.summary()


def test_what_the_stub_ignores_is_reported_as_failed(stub_report):
    """The stub ignores excludedAttributes and has no /.search: the report must say so by name."""
    failed = {check.name for check in stub_report.failed}
    assert {"object_query_with_attributes", "search_with_attributes"} <= failed, stub_report.summary()
    assert not stub_report.ok
    assert "failed" in stub_report.summary().splitlines()[0]


def test_patch_checks_run_once_the_server_advertises_patch(start_peer):
    with ScimStub(TOKEN, advertise_patch=True) as stub:
        report = start_peer.scim_tester(stub.url, TOKEN, include_tags={"patch"})
    patch_checks = [check for check in report.checks if check.name in PATCH]
    assert patch_checks and all(check.outcome == "failed" for check in patch_checks), report.summary()


def test_a_wrong_token_fails_the_run(start_peer):
    with ScimStub(TOKEN) as stub:
        report = start_peer.scim_tester(stub.url, "not-the-token", include_tags={"discovery"})
    assert outcomes(report, "service_provider_config_endpoint") == {"failed"}
    assert not report.passed and not report.ok


@pytest.mark.parametrize("status, outcome", [
    ("SUCCESS", "passed"), ("COMPLIANT", "passed"), ("ACCEPTABLE", "passed"), ("DEVIATION", "passed"),
    ("ERROR", "failed"), ("CRITICAL", "failed"), ("SKIPPED", "skipped"),
])
def test_each_scim2_tester_status_folds_into_one_outcome(status, outcome):
    result = scim2_tester.CheckResult(status=scim2_tester.Status[status], title="a_check", reason="why",
                                      tags={"crud:read"}, resource_type="User")
    check = _as_check(result)
    assert (check.outcome, check.status, check.label) == (outcome, status, "User: a_check")


def test_every_status_scim2_tester_knows_has_an_outcome():
    assert set(OUTCOMES) == {status.name for status in scim2_tester.Status}


def test_deviations_pass_but_are_listed():
    checks = tuple(_as_check(scim2_tester.CheckResult(status=scim2_tester.Status[name], title=name))
                   for name in ("SUCCESS", "DEVIATION"))
    report = ScimReport(base_url="http://127.0.0.1:1/scim/v2", checks=checks)
    assert report.ok and [check.name for check in report.deviations] == ["DEVIATION"]

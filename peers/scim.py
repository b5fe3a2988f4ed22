"""Run scim2-tester's conformance checks against a live SCIM server and report them as plain data.

scim2-tester (PyPI) reads the server's ServiceProviderConfig, ResourceTypes and Schemas, then
creates, reads, replaces, patches and deletes resources of every type the server publishes, and
skips what the server says it does not support. Its seven statuses fold into three outcomes:

    passed   SUCCESS (a MUST holds), COMPLIANT (a SHOULD holds), ACCEPTABLE (an allowed MAY),
             DEVIATION (a SHOULD is not followed: still within the RFC; listed in report.deviations)
    failed   ERROR (a MUST is broken), CRITICAL (a security or protocol break)
    skipped  SKIPPED (filtered out, or the server does not support the feature)

From a shell:  SCIM_TOKEN=... python -m peers.scim http://127.0.0.1:5000/scim/v2
"""
from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass

from .process import PeerUnavailable

OUTCOMES = {"SUCCESS": "passed", "COMPLIANT": "passed", "ACCEPTABLE": "passed", "DEVIATION": "passed",
            "ERROR": "failed", "CRITICAL": "failed", "SKIPPED": "skipped"}


@dataclass(frozen=True)
class ScimCheck:
    name: str
    outcome: str  # passed | failed | skipped
    status: str  # scim2-tester's own status name
    reason: str | None
    resource_type: str | None
    tags: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.resource_type}: {self.name}" if self.resource_type else self.name


@dataclass(frozen=True)
class ScimReport:
    base_url: str
    checks: tuple[ScimCheck, ...]

    def _with(self, outcome: str) -> list[ScimCheck]:
        return [check for check in self.checks if check.outcome == outcome]

    @property
    def passed(self) -> list[ScimCheck]:
        return self._with("passed")

    @property
    def failed(self) -> list[ScimCheck]:
        return self._with("failed")

    @property
    def skipped(self) -> list[ScimCheck]:
        return self._with("skipped")

    @property
    def deviations(self) -> list[ScimCheck]:
        return [check for check in self.checks if check.status == "DEVIATION"]

    @property
    def ok(self) -> bool:
        """True when no check failed and at least one passed (an unreachable server passes nothing)."""
        return not self.failed and bool(self.passed)

    def named(self, name: str) -> list[ScimCheck]:
        return [check for check in self.checks if check.name == name]

    def summary(self) -> str:
        """One line per check, failures first, then the counts: for an assertion's message."""
        order = {"failed": 0, "passed": 1, "skipped": 2}
        lines = [f"{check.outcome:7} {check.status:10} {check.label}" + (f" - {check.reason}" if check.reason else "")
                 for check in sorted(self.checks, key=lambda check: order[check.outcome])]
        lines.append(f"{len(self.passed)} passed, {len(self.failed)} failed, {len(self.skipped)} skipped "
                     f"({len(self.deviations)} deviations) against {self.base_url}")
        return "\n".join(lines)


def _as_check(result) -> ScimCheck:
    status = result.status.name
    return ScimCheck(name=result.title or "(untitled)", outcome=OUTCOMES[status], status=status,
                     reason=result.reason, resource_type=result.resource_type, tags=tuple(sorted(result.tags)))


def run_scim_tester(base_url: str, token: str, *, include_tags: set[str] | None = None,
                    exclude_tags: set[str] | None = None, resource_types: list[str] | None = None,
                    timeout: float = 10.0) -> ScimReport:
    """Run every scim2-tester check against base_url (e.g. http://127.0.0.1:5000/scim/v2), sending
    `Authorization: Bearer <token>`. Tags narrow the run: discovery, crud (crud:create, crud:read,
    crud:update, crud:delete), patch (patch:add, patch:remove, patch:replace), misc."""
    try:
        import httpx2
        from scim2_client.engines.httpx2 import SyncSCIMClient
        from scim2_tester import check_server
    except ImportError as error:
        raise PeerUnavailable("scim2-tester is not installed: pip install -e '.[test,peers]'") from error
    headers = {"Authorization": f"Bearer {token}"}
    with httpx2.Client(base_url=base_url.rstrip("/"), headers=headers, timeout=timeout) as http:
        results = check_server(SyncSCIMClient(http), include_tags=include_tags, exclude_tags=exclude_tags,
                               resource_types=resource_types)
    return ScimReport(base_url=base_url, checks=tuple(_as_check(result) for result in results))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run scim2-tester against a live SCIM server.")
    parser.add_argument("base_url", help="e.g. http://127.0.0.1:5000/scim/v2")
    parser.add_argument("--tag", action="append", help="run only checks with this tag (repeatable)")
    parser.add_argument("--exclude-tag", action="append", help="skip checks with this tag (repeatable)")
    args = parser.parse_args(argv)
    token = os.environ.get("SCIM_TOKEN")
    if not token:
        parser.error("set SCIM_TOKEN to the bearer token (kept out of the command line)")
    report = run_scim_tester(args.base_url, token, include_tags=set(args.tag or ()) or None,
                             exclude_tags=set(args.exclude_tag or ()) or None)
    print(report.summary())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())

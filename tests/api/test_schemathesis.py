"""schemathesis against the API on a real HTTP server (werkzeug on 127.0.0.1), seeded with an
organisation and a token with every scope: for every operation of /api/v1/openapi.json, the
generated requests never get a 500 and every answer matches the description (status, content
type, headers, body schema). Bounded to a few dozen examples per operation (a few seconds each)."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import CHECKS

EXAMPLES = 40
# Left out, each for its reason: only a cursor the API handed out is valid, and the range check
# across since and until is beyond one parameter's schema, so a well-typed request may be a
# documented 400; and a 401 without a token is tested in test_tokens.py with every kind of bad token.
EXCLUDED = {"positive_data_acceptance", "ignored_auth"}


def test_every_operation_answers_as_described(live_server, org, api_token):
    schema = schemathesis.openapi.from_url(f"{live_server}/api/v1/openapi.json")
    assert schema.raw_schema["openapi"] == "3.1.0"
    excluded = [check for check in CHECKS.get_all() if check.__name__ in EXCLUDED]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 7
    assert {check.__name__ for check in excluded} == EXCLUDED
    headers = {"Authorization": f"Bearer {api_token}"}
    statuses: dict[str, set[int]] = {}
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def call(case):
            response = case.call_and_validate(base_url=live_server, headers=headers, excluded_checks=excluded)
            statuses.setdefault(case.operation.path, set()).add(response.status_code)

        call()
    # Every operation answered with data and with a refused parameter (it was tried both ways).
    assert all({200, 400} <= seen for seen in statuses.values()), statuses


@pytest.mark.parametrize("header", ["", "Bearer nope"])
def test_refusals_match_the_description_too(live_server, org, header):
    schema = schemathesis.openapi.from_url(f"{live_server}/api/v1/openapi.json")
    operation = schema["/api/v1/people"]["GET"]
    case = operation.Case(query={"limit": 5})
    case.call_and_validate(base_url=live_server, headers={"Authorization": header} if header else {})

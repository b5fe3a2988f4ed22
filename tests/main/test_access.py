import pytest

from ..access import Row, cases, check

EVERYONE = dict(employee=200, manager=200, hr=200, marketing=200, reviewer=200, admin=200)
ALL_LOGGED_IN_REDIRECT = dict(employee=302, manager=302, hr=302, marketing=302, reviewer=302, admin=302)

ACCESS = [
    Row("GET", "/", anon=302, **ALL_LOGGED_IN_REDIRECT),
    Row("GET", "/healthz", anon=200, employee=200),
    Row("GET", "/readyz", anon=200, employee=200),
    # Not found without METRICS_TOKEN (the suite's setting); with it, only a bearer of the token
    # gets the metrics (tests/ops/test_metrics.py).
    Row("GET", "/metrics", anon=404, employee=404, admin=404),
    Row("GET", "/login", anon=200, **ALL_LOGGED_IN_REDIRECT),
    Row("POST", "/logout", anon=302, employee=302, admin=302),
    Row("GET", "/admin", anon=302, employee=403, manager=403, hr=403, marketing=403, reviewer=403, admin=200),
    Row("POST", "/admin", anon=302, employee=403, hr=403),
    Row("GET", "/reset", anon=200, employee=200),
    Row("GET", "/account/password", anon=302, **EVERYONE),
    Row("POST", "/language", data={"language": "nl", "next": "/login"}, anon=302, employee=302),
    Row("GET", "/invite/not-a-token", rule="/invite/<token>", anon=404, employee=404),
    Row("GET", "/reset/not-a-token", rule="/reset/<token>", anon=404, employee=404),
    # The forms that work without a session: a wrong password is the form again; a reset request
    # answers the same for every address (a redirect to the same message).
    Row("POST", "/login", data={"email": "nobody@example.com", "password": "wrong password"}, anon=200),
    Row("POST", "/reset", data={"email": "nobody@example.com"}, anon=302, employee=302),
    Row("POST", "/invite/not-a-token", rule="/invite/<token>", data={"password": "x"}, anon=404, employee=404),
    Row("POST", "/reset/not-a-token", rule="/reset/<token>", data={"password": "x"}, anon=404, employee=404),
    Row("POST", "/account/password", data={}, anon=302, **EVERYONE),
]


@pytest.mark.parametrize("row, role", cases(ACCESS))
def test_access(client, world, row, role):
    check(client, world, row, role)

"""The single sign-on routes in the route-by-role table (tests/access.py). Starting a sign-in as an
anonymous visitor leaves for the provider (test_oidc.py and test_saml.py follow it); signed-in
people go home. The SAML metadata is public; the ACS takes no CSRF token, and refuses a POST
without a signed answer to a request this browser started."""
import pytest

from ..access import Row, cases, check

pytestmark = pytest.mark.peers

ACCESS = [
    Row("GET", "/auth/oidc/login", employee=302, manager=302, hr=302, marketing=302, reviewer=302, admin=302),
    Row("GET", "/auth/oidc/callback", anon=400, employee=400, admin=400),
    Row("GET", "/auth/oidc/callback?state=made-up&code=x", rule="/auth/oidc/callback", anon=400, employee=400),
    Row("GET", "/auth/saml/metadata", anon=200, employee=200, admin=200),
    Row("GET", "/auth/saml/login", employee=302, manager=302, hr=302, marketing=302, reviewer=302, admin=302),
    Row("POST", "/auth/saml/acs", anon=400, employee=400, admin=400),
    Row("POST", "/auth/saml/acs", data={"SAMLResponse": "PHNjcmlwdD4=", "RelayState": "<script>"}, anon=400,
        employee=400, hr=400),
]


@pytest.mark.parametrize("row, role", cases(ACCESS))
def test_access(client, world, row, role):
    check(client, world, row, role)

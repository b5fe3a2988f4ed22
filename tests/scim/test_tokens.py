"""Bearer tokens: forged, revoked and missing ones are refused in SCIM's format; each token has its
own rate limit; only a hash is stored; `flask scim token create` prints the token once; the
admin page lists, creates and revokes; CSRF is exempt for the bearer API and only for it."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from advocacy.identity.scim.models import ScimToken
from advocacy.identity.scim.tokens import token_hash

from ..access import Row, cases, check
from ..conftest import login


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer forged-token", "Basic abc", "Bearer " + "x" * 500])
def test_a_request_without_a_valid_token_is_refused(client, scim, header):
    headers = {"Authorization": header} if header else {}
    answer = client.get("/scim/v2/Users", headers=headers)
    assert answer.status_code == 401 and answer.content_type == "application/scim+json"
    assert answer.get_json()["status"] == "401" and answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_stops_working(app, scim, db):
    assert scim.get("/Users").status_code == 200
    token = db.session.scalar(select(ScimToken))
    assert token.token_hash == token_hash(scim.token) and scim.token not in (token.name, token.token_hash)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["scim", "token", "revoke", "Entra ID"]).exit_code == 0
    assert scim.get("/Users").status_code == 401


def test_the_cli_prints_a_new_token_once_and_it_works(app, db, scim):
    result = app.test_cli_runner().invoke(args=["scim", "token", "create", "Okta"])
    assert result.exit_code == 0
    raw = result.output.strip()
    assert re.fullmatch(r"scim_[A-Za-z0-9_-]{40,}", raw)
    assert scim.get("/ServiceProviderConfig", token=raw).status_code == 200
    again = app.test_cli_runner().invoke(args=["scim", "token", "create", "Okta"])
    assert again.exit_code != 0 and "exists already" in again.output
    listed = app.test_cli_runner().invoke(args=["scim", "token", "list"]).output
    assert "Okta" in listed and raw not in listed


def test_each_token_has_its_own_rate_limit(app, scim, db):
    app.config["SCIM_RATE_LIMIT"] = "3 per minute"
    try:
        assert [scim.get("/Users").status_code for _ in range(4)] == [200, 200, 200, 429]
        answer = scim.get("/Users")
        assert answer.get_json()["status"] == "429" and answer.headers["Retry-After"]
        other = app.test_cli_runner().invoke(args=["scim", "token", "create", "Okta"]).output.strip()
        assert scim.get("/Users", token=other).status_code == 200
    finally:
        app.config["SCIM_RATE_LIMIT"] = "1200 per minute"


def test_csrf_is_exempt_for_the_bearer_api_only(client, scim, csrf_on, admin):
    created = scim.post("/Users", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                                   "userName": "kim@example.com"})
    assert created.status_code == 201
    login(client, admin)
    assert client.post("/admin/scim", data={"name": "Sneaky"}).status_code == 400  # no CSRF token


def test_admin_creates_sees_and_revokes_tokens(as_user, admin, db, scim):
    page = as_user(admin).post("/admin/scim", data={"name": "Okta"})
    assert page.status_code == 200
    raw = re.search(r"<code>(scim_[^<]+)</code>", page.get_data(as_text=True))[1]
    assert scim.get("/Users", token=raw).status_code == 200
    listing = as_user(admin).get("/admin/scim").get_data(as_text=True)
    assert "Okta" in listing and "Entra ID" in listing and raw not in listing
    token_id = db.session.scalar(select(ScimToken.id).where(ScimToken.name == "Okta"))
    assert as_user(admin).post(f"/admin/scim/{token_id}/revoke").status_code == 302
    assert scim.get("/Users", token=raw).status_code == 401
    assert as_user(admin).post(f"/admin/scim/{token_id}/revoke").status_code == 404  # revoked already
    assert as_user(admin).post("/admin/scim", data={"name": "Okta"}).status_code == 400  # name taken
    assert as_user(admin).post("/admin/scim", data={"name": ""}).status_code == 400


ADMIN_ONLY = dict(anon=302, employee=403, manager=403, hr=403, marketing=403, reviewer=403, admin=200)
NOT_ADMIN = dict(anon=302, employee=403, manager=403, hr=403, marketing=403, reviewer=403)

ACCESS = [
    Row("GET", "/admin/scim", **ADMIN_ONLY),
    Row("POST", "/admin/scim", data={"name": "From the table"}, **ADMIN_ONLY),
    Row("POST", "/admin/scim/999999/revoke", rule="/admin/scim/<int:token_id>/revoke", admin=404, **NOT_ADMIN),
    Row("POST", f"/admin/scim/{10**20}/revoke", rule="/admin/scim/<int:token_id>/revoke", admin=404),
    # The bearer API: a browser session is no token, whoever is signed in.
    Row("GET", "/scim/v2", anon=401, employee=401, hr=401, admin=401),
    Row("GET", "/scim/v2/Users", rule="/scim/v2/<path:path>", anon=401, employee=401, hr=401, admin=401),
    Row("POST", "/scim/v2/Users", rule="/scim/v2/<path:path>", anon=401, admin=401),
    *[Row(method, "/scim/v2/Users/1", rule="/scim/v2/<path:path>", anon=401, admin=401)
      for method in ("PUT", "PATCH", "DELETE")],
    *[Row(method, "/scim/v2", anon=401, admin=401) for method in ("POST", "PUT", "PATCH", "DELETE")],
]


@pytest.mark.parametrize("row, role", cases(ACCESS))
def test_access(client, world, row, role):
    check(client, world, row, role)

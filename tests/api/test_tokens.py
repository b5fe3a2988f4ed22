"""API tokens: missing, forged, revoked and expired ones are 401 problems with WWW-Authenticate,
a wrong scope is 403; each token has its own rate limit; only a hash is stored; the CLI prints a
token once; the admin page lists, creates (shown once) and revokes; CSRF is exempt for the bearer
API only."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from limits.errors import StorageError
from sqlalchemy import select

from advocacy.api.models import ApiToken
from advocacy.api.tokens import create_token
from advocacy.core.db import db as _db
from advocacy.feed import stats
from advocacy.identity import bearer
from advocacy.identity.bearer import token_hash
from advocacy.identity.scim.tokens import create_token as create_scim_token

from ..access import Row, cases, check
from ..conftest import START, login


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer forged-token", "Basic abc", "Bearer " + "x" * 500,
                                    "bearer scim_not-this-kind"])
def test_a_request_without_a_valid_token_is_a_401_problem(client, db, header):
    answer = client.get("/api/v1/people", headers={"Authorization": header} if header else {})
    assert answer.status_code == 401 and answer.content_type == "application/problem+json"
    assert answer.get_json()["status"] == 401 and answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_bad_filter_without_a_token_is_a_401_first(client, db):
    assert client.get("/api/v1/people?limit=0").status_code == 401


def test_a_scim_token_is_no_api_token(client, db):
    _token, raw = create_scim_token("Entra ID")
    db.session.commit()
    assert client.get("/api/v1/people", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_a_token_without_the_scope_is_a_403_naming_it(api, db):
    _token, raw = create_token("People only", ["read:people"])
    db.session.commit()
    assert api.get("/people", token=raw).status_code == 200
    for path, scope in (("/certifications", "read:learning"), ("/shares/daily", "read:feed")):
        answer = api.get(path, token=raw)
        assert answer.status_code == 403 and answer.get_json()["scope"] == scope
        assert 'error="insufficient_scope"' in answer.headers["WWW-Authenticate"]


def test_revoked_and_expired_tokens_stop_working(app, api, db, frozen):
    frozen(START)
    _token, short = create_token("Short", ["read:people"], days=1)
    db.session.commit()
    assert api.get("/people", token=short).status_code == 200
    frozen(START + timedelta(days=1, seconds=1))
    assert api.get("/people", token=short).status_code == 401
    assert api.get("/people").status_code == 200
    result = app.test_cli_runner().invoke(args=["api", "token", "revoke", "Warehouse"])
    assert result.exit_code == 0
    assert api.get("/people").status_code == 401
    assert app.test_cli_runner().invoke(args=["api", "token", "revoke", "Warehouse"]).exit_code != 0


def test_only_a_hash_is_stored(api, db):
    token = db.session.scalar(select(ApiToken))
    assert token.token_hash == token_hash(api.token) and api.token not in (token.name, token.token_hash)
    assert api.token.startswith("adv_")


def test_the_cli_prints_a_new_token_once_and_it_works(app, api, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["api", "token", "create", "BI", "--scope", "read:learning", "--scope", "read:feed"])
    assert result.exit_code == 0, result.output
    raw = result.output.strip()
    assert re.fullmatch(r"adv_[A-Za-z0-9_-]{40,}", raw)
    assert api.get("/attempts", token=raw).status_code == 200 and api.get("/people", token=raw).status_code == 403
    again = runner.invoke(args=["api", "token", "create", "BI", "--scope", "read:feed"])
    assert again.exit_code != 0 and "exists already" in again.output
    assert runner.invoke(args=["api", "token", "create", "X", "--scope", "write:all"]).exit_code != 0
    assert runner.invoke(args=["api", "token", "create", "X"]).exit_code != 0  # a scope is required
    listed = runner.invoke(args=["api", "token", "list"]).output
    assert "BI\tread:feed read:learning" in listed and raw not in listed


def test_each_token_has_its_own_rate_limit(app, api, db):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        assert [api.get("/people").status_code for _ in range(4)] == [200, 200, 200, 429]
        answer = api.get("/people")
        assert answer.get_json()["status"] == 429 and answer.headers["Retry-After"]
        _token, other = create_token("Other", ["read:people"])
        _db.session.commit()
        assert api.get("/people", token=other).status_code == 200
    finally:
        app.config["API_RATE_LIMIT"] = "600 per minute"


def test_csrf_is_exempt_for_the_bearer_api_only(client, api, csrf_on, admin):
    assert api.get("/people").status_code == 200
    login(client, admin)
    assert client.post("/admin/api", data={"name": "Sneaky", "scope": "read:people"}).status_code == 400


def test_admin_creates_sees_and_revokes_tokens(as_user, admin, db, api):
    page = as_user(admin).post("/admin/api", data={"name": "Warehouse 2", "scope": ["read:people", "read:feed"],
                                                   "days": "30"})
    assert page.status_code == 200
    raw = re.search(r"<code>(adv_[^<]+)</code>", page.get_data(as_text=True))[1]
    assert api.get("/posts", token=raw).status_code == 200 and api.get("/attempts", token=raw).status_code == 403
    listing = as_user(admin).get("/admin/api").get_data(as_text=True)
    assert "Warehouse 2" in listing and "read:feed, read:people" in listing and raw not in listing
    token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.name == "Warehouse 2"))
    assert f'action="/admin/api/{token_id}/revoke"' in listing and "never" in listing  # revoke button, last used
    assert as_user(admin).post(f"/admin/api/{token_id}/revoke").status_code == 302
    assert api.get("/posts", token=raw).status_code == 401
    assert as_user(admin).post(f"/admin/api/{token_id}/revoke").status_code == 404  # revoked already


@pytest.mark.parametrize("data", [
    {"name": "", "scope": "read:people"}, {"name": "x" * 81, "scope": "read:people"},
    {"name": "No scope"}, {"name": "Bad scope", "scope": "write:people"},
    {"name": "Warehouse", "scope": "read:people"},  # the name is taken
    {"name": "Days", "scope": "read:people", "days": "0"}, {"name": "Days", "scope": "read:people", "days": "1e9"},
    {"name": "Days", "scope": "read:people", "days": "-3"},
])
def test_the_admin_form_refuses_what_it_cannot_make(as_user, admin, api, data):
    assert as_user(admin).post("/admin/api", data=data).status_code == 400


def test_names_and_scripts_are_shown_as_text(as_user, admin, db):
    as_user(admin).post("/admin/api", data={"name": "<script>alert(1)</script>", "scope": "read:people"})
    page = as_user(admin).get("/admin/api").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


ADMIN_ONLY = dict(anon=302, employee=403, manager=403, hr=403, marketing=403, reviewer=403, admin=200,
                  author=403, webcare=403)
NOT_ADMIN = dict(anon=302, employee=403, manager=403, hr=403, marketing=403, reviewer=403)
# The API: a browser session is no token, whoever is signed in.
NO_TOKEN = dict(anon=401, employee=401, hr=401, admin=401)
PUBLIC = dict(anon=200, employee=200, admin=200)

ACCESS = [
    Row("GET", "/admin/api", **ADMIN_ONLY),
    Row("POST", "/admin/api", data={"name": "From the table", "scope": "read:people"}, **ADMIN_ONLY),
    Row("POST", "/admin/api/999999/revoke", rule="/admin/api/<int:token_id>/revoke", admin=404, **NOT_ADMIN),
    Row("POST", f"/admin/api/{10**20}/revoke", rule="/admin/api/<int:token_id>/revoke", admin=404),
    Row("GET", "/api/v1/openapi.json", **PUBLIC),
    Row("GET", "/api/v1/docs", **PUBLIC),
    Row("GET", "/api/v1/people", **NO_TOKEN),
    Row("GET", "/api/v1/departments", **NO_TOKEN),
    Row("GET", "/api/v1/learning/status", **NO_TOKEN),
    Row("GET", "/api/v1/certifications", **NO_TOKEN),
    Row("GET", "/api/v1/attempts", **NO_TOKEN),
    Row("GET", "/api/v1/posts", **NO_TOKEN),
    Row("GET", "/api/v1/shares/daily", **NO_TOKEN),
    Row("POST", "/api/v1/people", anon=405, admin=405),
]


@pytest.mark.parametrize("row, role", cases(ACCESS))
def test_access(client, world, row, role):
    check(client, world, row, role)


def test_a_post_to_the_api_is_a_405_problem_with_csrf_on_too(client, api, csrf_on):
    answer = client.post("/api/v1/people", headers={"Authorization": f"Bearer {api.token}"})
    assert answer.content_type == "application/problem+json" and answer.status_code in (400, 405)


def test_a_rate_store_that_is_down_is_a_503_problem_not_a_page(api, monkeypatch):
    def down(*args, **kwargs):
        raise StorageError(ConnectionError("Redis is down"))

    monkeypatch.setattr(bearer, "within_rate", down)
    answer = api.get("/people")
    assert answer.status_code == 503 and answer.content_type == "application/problem+json"
    assert answer.headers["Retry-After"]


def test_an_unexpected_failure_is_a_500_problem_not_a_page(app, api, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(stats, "daily_totals", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    answer = api.get("/shares/daily")
    assert answer.status_code == 500 and answer.get_json()["status"] == 500 and "a bug" not in answer.get_data(True)

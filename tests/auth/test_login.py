from urllib.parse import urljoin, urlsplit

import pytest

from ..conftest import PASSWORD, csrf_token, login, login_with_form


def test_login_with_the_right_password_goes_home(client, employee):
    response = login_with_form(client, "Employee@Example.com ", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/home").status_code == 200


def test_a_wrong_password_says_so_and_stays_on_the_form(client, employee):
    response = login_with_form(client, employee.email, "wrong password")
    assert response.status_code == 200
    assert "do not match" in response.get_data(as_text=True)
    assert client.get("/home").status_code == 302


def test_an_unknown_address_gets_the_same_answer(client, db):
    response = login_with_form(client, "nobody@example.com", "whatever it is")
    assert response.status_code == 200 and "do not match" in response.get_data(as_text=True)


def test_a_deactivated_person_cannot_log_in(client, db, employee):
    employee.active = False
    db.session.commit()
    assert login_with_form(client, employee.email).status_code == 200
    assert client.get("/home").status_code == 302


def test_a_session_cookie_replayed_after_logout_is_anonymous(app, client, employee):
    login_with_form(client, employee.email)
    cookie = client.get_cookie("session").value
    assert client.post("/logout").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    response = thief.get("/home")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_remember_me_cookie_stops_working_after_logout(app, client, employee):
    login_with_form(client, employee.email, remember="y")
    remember = client.get_cookie("remember_token").value
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("remember_token", remember)
    assert thief.get("/home").status_code == 302


def test_cookies_are_httponly_and_lax(client, employee):
    response = login_with_form(client, employee.email, remember="y")
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    assert all("HttpOnly" in c for c in cookies)


def test_cookies_are_secure_when_the_public_url_is_https(monkeypatch, tmp_path):
    from advocacy.core.config import from_environment

    monkeypatch.setenv("PUBLIC_URL", "https://advocacy.example.com")
    config = from_environment(str(tmp_path))
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]


def test_a_post_without_csrf_token_gets_400_and_changes_nothing(client, csrf_on, db, employee):
    login(client, employee)
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "password": "a brand new secret", "confirm": "a brand new secret"})
    assert response.status_code == 400
    assert "Nothing was changed" in response.get_data(as_text=True)
    db.session.refresh(employee)
    from advocacy.identity.passwords import password_matches
    assert password_matches(employee.password_hash, PASSWORD)


def test_a_stale_token_keeps_what_was_typed(client, csrf_on, db, employee):
    response = client.post("/reset", data={"email": "emma@example.com", "csrf_token": "stale"})
    assert response.status_code == 400
    assert 'value="emma@example.com"' in client.get("/reset").get_data(as_text=True)


def test_login_works_with_a_csrf_token(client, csrf_on, employee):
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"email": employee.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


@pytest.mark.parametrize("target", [
    "//evil.example", "/\\evil.example", "https:evil.example", "https://evil.example/", "http:/evil.example",
    "javascript:alert(1)", "/\t/evil.example", " //evil.example", "\\\\evil.example", "//evil.example/%2e%2e",
    "/%0d%0aLocation: https://evil.example", "evil.example", "ftp://evil.example", "///evil.example",
])
def test_next_after_login_never_leaves_the_site(client, employee, target):
    response = login_with_form(client, employee.email, next=target)
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location
    assert urlsplit(urljoin("http://advocacy.test/login", location)).netloc == "advocacy.test", location
    assert "\r" not in location and "\n" not in location


def test_next_after_login_keeps_a_path_on_the_site(client, employee):
    response = login_with_form(client, employee.email, next="/account/password?x=1")
    assert response.headers["Location"] == "/account/password?x=1"


def test_login_page_passes_next_from_the_query_string(client, employee):
    response = client.get("/account/password")
    assert response.status_code == 302
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="next" type="hidden" value="/account/password"' in login_page

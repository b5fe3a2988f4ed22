"""Device cookies (a stranger who locks an address does not lock out its owner on a device they
signed in on before) and sessions bound to the browser (a copied cookie in another browser is
refused; a new IP address is not a new browser)."""
from __future__ import annotations

from itsdangerous import URLSafeTimedSerializer

from advocacy.identity.sessions import DEVICE_COOKIE

from ..conftest import PASSWORD, login_with_form
from ..factories import create_user

PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"
DESKTOP = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"


def device_cookie(client) -> str | None:
    cookie = client.get_cookie(DEVICE_COOKIE)
    return cookie.value if cookie else None


def lock_out(app, email):
    """A stranger, without any device cookie, pauses the address."""
    stranger = app.test_client()
    for _ in range(6):
        login_with_form(stranger, email, "wrong password")
    assert login_with_form(stranger, email, PASSWORD).status_code == 429
    return stranger


def test_a_sign_in_leaves_a_long_lived_httponly_device_cookie(app, client, employee):
    response = login_with_form(client, employee.email)
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(DEVICE_COOKIE + "="))
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Max-Age=31536000" in header
    assert "Secure" not in header, "Secure follows COOKIE_SECURE (on with an https PUBLIC_URL)"


def test_the_owner_with_their_device_cookie_still_signs_in_while_a_stranger_is_locked_out(app, client, employee):
    assert login_with_form(client, employee.email).status_code == 302
    client.post("/logout")
    lock_out(app, employee.email)
    assert login_with_form(client, employee.email, "a typo").status_code == 200, "counted on the device"
    assert login_with_form(client, employee.email).status_code == 302


def test_a_device_cookie_with_too_many_failures_is_refused_itself(app, client, employee):
    login_with_form(client, employee.email)
    client.post("/logout")
    for _ in range(5):
        login_with_form(client, employee.email, "wrong password")
    assert login_with_form(client, employee.email).status_code == 429
    assert login_with_form(app.test_client(), employee.email).status_code == 302, "the address is not paused"


def test_a_forged_or_someone_elses_device_cookie_counts_as_none(app, client, db, employee):
    other = create_user("mallory@example.com", "Mallory")
    db.session.commit()
    mallory = app.test_client()
    login_with_form(mallory, other.email)
    mallory.post("/logout")
    lock_out(app, employee.email)
    assert login_with_form(mallory, employee.email).status_code == 429, "a cookie for another person"
    forged = URLSafeTimedSerializer("not-the-secret-key", salt="advocacy.device-cookie").dumps(
        {"u": employee.id, "n": "guess"})
    stranger = app.test_client()
    stranger.set_cookie(DEVICE_COOKIE, forged)
    assert login_with_form(stranger, employee.email).status_code == 429, "a forged cookie"
    stranger.set_cookie(DEVICE_COOKIE, device_cookie(mallory)[:-2] + "xx")
    assert login_with_form(stranger, employee.email).status_code == 429, "an altered cookie"


def test_a_copied_session_cookie_in_another_browser_is_refused(app, employee):
    phone = app.test_client()
    phone.environ_base["HTTP_USER_AGENT"] = PHONE
    assert login_with_form(phone, employee.email).status_code == 302
    assert phone.get("/account/password").status_code == 200
    thief = app.test_client()
    thief.environ_base["HTTP_USER_AGENT"] = DESKTOP
    thief.set_cookie("session", phone.get_cookie("session").value)
    assert thief.get("/account/password").status_code == 302, "asked to sign in"


def test_a_phone_that_changes_network_or_browser_version_stays_signed_in(app, employee):
    phone = app.test_client()
    phone.environ_base.update(HTTP_USER_AGENT=PHONE, REMOTE_ADDR="10.0.0.5")
    login_with_form(phone, employee.email)
    phone.environ_base.update(REMOTE_ADDR="172.16.9.80", HTTP_USER_AGENT=PHONE.replace("126.0", "127.0"))
    assert phone.get("/account/password").status_code == 200


def test_the_remember_me_cookie_follows_the_same_rule(app, employee):
    phone = app.test_client()
    phone.environ_base["HTTP_USER_AGENT"] = PHONE
    login_with_form(phone, employee.email, remember="y")
    remember = phone.get_cookie("remember_token").value
    # The browser was closed: only the remember-me cookie is left.
    back = app.test_client()
    back.environ_base.update(HTTP_USER_AGENT=PHONE, REMOTE_ADDR="192.0.2.7")
    back.set_cookie("remember_token", remember)
    assert back.get("/account/password").status_code == 200
    thief = app.test_client()
    thief.environ_base["HTTP_USER_AGENT"] = DESKTOP
    thief.set_cookie("remember_token", remember)
    assert thief.get("/account/password").status_code == 302


def test_the_session_and_csrf_token_are_new_after_a_password_sign_in(app, client, employee):
    with client.session_transaction() as session:
        session.update(csrf_token="planted-by-someone-else", planted=True, language="nl")
    assert login_with_form(client, employee.email).status_code == 302
    with client.session_transaction() as session:
        assert session.get("csrf_token") != "planted-by-someone-else" and "planted" not in session
        assert session["language"] == "nl" and session.get("_user_id")


def test_when_every_hashing_turn_is_taken_the_owners_device_still_gets_one(app, client, db, employee):
    login_with_form(client, employee.email)
    client.post("/logout")
    other = create_user("mallory@example.com", "Mallory")
    db.session.commit()
    mallory = app.test_client()
    login_with_form(mallory, other.email)
    gate = app.extensions["advocacy.hash_gate"]
    taken = [gate.acquire(blocking=False) for _ in range(app.config["PASSWORD_HASH_CONCURRENCY"])]
    try:
        assert login_with_form(app.test_client(), employee.email).status_code == 503, "a new device waits"
        assert login_with_form(mallory, employee.email).status_code == 503, "a device cookie for someone else"
        assert login_with_form(client, employee.email).status_code == 302, "the owner's own device"
    finally:
        for _ in taken:
            gate.release()

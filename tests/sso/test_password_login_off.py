"""PASSWORD_LOGIN=off: single sign-on for everyone, passwords only for the named break-glass admins
(who must still be admins), and every break-glass sign-in in the audit log."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from advocacy.core.audit import AuditEntry

from ..conftest import PASSWORD, login_with_form

pytestmark = pytest.mark.peers


@pytest.fixture
def passwords_off(app, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_LOGIN", False)
    monkeypatch.setitem(app.config, "BREAK_GLASS_ADMINS", ("admin@example.com", "hr@example.com"))


def test_the_login_page_shows_only_the_organisation_button(client, db, passwords_off):
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in with Our organisation" in page and 'name="password"' not in page
    assert "Emergency sign-in for administrators" in page
    emergency = client.get("/login?break_glass=1").get_data(as_text=True)
    assert 'name="password"' in emergency and "named emergency administrators" in emergency


def test_an_employee_cannot_use_a_password(client, db, employee, passwords_off, outbox):
    response = login_with_form(client, employee.email, PASSWORD)
    assert response.status_code == 200 and "Password sign-in is turned off" in response.get_data(as_text=True)
    assert client.get("/home").status_code == 302
    client.post("/reset", data={"email": employee.email})
    assert outbox == []  # no password to reset


def test_a_break_glass_admin_signs_in_and_it_is_logged(client, db, admin, passwords_off):
    response = login_with_form(client, admin.email, PASSWORD, break_glass="1")
    assert response.status_code == 302
    assert client.get("/admin").status_code == 200
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "auth.break_glass_login"))
    assert entry is not None and entry.subject_id == admin.id


def test_a_listed_address_without_the_admin_role_is_refused(client, db, hr, passwords_off):
    response = login_with_form(client, hr.email, PASSWORD)
    assert "do not match" in response.get_data(as_text=True)
    assert client.get("/home").status_code == 302


def test_password_login_renews_the_session_and_csrf_token(client, db, employee):
    with client.session_transaction() as session:
        session["csrf_token"] = "planted-by-someone-else"
    assert login_with_form(client, employee.email, PASSWORD).status_code == 302
    with client.session_transaction() as session:
        assert session.get("csrf_token") != "planted-by-someone-else"

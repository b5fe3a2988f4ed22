"""A second factor for password sign-in: enrolment with a QR code and a first code, ten single-use
recovery codes, the code asked after the password (no session before it), replay refused, wrong
codes counted like wrong passwords, the organisation's requirement for admin and HR, and the
admin's reset of someone else's factor."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import select

from advocacy.core.audit import AuditEntry
from advocacy.core.organisation import Organisation, get_organisation
from advocacy.identity import mfa
from advocacy.identity.models import RecoveryCode, SecondFactor

from ..access import Row, cases, check
from ..conftest import PASSWORD, login, login_with_form

NOW = datetime(2027, 5, 3, 9, 0, 10, tzinfo=UTC)

ACCESS = [
    Row("GET", "/login/code", anon=302, employee=302),
    Row("POST", "/login/code", data={"code": "123456"}, anon=302, employee=302),
    Row("GET", "/account/second-factor", anon=302, employee=200, manager=200, hr=200, marketing=200,
        reviewer=200, admin=200, author=200, webcare=200),
    Row("POST", "/account/second-factor", data={"code": "000000"}, anon=302, employee=400, admin=400),
    Row("POST", "/account/second-factor/recovery-codes", data={"proof": "x"}, anon=302, employee=302),
    Row("POST", "/account/second-factor/off", data={"proof": "x"}, anon=302, employee=302),
    Row("GET", lambda w: f"/admin/second-factor/{w['employee'].id}", rule="/admin/second-factor/<int:person_id>",
        anon=302, employee=403, manager=403, hr=403, marketing=403, reviewer=403, admin=200, author=403, webcare=403),
    Row("POST", lambda w: f"/admin/second-factor/{w['employee'].id}", rule="/admin/second-factor/<int:person_id>",
        anon=302, employee=403, hr=403, admin=302),
    Row("GET", "/admin/second-factor/99999", rule="/admin/second-factor/<int:person_id>", admin=404),
]


@pytest.mark.parametrize("row, role", cases(ACCESS))
def test_access(client, world, row, role):
    check(client, world, row, role)


def code_at(secret: str, when: datetime, steps: int = 0) -> str:
    return pyotp.TOTP(secret).generate_otp(int(when.timestamp()) // 30 + steps)


def enrol(client, user, frozen) -> tuple[str, list[str]]:
    """Turn the factor on for `user` through the pages; the secret and the recovery codes."""
    frozen(NOW)
    login(client, user)
    page = client.get("/account/second-factor").get_data(as_text=True)
    assert "<svg" in page
    with client.session_transaction() as session:
        secret = session["mfa_secret"]
    assert " ".join(secret[i:i + 4] for i in range(0, 32, 4)) in page, "the key as text, for manual entry"
    response = client.post("/account/second-factor", data={"code": code_at(secret, NOW)})
    assert response.status_code == 200
    codes = [line.split("<code>")[1].split("</code>")[0] for line in response.get_data(as_text=True).splitlines()
             if "<li><code>" in line]
    client.post("/logout")
    return secret, codes


def sign_in_code(client, user, code):
    assert login_with_form(client, user.email).headers["Location"] == "/login/code"
    return client.post("/login/code", data={"code": code})


def signed_in(client) -> bool:
    return client.get("/account/second-factor").status_code == 200


def test_enrolment_needs_a_first_code_and_shows_ten_recovery_codes_once(app, client, db, employee, outbox, frozen):
    frozen(NOW)
    login(client, employee)
    client.get("/account/second-factor")
    with client.session_transaction() as session:
        secret = session["mfa_secret"]
    assert client.post("/account/second-factor", data={"code": code_at(secret, NOW, 5)}).status_code == 400
    assert db.session.get(SecondFactor, employee.id) is None, "not on before a right code"
    response = client.post("/account/second-factor", data={"code": code_at(secret, NOW)})
    html = response.get_data(as_text=True)
    codes = [line.split("<code>")[1].split("</code>")[0] for line in html.splitlines() if "<li><code>" in line]
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == employee.id)).all()
    assert len(stored) == 10 and not any(code.replace("-", "") in " ".join(stored) for code in codes)
    assert db.session.get(SecondFactor, employee.id).secret == secret
    page = client.get("/account/second-factor").get_data(as_text=True)
    assert "Recovery codes left: 10" in page and codes[0] not in page, "shown only once"
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "auth.second_factor_on")).subject_id \
        == employee.id
    assert [m["To"] for m in outbox] == [employee.email] and "second factor is on" in outbox[0]["Subject"]


def test_sign_in_asks_for_the_code_and_no_session_begins_before_it(app, client, db, employee, frozen):
    secret, _codes = enrol(client, employee, frozen)
    response = login_with_form(client, employee.email)
    assert response.headers["Location"] == "/login/code"
    assert not signed_in(client)
    sign_in_code(client, employee, "000000" if code_at(secret, NOW, 1) != "000000" else "111111")
    assert not signed_in(client)
    response = client.post("/login/code", data={"code": code_at(secret, NOW, 1)})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert signed_in(client)


def test_a_code_works_once_and_one_step_either_side(app, client, db, employee, frozen):
    secret, _codes = enrol(client, employee, frozen)  # the first code (NOW's step) is used
    assert sign_in_code(client, employee, code_at(secret, NOW)).status_code == 200, "replay refused"
    assert sign_in_code(client, employee, code_at(secret, NOW, -1)).status_code == 200, "an older step too"
    assert sign_in_code(client, employee, code_at(secret, NOW, 2)).status_code == 200, "two steps ahead: no"
    assert sign_in_code(client, employee, code_at(secret, NOW, 1)).status_code == 302, "the next step: yes"
    client.post("/logout")
    assert sign_in_code(client, employee, code_at(secret, NOW, 1)).status_code == 200, "used once"


def test_the_pending_sign_in_expires_and_stays_in_its_browser(app, client, db, employee, frozen):
    secret, _codes = enrol(client, employee, frozen)
    login_with_form(client, employee.email)
    with client.session_transaction() as session:
        pending = dict(session)
    other = app.test_client()
    with other.session_transaction() as session:
        session.update(pending)
    later = NOW + timedelta(seconds=60)
    frozen(later)
    response = other.post("/login/code", data={"code": code_at(secret, later)},
                          headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    frozen(NOW + timedelta(seconds=301))
    response = client.post("/login/code", data={"code": code_at(secret, NOW + timedelta(seconds=301))})
    assert response.headers["Location"] == "/login" and not signed_in(client)


def test_wrong_codes_count_toward_the_limit_like_wrong_passwords(app, client, db, employee, frozen):
    secret, _codes = enrol(client, employee, frozen)
    client.delete_cookie("advocacy_device")  # a stranger who knows the password, on another device
    login_with_form(client, employee.email)
    wrong = "123456" if code_at(secret, NOW, 1) != "123456" else "654321"
    for _ in range(5):
        assert client.post("/login/code", data={"code": wrong}).status_code == 200
    assert client.post("/login/code", data={"code": code_at(secret, NOW, 1)}).status_code == 429
    assert login_with_form(app.test_client(), employee.email).status_code == 429


def test_a_recovery_code_works_once_instead_of_a_code(app, client, db, employee, frozen):
    _secret, codes = enrol(client, employee, frozen)
    assert sign_in_code(client, employee, codes[3].upper()).status_code == 302
    client.post("/logout")
    assert sign_in_code(client, employee, codes[3]).status_code == 200, "used up"
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "auth.recovery_code_used")) is not None


def test_new_recovery_codes_replace_the_old_and_need_proof(app, client, db, employee, frozen):
    secret, codes = enrol(client, employee, frozen)
    login(client, employee)
    client.post("/account/second-factor/recovery-codes", data={"proof": "not my password"})
    assert mfa.recovery_codes_left(employee) == 10
    response = client.post("/account/second-factor/recovery-codes", data={"proof": PASSWORD})
    fresh = [line.split("<code>")[1].split("</code>")[0] for line in response.get_data(as_text=True).splitlines()
             if "<li><code>" in line]
    assert len(fresh) == 10 and not set(fresh) & set(codes)
    client.post("/logout")
    assert sign_in_code(client, employee, codes[0]).status_code == 200, "the old ones died"
    assert sign_in_code(client, employee, fresh[0]).status_code == 302


def test_turning_it_off_asks_for_a_current_code_or_the_password(app, client, db, employee, outbox, frozen):
    secret, _codes = enrol(client, employee, frozen)
    login(client, employee)
    client.post("/account/second-factor/off", data={"proof": "wrong"})
    assert db.session.get(SecondFactor, employee.id) is not None
    client.post("/account/second-factor/off", data={"proof": code_at(secret, NOW, 1)})
    assert db.session.get(SecondFactor, employee.id) is None
    assert db.session.scalars(select(RecoveryCode)).all() == []
    assert "is off" in outbox[-1]["Subject"]
    client.post("/logout")
    assert login_with_form(client, employee.email).headers["Location"] == "/"


def require_for_admin_hr(db) -> None:
    org = get_organisation()
    org.second_factor_for_admin_hr = True
    db.session.add(org)
    db.session.commit()


def test_admins_and_hr_without_a_factor_are_sent_to_enrolment_first(app, client, db, hr, employee, frozen):
    frozen(NOW)
    require_for_admin_hr(db)
    response = login_with_form(client, hr.email, remember="y")
    assert response.headers["Location"] == "/account/second-factor"
    assert client.get("/hr").headers["Location"] == "/account/second-factor"
    assert client.get("/account/second-factor").status_code == 200
    with client.session_transaction() as session:
        secret = session["mfa_secret"]
    client.post("/account/second-factor", data={"code": code_at(secret, NOW)})
    assert client.get("/hr").status_code == 200, "enrolled: everything else opens"
    login(client, hr)
    assert client.post("/account/second-factor/off", data={"proof": PASSWORD}).status_code == 403
    other = app.test_client()
    assert login_with_form(other, employee.email).headers["Location"] == "/", "employees are not asked"


def test_break_glass_admins_are_asked_too(app, client, db, admin, frozen):
    frozen(NOW)
    require_for_admin_hr(db)
    app.config.update(PASSWORD_LOGIN=False, BREAK_GLASS_ADMINS=[admin.email])
    try:
        response = login_with_form(client, admin.email, break_glass="1")
        assert response.headers["Location"] == "/account/second-factor"
        assert client.get("/admin").headers["Location"] == "/account/second-factor"
    finally:
        app.config.update(PASSWORD_LOGIN=True, BREAK_GLASS_ADMINS=[])


def test_an_admin_resets_someone_elses_factor_never_their_own(app, client, db, admin, employee, outbox, frozen):
    enrol(client, employee, frozen)
    enrol(client, admin, frozen)
    token = employee.session_token
    login(client, admin)
    assert client.post(f"/admin/second-factor/{admin.id}").status_code == 403
    assert db.session.get(SecondFactor, admin.id) is not None
    assert client.post(f"/admin/second-factor/{employee.id}").status_code == 302
    db.session.refresh(employee)
    assert db.session.get(SecondFactor, employee.id) is None and employee.session_token != token
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "auth.second_factor_reset"))
    assert (entry.actor_id, entry.subject_id) == (admin.id, employee.id)
    assert outbox[-1]["To"] == employee.email and "reset" in outbox[-1]["Subject"]
    assert login_with_form(app.test_client(), employee.email).headers["Location"] == "/"


def test_the_setting_is_on_the_organisation_page(client, db, admin):
    login(client, admin)
    assert "second factor" in client.get("/admin").get_data(as_text=True)
    client.post("/admin", data={"name": "Acme", "timezone": "Europe/Amsterdam", "basic_due_days": 30,
                                "advanced_due_days": 60, "expert_due_days": 90,
                                "second_factor_for_admin_hr": "y"})
    assert db.session.get(Organisation, 1).second_factor_for_admin_hr is True


def test_the_session_and_csrf_token_are_new_after_the_code_too(app, client, db, employee, frozen):
    secret, _codes = enrol(client, employee, frozen)
    with client.session_transaction() as session:
        session.update(csrf_token="planted-by-someone-else", planted=True)
    login_with_form(client, employee.email)
    with client.session_transaction() as session:
        assert "planted" not in session and "_user_id" not in session, "nothing but the pending sign-in"
        session["csrf_token"] = "planted-again"
    client.post("/login/code", data={"code": code_at(secret, NOW, 1)})
    with client.session_transaction() as session:
        assert session.get("csrf_token") != "planted-again" and "mfa_pending" not in session
        assert session.get("_user_id")


def test_the_command_line_resets_the_last_admins_factor(app, client, db, admin, outbox, frozen):
    enrol(client, admin, frozen)
    result = app.test_cli_runner().invoke(args=["users", "reset-second-factor", admin.email.upper()])
    assert result.exit_code == 0 and "second factor reset" in result.output, result.output
    assert db.session.get(SecondFactor, admin.id) is None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "auth.second_factor_reset"))
    assert entry.actor_id is None and "command line" in entry.detail
    assert "reset" in outbox[-1]["Subject"]
    result = app.test_cli_runner().invoke(args=["users", "reset-second-factor", "nobody@example.com"])
    assert result.exit_code != 0

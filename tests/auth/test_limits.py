from ..conftest import PASSWORD, login_with_form
from ..factories import create_user


def test_the_sixth_wrong_password_in_a_minute_gets_429(client, employee):
    for _ in range(5):
        assert login_with_form(client, employee.email, "wrong password").status_code == 200
    response = login_with_form(client, employee.email, "wrong password")
    assert response.status_code == 429
    assert "paused for a minute" in response.get_data(as_text=True)
    # Even the right password waits: the account is paused, not guessable faster.
    assert login_with_form(client, employee.email, PASSWORD).status_code == 429


def test_a_colleague_on_the_same_address_still_logs_in(app, client, db, employee):
    colleague = create_user("colleague@example.com", "Col League")
    db.session.commit()
    for _ in range(6):
        login_with_form(client, employee.email, "wrong password")
    other_browser = app.test_client()
    assert login_with_form(other_browser, colleague.email, PASSWORD).status_code == 302


def test_the_pause_ends_after_a_minute(client, employee, frozen):
    from datetime import datetime, timedelta, timezone

    now = datetime(2027, 5, 1, 10, 0, tzinfo=timezone.utc)
    frozen(now)
    for _ in range(6):
        login_with_form(client, employee.email, "wrong password")
    assert login_with_form(client, employee.email, PASSWORD).status_code == 429
    frozen(now + timedelta(seconds=61))
    assert login_with_form(client, employee.email, PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_is_limited_too(app, client, db):
    app.config["LOGIN_FAILURES_PER_IP"] = "8 per minute"
    try:
        for i in range(8):
            login_with_form(client, f"guess{i}@example.com", "wrong password")
        assert login_with_form(client, "guess99@example.com", "wrong password").status_code == 429
    finally:
        app.config["LOGIN_FAILURES_PER_IP"] = "50 per minute"

from advocacy.identity.passwords import hash_password, password_matches
from advocacy.core.config import DEFAULT_PASSWORD_HASH

from ..conftest import PASSWORD, login_with_form


def test_the_production_hash_is_argon2id_at_owasp_parameters_or_stronger():
    method, memory, iterations, parallelism = DEFAULT_PASSWORD_HASH.split(":")
    assert method == "argon2id" and int(memory) >= 19456 and int(iterations) >= 2 and int(parallelism) >= 1


def test_a_weaker_hash_is_upgraded_on_login(app, client, db, employee):
    employee.password_hash = "pbkdf2:sha256:1000$" + hash_password(PASSWORD).split("$", 1)[1]
    from werkzeug.security import generate_password_hash
    employee.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    db.session.commit()
    assert login_with_form(client, employee.email).status_code == 302
    db.session.refresh(employee)
    assert employee.password_hash.startswith("$argon2id$v=19$m=256,t=1,p=1$")
    assert password_matches(employee.password_hash, PASSWORD)


def test_changing_the_password_logs_out_other_devices(app, client, db, employee):
    login_with_form(client, employee.email)
    laptop = app.test_client()
    login_with_form(laptop, employee.email)
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "password": "a much better phrase", "confirm": "a much better phrase"})
    assert response.status_code == 302
    assert client.get("/home").status_code == 200, "the device that changed it stays logged in"
    assert laptop.get("/home").status_code == 302, "other devices are logged out"


def test_a_weak_new_password_is_refused_with_a_reason(client, db, employee):
    login_with_form(client, employee.email)
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "password": "short", "confirm": "short"})
    assert "at least 10 characters" in response.get_data(as_text=True)
    db.session.refresh(employee)
    assert password_matches(employee.password_hash, PASSWORD)

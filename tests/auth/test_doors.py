"""Sign-in cannot stall the server: the per-address count comes before any hashing, hashing is
bounded per worker (over it: a quick 503 "try again"), new hashes are argon2id and scrypt hashes are
upgraded on the next sign-in, and an unknown address costs the same hash as a known one."""
from __future__ import annotations

import pytest
from werkzeug.security import generate_password_hash

from advocacy.identity import passwords, services

from ..conftest import PASSWORD, login_with_form


@pytest.fixture
def hash_count(monkeypatch):
    """How many password verifications ran (the real ones still run)."""
    calls = []
    real = passwords.password_matches

    def counting(stored, password):
        calls.append(stored)
        return real(stored, password)

    monkeypatch.setattr(services, "password_matches", counting)
    return calls


def test_an_address_over_its_limit_is_refused_before_any_hashing(app, client, db, employee, hash_count):
    app.config["LOGIN_FAILURES_PER_IP"] = "3 per minute"
    try:
        for i in range(3):
            assert login_with_form(client, f"guess{i}@example.com", "wrong password").status_code == 200
        assert len(hash_count) == 3
        for _ in range(5):
            assert login_with_form(client, employee.email, PASSWORD).status_code == 429
        assert len(hash_count) == 3, "refused attempts hash nothing"
    finally:
        app.config["LOGIN_FAILURES_PER_IP"] = "50 per minute"


def test_a_paused_account_is_refused_before_any_hashing(client, db, employee, hash_count):
    for _ in range(5):
        login_with_form(client, employee.email, "wrong password")
    assert len(hash_count) == 5
    assert login_with_form(client, employee.email, PASSWORD).status_code == 429
    assert len(hash_count) == 5


def test_an_unknown_address_costs_the_same_hash_as_a_known_one(app, client, db, employee, hash_count):
    login_with_form(client, "nobody@example.com", "wrong password")
    login_with_form(client, employee.email, "wrong password")
    unknown, known = hash_count
    prefix = "$argon2id$v=19$m=256,t=1,p=1$"  # the suite's PASSWORD_HASH_METHOD, argon2id:256:1:1
    assert unknown.startswith(prefix) and known.startswith(prefix)


def test_when_every_hashing_turn_is_taken_sign_in_answers_try_again_at_once(app, client, db, employee):
    gate = app.extensions["advocacy.hash_gate"]
    taken = [gate.acquire(blocking=False) for _ in range(app.config["PASSWORD_HASH_CONCURRENCY"])]
    assert all(taken)
    try:
        response = login_with_form(client, employee.email, PASSWORD)
        assert response.status_code == 503 and response.headers["Retry-After"] == "2"
        assert "Many people are signing in" in response.get_data(as_text=True)
    finally:
        for _ in taken:
            gate.release()
    assert login_with_form(client, employee.email, PASSWORD).status_code == 302
    assert login_with_form(app.test_client(), employee.email, "wrong password").status_code == 200


def test_a_scrypt_hash_still_signs_in_and_becomes_argon2id(app, client, db, employee):
    employee.password_hash = generate_password_hash(PASSWORD, method="scrypt:1024:8:1")
    db.session.commit()
    assert login_with_form(client, employee.email).status_code == 302
    db.session.refresh(employee)
    assert employee.password_hash.startswith("$argon2id$")
    assert passwords.password_matches(employee.password_hash, PASSWORD)


def test_an_argon2id_hash_at_weaker_parameters_is_upgraded(app, client, db, employee):
    employee.password_hash = passwords.argon2_hasher("argon2id:64:1:1").hash(PASSWORD)
    db.session.commit()
    assert login_with_form(client, employee.email).status_code == 302
    db.session.refresh(employee)
    assert employee.password_hash.startswith("$argon2id$v=19$m=256,t=1,p=1$")


def test_a_wrong_argon2_hash_or_garbage_never_matches(app, db):
    with app.test_request_context():
        assert not passwords.password_matches("$argon2id$garbage", PASSWORD)
        assert not passwords.password_matches(passwords.hash_password("another password"), PASSWORD)

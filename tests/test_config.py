import subprocess
import sys

import pytest

from advocacy import create_app
from advocacy.core.config import ConfigError


def test_production_without_secret_key_refuses_to_start(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_the_flask_command_says_why_it_will_not_start(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "FLASK_APP": "advocacy", "DATABASE_URL": "sqlite://",
           "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "flask", "routes"], env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_mode_runs_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = create_app({"DEBUG": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert len(app.config["SECRET_KEY"]) >= 32


def test_database_url_defaults_to_sqlite_in_instance_and_accepts_postgres(monkeypatch, tmp_path):
    from advocacy.core.config import from_environment

    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert from_environment(str(tmp_path))["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/advocacy.sqlite3"
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/advocacy")
    assert from_environment(str(tmp_path))["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/advocacy"


def test_pooled_connections_are_tested_only_where_a_server_can_drop_them(monkeypatch, tmp_path):
    from advocacy.core.config import from_environment

    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert from_environment(str(tmp_path))["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_pre_ping": False}
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/advocacy")
    assert from_environment(str(tmp_path))["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_pre_ping": True}


def test_sqlite_runs_with_foreign_keys_wal_and_a_busy_timeout(app, db):
    from sqlalchemy import text

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_proxies_are_trusted_only_when_configured(monkeypatch):
    monkeypatch.setenv("PROXY_COUNT", "1")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})

    @app.get("/ip")
    def ip():
        from flask import request
        return request.remote_addr

    response = app.test_client().get("/ip", headers={"X-Forwarded-For": "203.0.113.9"})
    assert response.get_data(as_text=True) == "203.0.113.9"
    monkeypatch.setenv("PROXY_COUNT", "0")
    plain = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    plain.add_url_rule("/ip", "ip", ip)
    assert plain.test_client().get("/ip", headers={"X-Forwarded-For": "203.0.113.9"}).get_data(as_text=True) != "203.0.113.9"

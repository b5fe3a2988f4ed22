import os
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


# Configuration checked at start: every problem one line, all of them at once, no traceback.

GOOD_PRODUCTION = {"ADVOCACY_ENV": "production", "SECRET_KEY": "k" * 64,
                   "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/4", "DATABASE_URL": "sqlite://"}


def start(monkeypatch, tmp_path, **env):
    """create_app with exactly these variables (on top of a clean environment)."""
    from advocacy.core import config as config_module

    for name in [n for n in os.environ if n in KNOWN or n.endswith("_FILE")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"} if "DATABASE_URL" not in env else None)
    assert config_module.is_production(app.config) == (env.get("ADVOCACY_ENV") == "production")
    return app


KNOWN = {"ADVOCACY_ENV", "SECRET_KEY", "SECRET_KEY_FALLBACKS", "DATABASE_URL", "RATELIMIT_STORAGE_URI",
         "WEB_CONCURRENCY", "MAIL_SERVER", "MAIL_PORT", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_USE_TLS",
         "MAIL_SENDER", "PUBLIC_URL", "PROXY_COUNT", "COOKIE_SECURE", "PASSWORD_HASH_METHOD"}


@pytest.mark.parametrize(("env", "line"), [
    ({"MAIL_PORT": "abc"}, "MAIL_PORT='abc' is not a whole number"),
    ({"MAIL_PORT": "70000"}, "MAIL_PORT=70000 is out of range: use 1 and 65535"),
    ({"PROXY_COUNT": "-1"}, "PROXY_COUNT=-1 is out of range"),
    ({"WEB_CONCURRENCY": "two"}, "WEB_CONCURRENCY='two' is not a whole number"),
    ({"MAIL_USE_TLS": "maybe"}, "MAIL_USE_TLS='maybe' is not true or false"),
    ({"COOKIE_SECURE": "sure"}, "COOKIE_SECURE='sure' is not true or false"),
    ({"PUBLIC_URL": "advocacy.example.com"}, "PUBLIC_URL=advocacy.example.com: not a URL with a scheme (http://, https://)"),
    ({"PUBLIC_URL": "ftp://advocacy.example.com"}, "PUBLIC_URL=ftp://advocacy.example.com: not a URL with a scheme"),
    ({"DATABASE_URL": "db.internal/advocacy"}, "DATABASE_URL=(hidden): not a URL with a scheme"),
    ({"RATELIMIT_STORAGE_URI": "127.0.0.1:6379"}, "RATELIMIT_STORAGE_URI=(hidden): not a URL with a scheme"),
    ({"ADVOCACY_ENV": "prod"}, "ADVOCACY_ENV='prod' is unknown: use production or development"),
    ({"ADVOCACY_ENV": "production", "SECRET_KEY": "x", "RATELIMIT_STORAGE_URI": "redis://r:6379/0"},
     "SECRET_KEY is 1 bytes: production needs at least 32"),
    ({**GOOD_PRODUCTION, "SECRET_KEY_FALLBACKS": "old-and-short"},
     "SECRET_KEY_FALLBACKS is 13 bytes: production needs at least 32"),
    ({**GOOD_PRODUCTION, "RATELIMIT_STORAGE_URI": "memory://"},
     "RATELIMIT_STORAGE_URI=memory:// counts login failures per process: in production use Redis"),
    ({**GOOD_PRODUCTION, "RATELIMIT_STORAGE_URI": "memory://", "WEB_CONCURRENCY": "4"},
     "RATELIMIT_STORAGE_URI=memory:// counts login failures per process"),
    ({"ADVOCACY_ENV": "production", "RATELIMIT_STORAGE_URI": "redis://r:6379/0"}, "SECRET_KEY is not set"),
    ({"SECRET_KEY": "a", "SECRET_KEY_FILE": "/nonexistent"}, "SECRET_KEY and SECRET_KEY_FILE are both set"),
    ({"MAIL_PASSWORD_FILE": "/nonexistent/mail"}, "MAIL_PASSWORD_FILE=/nonexistent/mail: cannot read it"),
])
def test_each_bad_setting_is_one_clear_line(monkeypatch, tmp_path, env, line):
    if "SECRET_KEY" not in env and env.get("ADVOCACY_ENV") != "production":
        env = {"SECRET_KEY": "k" * 64, **env}  # only the problem in the row, not a missing key
    with pytest.raises(ConfigError) as refused:
        start(monkeypatch, tmp_path, **env)
    lines = refused.value.format_message().splitlines()
    assert lines[0] == "Advocacy will not start; fix its configuration:"
    assert any(line in shown for shown in lines[1:]), lines
    assert "Traceback" not in refused.value.format_message()


@pytest.mark.parametrize("env", [
    {"SECRET_KEY": "short-is-fine-outside-production"},
    {**GOOD_PRODUCTION},
    {**GOOD_PRODUCTION, "RATELIMIT_STORAGE_URI": "memory://", "WEB_CONCURRENCY": "1"},
    {**GOOD_PRODUCTION, "SECRET_KEY_FALLBACKS": "o" * 64 + ", " + "p" * 64, "MAIL_PORT": "465",
     "MAIL_USE_TLS": "no", "PUBLIC_URL": "https://advocacy.example.com", "PROXY_COUNT": "1"},
])
def test_good_settings_start(monkeypatch, tmp_path, env):
    start(monkeypatch, tmp_path, **env)


def test_all_problems_are_reported_together(monkeypatch, tmp_path):
    with pytest.raises(ConfigError) as refused:
        start(monkeypatch, tmp_path, ADVOCACY_ENV="production", SECRET_KEY="x", MAIL_PORT="abc",
              PUBLIC_URL="example.com")
    problems = refused.value.format_message().splitlines()[1:]
    assert len(problems) == 4, problems  # port, URL, short key, memory:// rate limits


def test_the_flask_command_prints_the_lines_without_a_traceback(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "FLASK_APP": "advocacy", "DATABASE_URL": "sqlite://", "HOME": str(tmp_path),
           "SECRET_KEY": "k" * 64, "MAIL_PORT": "abc"}
    result = subprocess.run([sys.executable, "-m", "flask", "routes"], env=env, capture_output=True, text=True)
    assert result.returncode == 1
    assert "MAIL_PORT='abc' is not a whole number" in result.stderr
    assert "Traceback" not in result.stderr


def test_secrets_can_come_from_files(monkeypatch, tmp_path):
    for name, value in {"secret": "s" * 64, "mail": "mail-password", "db": "sqlite://",
                        "old": "o" * 64 + "\n" + "p" * 64 + "\n"}.items():
        (tmp_path / name).write_text(value + "\n")
    app = start(monkeypatch, tmp_path, ADVOCACY_ENV="production", SECRET_KEY_FILE=str(tmp_path / "secret"),
                MAIL_PASSWORD_FILE=str(tmp_path / "mail"), DATABASE_URL_FILE=str(tmp_path / "db"),
                SECRET_KEY_FALLBACKS_FILE=str(tmp_path / "old"), RATELIMIT_STORAGE_URI="redis://r:6379/0")
    assert app.config["SECRET_KEY"] == "s" * 64
    assert app.config["MAIL_PASSWORD"] == "mail-password"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://"
    assert app.config["SECRET_KEY_FALLBACKS"] == ["o" * 64, "p" * 64]


def test_a_session_signed_with_the_old_key_still_works_after_rotation(monkeypatch, tmp_path):
    old, new = "o" * 64, "n" * 64
    before = start(monkeypatch, tmp_path, SECRET_KEY=old)

    @before.get("/remember/<value>")
    def remember(value):
        from flask import session
        session["value"] = value
        return "ok"

    client = before.test_client()
    client.get("/remember/kept")
    cookie = client.get_cookie("session").value

    def recall():
        from flask import session
        return session.get("value", "forgotten")

    rotated = start(monkeypatch, tmp_path, SECRET_KEY=new, SECRET_KEY_FALLBACKS=old)
    rotated.add_url_rule("/recall", "recall", recall)
    other = rotated.test_client()
    other.set_cookie("session", cookie)
    assert other.get("/recall").get_data(as_text=True) == "kept"
    forgotten = start(monkeypatch, tmp_path, SECRET_KEY=new)
    forgotten.add_url_rule("/recall", "recall", recall)
    third = forgotten.test_client()
    third.set_cookie("session", cookie)
    assert third.get("/recall").get_data(as_text=True) == "forgotten"


def test_flask_demo_refuses_in_production(monkeypatch, tmp_path):
    app = start(monkeypatch, tmp_path, **GOOD_PRODUCTION)
    result = app.test_cli_runner().invoke(args=["demo", "--password", "x" * 12])
    assert result.exit_code == 1
    assert "flask demo refuses to run in production" in result.output


def test_a_setting_given_twice_is_reported_once(monkeypatch, tmp_path):
    (tmp_path / "db").write_text("sqlite://")
    with pytest.raises(ConfigError) as refused:
        start(monkeypatch, tmp_path, SECRET_KEY="k" * 64, DATABASE_URL="sqlite://",
              DATABASE_URL_FILE=str(tmp_path / "db"))
    assert refused.value.format_message().splitlines()[1:] == [
        "  - DATABASE_URL and DATABASE_URL_FILE are both set: set one of them"]

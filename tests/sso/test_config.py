"""Single sign-on settings are checked at start: half a configuration refuses to start, saying what
is missing; the client secret can come from a file."""
import pytest

from advocacy import create_app
from advocacy.core.config import ConfigError

BASE = {"TESTING": True, "SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": "sqlite://"}


def test_half_an_oidc_configuration_names_what_is_missing():
    with pytest.raises(ConfigError, match="OIDC_CLIENT_SECRET is not set"):
        create_app({**BASE, "OIDC_ISSUER": "https://login.example", "OIDC_CLIENT_ID": "advocacy",
                    "OIDC_CLIENT_SECRET": ""})


def test_passwords_cannot_be_turned_off_without_single_sign_on():
    with pytest.raises(ConfigError, match="PASSWORD_LOGIN=off needs single sign-on"):
        create_app({**BASE, "PASSWORD_LOGIN": False})


def test_the_client_secret_is_read_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "oidc-secret"
    secret.write_text("from-the-file\n")
    monkeypatch.setenv("OIDC_ISSUER", "https://login.example")
    monkeypatch.setenv("OIDC_CLIENT_ID", "advocacy")
    monkeypatch.delenv("OIDC_CLIENT_SECRET", raising=False)
    monkeypatch.setenv("OIDC_CLIENT_SECRET_FILE", str(secret))
    monkeypatch.setenv("BREAK_GLASS_ADMINS", " Admin@Example.com, ops@example.com ")
    app = create_app(BASE)
    assert app.config["OIDC_CLIENT_SECRET"] == "from-the-file"
    assert app.config["BREAK_GLASS_ADMINS"] == ("admin@example.com", "ops@example.com")


def test_an_unreadable_secret_file_refuses_to_start(monkeypatch, tmp_path):
    monkeypatch.setenv("OIDC_CLIENT_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ConfigError, match="OIDC_CLIENT_SECRET_FILE"):
        create_app(BASE)

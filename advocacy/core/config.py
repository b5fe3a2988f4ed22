"""Configuration from the environment. Every variable here is listed in the README."""
import os
import re
from pathlib import Path


class ConfigError(RuntimeError):
    """The app cannot start with this configuration; the message says why."""


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _secret(name: str) -> str:
    """A secret from NAME, or from the file NAME_FILE names (a mounted secret), stripped."""
    value = os.environ.get(name, "")
    path = os.environ.get(name + "_FILE", "")
    if path and not value:
        try:
            value = Path(path).read_text(encoding="utf-8")
        except OSError as error:
            raise ConfigError(f"{name}_FILE is set to {path!r}, which cannot be read: {error.strerror}.") from error
    return value.strip()


def _list(name: str) -> tuple[str, ...]:
    return tuple(item.strip().lower() for item in os.environ.get(name, "").split(",") if item.strip())


def _database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        Path(instance_path).mkdir(parents=True, exist_ok=True)  # SQLite cannot create the folder
        return "sqlite:///" + str(Path(instance_path) / "advocacy.sqlite3")
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def from_environment(instance_path: str) -> dict:
    public_url = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/")
    database_url = _database_url(instance_path)
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or None,
        "SQLALCHEMY_DATABASE_URI": database_url,
        # A database server may drop idle connections (a restart, a failover): test each one as
        # it is taken from the pool. A SQLite file has no server, so nothing to test.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": not database_url.startswith("sqlite")},
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": False,
        "RATELIMIT_SWALLOW_ERRORS": False,
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": _int("MAIL_PORT", 587),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", True),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "Advocacy <advocacy@localhost>"),
        "PUBLIC_URL": public_url,
        "PROXY_COUNT": _int("PROXY_COUNT", 0),
        "SESSION_COOKIE_SECURE": _bool("COOKIE_SECURE", public_url.startswith("https://")),
        "REMEMBER_COOKIE_SECURE": _bool("COOKIE_SECURE", public_url.startswith("https://")),
        "PASSWORD_HASH_METHOD": os.environ.get("PASSWORD_HASH_METHOD", DEFAULT_PASSWORD_HASH),
        "PASSWORD_HASH_CONCURRENCY": _int("PASSWORD_HASH_CONCURRENCY", 1),
        "PASSWORD_HASH_WAIT": _int("PASSWORD_HASH_WAIT_MS", 250) / 1000,
        "UPLOAD_FOLDER": os.environ.get("UPLOAD_FOLDER", str(Path(instance_path) / "uploads")),
        "CONTENT_PATH": os.environ.get("CONTENT_PATH", "content"),
        # Operating: logs, metrics (README, "Operating").
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO").strip().upper() or "INFO",
        "LOG_FORMAT": os.environ.get("LOG_FORMAT", "text").strip().lower() or "text",
        "METRICS_TOKEN": os.environ.get("METRICS_TOKEN", ""),
        "METRICS_ADDRESS": os.environ.get("METRICS_ADDRESS", "").strip(),
        # Provisioning (README, "Provisioning (SCIM)").
        "SCIM_GROUPS": os.environ.get("SCIM_GROUPS", "departments").strip().lower() or "departments",
        "SCIM_ROLE_GROUPS": os.environ.get("SCIM_ROLE_GROUPS", ""),
        "SCIM_RATE_LIMIT": os.environ.get("SCIM_RATE_LIMIT", "").strip() or "1200 per minute",

        **_single_sign_on(),
    }


def _single_sign_on() -> dict:
    """OpenID Connect and SAML sign-in, and whether passwords still work (README, Single sign-on)."""
    return {
        # Exactly as the provider's discovery document spells it (some end in a slash).
        "OIDC_ISSUER": os.environ.get("OIDC_ISSUER", "").strip(),
        "OIDC_CLIENT_ID": os.environ.get("OIDC_CLIENT_ID", "").strip(),
        "OIDC_CLIENT_SECRET": _secret("OIDC_CLIENT_SECRET"),
        "OIDC_SCOPES": os.environ.get("OIDC_SCOPES", "openid email profile").strip(),
        # Entra ID sends no email_verified claim: a tenant that owns its addresses may trust them.
        "OIDC_TRUST_EMAIL": _bool("OIDC_TRUST_EMAIL", False),
        "SAML_IDP_METADATA_URL": os.environ.get("SAML_IDP_METADATA_URL", "").strip(),
        "SAML_IDP_METADATA_FILE": os.environ.get("SAML_IDP_METADATA_FILE", "").strip(),
        "SAML_SP_ENTITY_ID": os.environ.get("SAML_SP_ENTITY_ID", "").strip(),
        "SSO_JIT": _bool("SSO_JIT", False),
        "SSO_DEPARTMENT_CLAIM": os.environ.get("SSO_DEPARTMENT_CLAIM", "department").strip(),
        "SSO_MANAGER_CLAIM": os.environ.get("SSO_MANAGER_CLAIM", "manager_email").strip(),
        "PASSWORD_LOGIN": _bool("PASSWORD_LOGIN", True),
        "BREAK_GLASS_ADMINS": _list("BREAK_GLASS_ADMINS"),
    }


# argon2id at OWASP's parameters (m=19 MiB, t=2, p=1): about 20-40 ms and 19 MiB per hash, as
# strong against guessing as the former scrypt N=2^17 (128 MiB, a quarter of a second).
DEFAULT_PASSWORD_HASH = "argon2id:19456:2:1"

DEFAULTS = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * 30,
    "PERMANENT_SESSION_LIFETIME": 60 * 60 * 24 * 14,
    "WTF_CSRF_TIME_LIMIT": 60 * 60 * 8,
    "MAX_CONTENT_LENGTH": 4 * 1024 * 1024,
    "BABEL_DEFAULT_LOCALE": "en",
    "BABEL_DEFAULT_TIMEZONE": "UTC",
    "LANGUAGES": ("en", "nl"),
    "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    "LOGIN_FAILURES_PER_ACCOUNT": "5 per minute",
    "LOGIN_FAILURES_PER_IP": "50 per minute",
    "INVITATION_HOURS": 72,
    "RESET_HOURS": 1,
}


def check(config) -> None:
    """Refuse to start rather than run insecurely."""
    _check_password_hashing(config)
    _check_single_sign_on(config)
    if not config.get("SECRET_KEY"):
        if config.get("DEBUG") or config.get("TESTING"):
            config["SECRET_KEY"] = os.urandom(32).hex()
        else:
            raise ConfigError(
                "SECRET_KEY is not set. Advocacy refuses to start without it outside debug and "
                "tests, because sessions and links signed with a guessable key can be forged. "
                "Set SECRET_KEY to a long random value, e.g. "
                "`python3 -c 'import secrets; print(secrets.token_hex(32))'`."
            )


def _check_password_hashing(config) -> None:
    method = str(config.get("PASSWORD_HASH_METHOD", ""))
    if method.startswith("argon2id") and not re.fullmatch(r"argon2id:\d+:\d+:\d+", method):
        raise ConfigError(f"PASSWORD_HASH_METHOD={method!r}: write argon2id:<memory KiB>:<iterations>:<parallelism>, "
                          f"e.g. {DEFAULT_PASSWORD_HASH}.")
    if int(config.get("PASSWORD_HASH_CONCURRENCY", 1)) < 1:
        raise ConfigError("PASSWORD_HASH_CONCURRENCY must be 1 or more (password hashes at once per worker).")


def _check_single_sign_on(config) -> None:
    oidc = {name: config.get(name) for name in ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET")}
    if any(oidc.values()) and not all(oidc.values()):
        missing = ", ".join(name for name, value in oidc.items() if not value)
        raise ConfigError(f"OpenID Connect is half configured: {missing} is not set. Set OIDC_ISSUER, "
                          "OIDC_CLIENT_ID and OIDC_CLIENT_SECRET (or OIDC_CLIENT_SECRET_FILE), or none of them.")
    saml = bool(config.get("SAML_IDP_METADATA_URL") or config.get("SAML_IDP_METADATA_FILE"))
    if saml and not config.get("SAML_SP_ENTITY_ID"):
        raise ConfigError("SAML needs SAML_SP_ENTITY_ID (the name this app has at the identity provider) "
                          "next to SAML_IDP_METADATA_URL or SAML_IDP_METADATA_FILE.")
    if not config.get("PASSWORD_LOGIN", True) and not (all(oidc.values()) or saml):
        raise ConfigError("PASSWORD_LOGIN=off needs single sign-on (OIDC_* or SAML_*): otherwise only the "
                          "break-glass admins could sign in.")

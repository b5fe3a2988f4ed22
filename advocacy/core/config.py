"""Configuration from the environment. Every variable here is listed in the README."""
import os
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
        "MAIL_BACKEND": os.environ.get("MAIL_BACKEND", ""),
        "MAIL_USE_SSL": _bool("MAIL_USE_SSL", False),
        "MAIL_CA_FILE": os.environ.get("MAIL_CA_FILE", ""),
        "MAIL_VERIFY": _bool("MAIL_VERIFY", True),
        "MAIL_RATE_PER_MINUTE": _int("MAIL_RATE_PER_MINUTE", 0),
        "QUEUE_URL": os.environ.get("QUEUE_URL", ""),
        "PUBLIC_URL": public_url,
        "PROXY_COUNT": _int("PROXY_COUNT", 0),
        "SESSION_COOKIE_SECURE": _bool("COOKIE_SECURE", public_url.startswith("https://")),
        "REMEMBER_COOKIE_SECURE": _bool("COOKIE_SECURE", public_url.startswith("https://")),
        "PASSWORD_HASH_METHOD": os.environ.get("PASSWORD_HASH_METHOD", DEFAULT_PASSWORD_HASH),
        "UPLOAD_FOLDER": os.environ.get("UPLOAD_FOLDER", str(Path(instance_path) / "uploads")),
        "CONTENT_PATH": os.environ.get("CONTENT_PATH", "content"),
    }


# scrypt with N=2^17, r=8, p=1: about 128 MiB and a quarter of a second per hash.
DEFAULT_PASSWORD_HASH = "scrypt:131072:8:1"

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

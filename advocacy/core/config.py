"""Configuration from the environment. Every variable here is listed in the README.

All problems are collected and reported together at start (ConfigError), each on one line.
"""
import os
import re
from pathlib import Path

import click

# The default curriculum ships inside the package (advocacy/content); CONTENT_PATH names a company's own copy.
DEFAULT_CONTENT = Path(__file__).resolve().parent.parent / "content"


class ConfigError(click.ClickException):
    """The app cannot start with this configuration; the message says why, one line per problem.

    A ClickException, so `flask ...` prints the lines (no traceback) and exits with status 1."""


# Problems found while reading the environment; from_environment() starts a fresh list and check()
# reports them together with its own, so an operator sees every problem at once.
_problems: list[str] = []

PRODUCTION = "production"
ENVIRONMENTS = ("development", PRODUCTION)
TRUE, FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def _env(name: str) -> str | None:
    """NAME, or the contents of the file NAME_FILE names (secrets mounted as files); not both."""
    value, path = os.environ.get(name), os.environ.get(name + "_FILE")
    if path:
        if value:
            _problems.append(f"{name} and {name}_FILE are both set: set one of them")
        try:
            return Path(path).read_text().strip()
        except OSError as error:
            _problems.append(f"{name}_FILE={path}: cannot read it ({error.strerror or error})")
            return None
    return value


def _str(name: str, default: str) -> str:
    value = _env(name)
    return default if value is None or value == "" else value


def _bool(name: str, default: bool) -> bool:
    value = _env(name)
    word = (value or "").strip().lower()
    if word in TRUE or word in FALSE:
        return word in TRUE
    if word:
        _problems.append(f"{name}={value!r} is not true or false (use true/false, yes/no, on/off or 1/0)")
    return default


def _int(name: str, default: int, minimum: int = 0, maximum: int | None = None) -> int:
    value = _env(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        _problems.append(f"{name}={value!r} is not a whole number")
        return default
    if number < minimum or (maximum is not None and number > maximum):
        upper = f" and {maximum}" if maximum is not None else " or more"
        _problems.append(f"{name}={number} is out of range: use {minimum}{upper}")
        return default
    return number


def _url(name: str, default: str, schemes: tuple[str, ...], host: bool = True, value: str | None = None) -> str:
    """NAME's value (or the one given, already read) when it is a URL with one of the schemes."""
    value = (_str(name, default) if value is None else value).strip()
    scheme, sep, rest = value.partition("://")
    if not sep or scheme.lower() not in schemes or (host and not rest.strip("/")):
        shown = value if name not in SECRET_URLS else "(hidden)"
        _problems.append(f"{name}={shown}: not a URL with a scheme ({', '.join(s + '://' for s in schemes)})")
    return value


SECRET_URLS = {"DATABASE_URL", "RATELIMIT_STORAGE_URI"}  # may hold a password: never echoed


def _list(name: str) -> tuple[str, ...]:
    return tuple(item.strip().lower() for item in _str(name, "").split(",") if item.strip())


# Personal fields of the REST API's /people an organisation may keep from every integration.
API_WITHHOLDABLE = ("name", "email", "manager_id", "roles", "start_date")


def _choices(name: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    """A comma-separated subset of `allowed` (an unknown item is a configuration problem)."""
    given = _list(name)
    unknown = [item for item in given if item not in allowed]
    if unknown:
        _problems.append(f"{name}: {', '.join(unknown)} unknown (choose from {', '.join(allowed)})")
    return tuple(item for item in given if item in allowed)


def _database_url(instance_path: str) -> str:
    given = (_env("DATABASE_URL") or "").strip()
    if not given:
        Path(instance_path).mkdir(parents=True, exist_ok=True)  # SQLite cannot create the folder
        return "sqlite:///" + str(Path(instance_path) / "advocacy.sqlite3")
    url = _url("DATABASE_URL", "", ("postgresql", "postgresql+psycopg", "postgres", "sqlite"), host=False, value=given)
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _keys(name: str) -> list[str]:
    """Old secret keys still accepted while signing with the new one: separated by commas,
    spaces or newlines (a *_FILE holds one a line)."""
    return [key for key in re.split(r"[\s,]+", _str(name, "")) if key]


def from_environment(instance_path: str) -> dict:
    _problems.clear()
    environment = _str("ADVOCACY_ENV", "development").strip().lower()
    if environment not in ENVIRONMENTS:
        _problems.append(f"ADVOCACY_ENV={environment!r} is unknown: use production or development")
    public_url = _url("PUBLIC_URL", "http://127.0.0.1:5000", ("http", "https")).rstrip("/")
    database_url = _database_url(instance_path)
    return {
        "ADVOCACY_ENV": environment,
        "SECRET_KEY": _env("SECRET_KEY") or None,
        "SECRET_KEY_FALLBACKS": _keys("SECRET_KEY_FALLBACKS"),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # A database server may drop idle connections (a restart, a failover): test each one as
        # it is taken from the pool. A SQLite file has no server, so nothing to test.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": not database_url.startswith("sqlite")},
        "RATELIMIT_STORAGE_URI": _url("RATELIMIT_STORAGE_URI", "memory://", LIMIT_STORAGE_SCHEMES, host=False),
        "RATELIMIT_HEADERS_ENABLED": False,
        "RATELIMIT_SWALLOW_ERRORS": False,
        "WEB_CONCURRENCY": _int("WEB_CONCURRENCY", 0, minimum=1) or None,
        "MAIL_SERVER": _str("MAIL_SERVER", ""),
        "MAIL_PORT": _int("MAIL_PORT", 587, minimum=1, maximum=65535),
        "MAIL_USERNAME": _str("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": _str("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", True),
        "MAIL_SENDER": _str("MAIL_SENDER", "Advocacy <advocacy@localhost>"),
        "MAIL_BACKEND": _str("MAIL_BACKEND", ""),
        "MAIL_USE_SSL": _bool("MAIL_USE_SSL", False),
        "MAIL_CA_FILE": _str("MAIL_CA_FILE", ""),
        "MAIL_VERIFY": _bool("MAIL_VERIFY", True),
        "MAIL_RATE_PER_MINUTE": _int("MAIL_RATE_PER_MINUTE", 0),
        "QUEUE_URL": _str("QUEUE_URL", ""),
        "PUBLIC_URL": public_url,
        "PROXY_COUNT": _int("PROXY_COUNT", 0, minimum=0, maximum=10),
        "SESSION_COOKIE_SECURE": _bool("COOKIE_SECURE", public_url.startswith("https://")),
        "REMEMBER_COOKIE_SECURE": _bool("COOKIE_SECURE", public_url.startswith("https://")),
        "PASSWORD_HASH_METHOD": _str("PASSWORD_HASH_METHOD", DEFAULT_PASSWORD_HASH),
        "PASSWORD_HASH_CONCURRENCY": _int("PASSWORD_HASH_CONCURRENCY", 1, minimum=1),
        "PASSWORD_HASH_WAIT": _int("PASSWORD_HASH_WAIT_MS", 0) / 1000,
        "DEVICE_COOKIE_DAYS": _int("DEVICE_COOKIE_DAYS", 365, minimum=1, maximum=3650),
        "UPLOAD_FOLDER": _str("UPLOAD_FOLDER", str(Path(instance_path) / "uploads")),
        "CONTENT_PATH": _str("CONTENT_PATH", str(DEFAULT_CONTENT)),
        # Operating: logs, metrics (README, "Operating").
        "LOG_LEVEL": _str("LOG_LEVEL", "INFO").strip().upper() or "INFO",
        "LOG_FORMAT": _str("LOG_FORMAT", "text").strip().lower() or "text",
        "METRICS_TOKEN": _str("METRICS_TOKEN", ""),
        "METRICS_ADDRESS": _str("METRICS_ADDRESS", "").strip(),
        # Provisioning (README, "Provisioning (SCIM)").
        "SCIM_GROUPS": _str("SCIM_GROUPS", "departments").strip().lower() or "departments",
        "SCIM_ROLE_GROUPS": _str("SCIM_ROLE_GROUPS", ""),
        "SCIM_RATE_LIMIT": _str("SCIM_RATE_LIMIT", "").strip() or "1200 per minute",
        # Webhooks (README, "Webhooks").
        "WEBHOOK_TIMEOUT_SECONDS": _int("WEBHOOK_TIMEOUT_SECONDS", 5, minimum=1, maximum=30),
        "WEBHOOK_ALLOW_PRIVATE": _bool("WEBHOOK_ALLOW_PRIVATE", False),
        "WEBHOOK_DISABLE_AFTER_DAYS": _int("WEBHOOK_DISABLE_AFTER_DAYS", 5, minimum=1, maximum=90),
        # The REST API (README, "REST API").
        "API_RATE_LIMIT": _str("API_RATE_LIMIT", "").strip() or "600 per minute",
        "API_WITHHOLD": _choices("API_WITHHOLD", API_WITHHOLDABLE),
        **_single_sign_on(),
        **_learning_record_store(),
        "CONFIG_PROBLEMS": list(_problems),
    }


def _single_sign_on() -> dict:
    """OpenID Connect and SAML sign-in, and whether passwords still work (README, Single sign-on)."""
    return {
        # Exactly as the provider's discovery document spells it (some end in a slash).
        "OIDC_ISSUER": _str("OIDC_ISSUER", "").strip(),
        "OIDC_CLIENT_ID": _str("OIDC_CLIENT_ID", "").strip(),
        "OIDC_CLIENT_SECRET": _str("OIDC_CLIENT_SECRET", "").strip(),
        "OIDC_SCOPES": _str("OIDC_SCOPES", "openid email profile").strip(),
        # Entra ID sends no email_verified claim: a tenant that owns its addresses may trust them.
        "OIDC_TRUST_EMAIL": _bool("OIDC_TRUST_EMAIL", False),
        "SAML_IDP_METADATA_URL": _str("SAML_IDP_METADATA_URL", "").strip(),
        "SAML_IDP_METADATA_FILE": _str("SAML_IDP_METADATA_FILE", "").strip(),
        "SAML_SP_ENTITY_ID": _str("SAML_SP_ENTITY_ID", "").strip(),
        "SSO_JIT": _bool("SSO_JIT", False),
        "SSO_DEPARTMENT_CLAIM": _str("SSO_DEPARTMENT_CLAIM", "department").strip(),
        "SSO_MANAGER_CLAIM": _str("SSO_MANAGER_CLAIM", "manager_email").strip(),
        "PASSWORD_LOGIN": _bool("PASSWORD_LOGIN", True),
        "BREAK_GLASS_ADMINS": _list("BREAK_GLASS_ADMINS"),
    }


XAPI_ACTORS = ("mbox", "mbox_sha1sum", "account")
XAPI_VERSIONS = ("1.0.3", "2.0.0")


def _learning_record_store() -> dict:
    """xAPI statements to the organisation's LRS (README, "Learning record store (xAPI)"): off
    without an endpoint."""
    endpoint = _str("XAPI_ENDPOINT", "").strip()
    if endpoint:
        endpoint = _url("XAPI_ENDPOINT", "", ("http", "https"), value=endpoint)
        endpoint = endpoint if endpoint.endswith("/") else endpoint + "/"
    actor = _str("XAPI_ACTOR", "mbox").strip().lower()
    if actor not in XAPI_ACTORS:
        _problems.append(f"XAPI_ACTOR={actor!r} is unknown: use {', '.join(XAPI_ACTORS)}")
    homepage = _str("XAPI_ACCOUNT_HOMEPAGE", "").strip()
    if homepage:
        homepage = _url("XAPI_ACCOUNT_HOMEPAGE", "", ("http", "https"), value=homepage)
    elif endpoint and actor == "account":
        _problems.append("XAPI_ACTOR=account needs XAPI_ACCOUNT_HOMEPAGE (the company's home page, "
                         "e.g. https://intranet.example.com)")
    version = _str("XAPI_VERSION", "1.0.3").strip()
    if version not in XAPI_VERSIONS:
        _problems.append(f"XAPI_VERSION={version!r}: use 1.0.3 or 2.0.0")
    return {
        "XAPI_ENDPOINT": endpoint,
        "XAPI_USERNAME": _str("XAPI_USERNAME", ""),
        "XAPI_PASSWORD": _str("XAPI_PASSWORD", ""),
        "XAPI_ACTOR": actor,
        "XAPI_ACCOUNT_HOMEPAGE": homepage,
        "XAPI_VERSION": version,
        "XAPI_BATCH_SIZE": _int("XAPI_BATCH_SIZE", 50, minimum=1, maximum=500),
        "XAPI_TIMEOUT": _int("XAPI_TIMEOUT", 10, minimum=1, maximum=120),
        "XAPI_CLAIM_TIMEOUT": _int("XAPI_CLAIM_TIMEOUT", 300, minimum=1, maximum=86400),
    }


LIMIT_STORAGE_SCHEMES = ("memory", "redis", "rediss", "redis+unix", "redis+sentinel", "redis+cluster",
                         "memcached", "mongodb", "valkey", "valkeys")


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


def is_production(config) -> bool:
    return config.get("ADVOCACY_ENV") == PRODUCTION


def check(config) -> None:
    """Refuse to start rather than run insecurely or wrongly: every problem, one line each."""
    problems = list(config.pop("CONFIG_PROBLEMS", None) or [])
    problems += _password_hashing_problems(config) + _single_sign_on_problems(config)
    if not config.get("SECRET_KEY"):
        if (config.get("DEBUG") or config.get("TESTING")) and not is_production(config):
            config["SECRET_KEY"] = os.urandom(32).hex()
        else:
            problems.append(
                "SECRET_KEY is not set: sessions and links signed with a guessable key can be forged. "
                "Set SECRET_KEY (or SECRET_KEY_FILE) to a long random value, e.g. "
                "`python3 -c 'import secrets; print(secrets.token_hex(32))'`")
    if is_production(config):
        for name, key in [("SECRET_KEY", config.get("SECRET_KEY"))] + [
                ("SECRET_KEY_FALLBACKS", k) for k in config.get("SECRET_KEY_FALLBACKS") or []]:
            if key and len(str(key).encode()) < MIN_SECRET_BYTES:
                problems.append(f"{name} is {len(str(key).encode())} bytes: production needs at least "
                                f"{MIN_SECRET_BYTES} (e.g. 64 hex digits from secrets.token_hex(32))")
        storage = str(config.get("RATELIMIT_STORAGE_URI", ""))
        if storage.startswith("memory://") and config.get("WEB_CONCURRENCY") != 1:
            problems.append(
                "RATELIMIT_STORAGE_URI=memory:// counts login failures per process: in production use Redis "
                "(redis://host:6379/0), or declare a single process with WEB_CONCURRENCY=1 (one gunicorn "
                "worker on one host)")
    if problems:
        raise ConfigError("Advocacy will not start; fix its configuration:\n"
                          + "\n".join(f"  - {problem}" for problem in problems))


MIN_SECRET_BYTES = 32


def _password_hashing_problems(config) -> list[str]:
    problems = []
    method = str(config.get("PASSWORD_HASH_METHOD", ""))
    if method.startswith("argon2id") and not re.fullmatch(r"argon2id:\d+:\d+:\d+", method):
        problems.append(f"PASSWORD_HASH_METHOD={method!r}: write argon2id:<memory KiB>:<iterations>:<parallelism>, "
                          f"e.g. {DEFAULT_PASSWORD_HASH}.")
    if int(config.get("PASSWORD_HASH_CONCURRENCY", 1)) < 1:
        problems.append("PASSWORD_HASH_CONCURRENCY must be 1 or more (password hashes at once per worker).")
    return problems


def _single_sign_on_problems(config) -> list[str]:
    problems = []
    oidc = {name: config.get(name) for name in ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET")}
    if any(oidc.values()) and not all(oidc.values()):
        missing = ", ".join(name for name, value in oidc.items() if not value)
        problems.append(f"OpenID Connect is half configured: {missing} is not set. Set OIDC_ISSUER, "
                          "OIDC_CLIENT_ID and OIDC_CLIENT_SECRET (or OIDC_CLIENT_SECRET_FILE), or none of them.")
    saml = bool(config.get("SAML_IDP_METADATA_URL") or config.get("SAML_IDP_METADATA_FILE"))
    if saml and not config.get("SAML_SP_ENTITY_ID"):
        problems.append("SAML needs SAML_SP_ENTITY_ID (the name this app has at the identity provider) "
                          "next to SAML_IDP_METADATA_URL or SAML_IDP_METADATA_FILE.")
    if not config.get("PASSWORD_LOGIN", True) and not (all(oidc.values()) or saml):
        problems.append("PASSWORD_LOGIN=off needs single sign-on (OIDC_* or SAML_*): otherwise only the "
                          "break-glass admins could sign in.")
    return problems

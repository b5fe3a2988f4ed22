"""Password hashing at current strength, with rehashing of older hashes on login."""
from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def password_matches(stored_hash: str | None, password: str) -> bool:
    return stored_hash is not None and stored_hash != "" and check_password_hash(stored_hash, password)


def needs_rehash(stored_hash: str) -> bool:
    """A hash made with other parameters than today's (weaker, or an old method)."""
    method = stored_hash.split("$", 1)[0]
    return method != current_app.config["PASSWORD_HASH_METHOD"]


def password_problem(password: str, email: str | None = None) -> str | None:
    """Why a new password is not acceptable, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
    if email and password.lower() == email.lower():
        return _("Your password cannot be your e-mail address.")
    if len(set(password)) < 4:
        return _("Use a few different characters.")
    return None

"""Password hashing at current strength, with rehashing of older hashes on login.

New hashes are argon2id (argon2-cffi) at OWASP's parameters, written in PASSWORD_HASH_METHOD as
`argon2id:<memory KiB>:<iterations>:<parallelism>` (default 19456:2:1, 19 MiB). Older hashes
(Werkzeug's scrypt or pbkdf2, or argon2id at other parameters) still verify and are replaced on
their owner's next sign-in. A Werkzeug method name (`scrypt:32768:8:1`) still works as the setting.

At most PASSWORD_HASH_CONCURRENCY hashes run at once in a worker; a request that cannot get a turn
within PASSWORD_HASH_WAIT seconds raises HashingBusy (the login page answers 503 "try again"), so a
burst of sign-ins never occupies every thread the worker has."""
from __future__ import annotations

import threading
from contextlib import contextmanager

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

MIN_PASSWORD_LENGTH = 10
ARGON2_PREFIX = "$argon2id$"


class HashingBusy(Exception):
    """Every hashing turn of this worker is taken: answer 'try again in a moment'."""


def argon2_hasher(method: str) -> PasswordHasher | None:
    """The hasher for `argon2id:m:t:p`, or None for a Werkzeug method."""
    name, _sep, rest = method.partition(":")
    if name != "argon2id":
        return None
    memory, time_cost, parallelism = (int(part) for part in rest.split(":"))
    return PasswordHasher(time_cost=time_cost, memory_cost=memory, parallelism=parallelism, type=Type.ID)


def _hasher() -> PasswordHasher | None:
    cached = current_app.extensions.get("advocacy.hasher")
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if cached is None or cached[0] != method:
        cached = current_app.extensions["advocacy.hasher"] = (method, argon2_hasher(method))
    return cached[1]


@contextmanager
def hashing_turn():
    """Wait (briefly) for one of this worker's hashing turns."""
    gate: threading.BoundedSemaphore = current_app.extensions["advocacy.hash_gate"]
    if not gate.acquire(timeout=current_app.config["PASSWORD_HASH_WAIT"]):
        raise HashingBusy()
    try:
        yield
    finally:
        gate.release()


def hash_password(password: str) -> str:
    hasher = _hasher()
    with hashing_turn():
        if hasher is not None:
            return hasher.hash(password)
        return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def password_matches(stored_hash: str | None, password: str) -> bool:
    if stored_hash is None or stored_hash == "":
        return False
    with hashing_turn():
        if stored_hash.startswith("$argon2"):
            try:
                return PasswordHasher().verify(stored_hash, password)  # parameters come from the hash
            except (VerificationError, InvalidHashError):
                return False
        return check_password_hash(stored_hash, password)


def needs_rehash(stored_hash: str) -> bool:
    """A hash made with other parameters than today's (weaker, or an old method)."""
    hasher = _hasher()
    if hasher is not None:
        return not stored_hash.startswith(ARGON2_PREFIX) or hasher.check_needs_rehash(stored_hash)
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


def init_app(app: Flask) -> None:
    app.extensions["advocacy.hash_gate"] = threading.BoundedSemaphore(app.config["PASSWORD_HASH_CONCURRENCY"])

"""Password hashing at current strength, with rehashing of older hashes on login.

New hashes are argon2id (argon2-cffi) at OWASP's parameters, written in PASSWORD_HASH_METHOD as
`argon2id:<memory KiB>:<iterations>:<parallelism>` (default 19456:2:1, 19 MiB). Older hashes
(Werkzeug's scrypt or pbkdf2, or argon2id at other parameters) still verify and are replaced on
their owner's next sign-in. A Werkzeug method name (`scrypt:32768:8:1`) still works as the setting.

At most PASSWORD_HASH_CONCURRENCY hashes run at once in a worker (and one more for sign-ins from a
known device, see hashing_turn); a request that cannot get a turn within PASSWORD_HASH_WAIT seconds
(default 0: at once) raises HashingBusy (the login page answers 503 "try again"), so a burst of
sign-ins never occupies the threads the worker has."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app, g
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


@dataclass
class Turn:
    reserved: bool  # the turn kept for known devices


@contextmanager
def hashing_turn(known_device: bool = False) -> Iterator[Turn]:
    """Wait (briefly, PASSWORD_HASH_WAIT) for one of this worker's hashing turns. A sign-in from a
    device its owner signed in on before (a valid device cookie for that address) may also take
    the one turn kept for them, which strangers guessing at other addresses never get: the owner
    signs in through a storm of guesses that takes every other turn. A request holds at most one
    turn: inside it, later hashes of the same request use it."""
    held = g.get("advocacy_hash_turn")
    if held is not None:
        yield held
        return
    wait = current_app.config["PASSWORD_HASH_WAIT"]
    gates: list[threading.BoundedSemaphore] = [current_app.extensions["advocacy.hash_gate"]]
    if known_device:
        gates.append(current_app.extensions["advocacy.hash_gate_known_device"])
    gate = next((each for each in gates if each.acquire(blocking=False)), None)
    if gate is None and wait > 0 and gates[0].acquire(timeout=wait):
        gate = gates[0]
    if gate is None:
        raise HashingBusy()
    turn = g.advocacy_hash_turn = Turn(reserved=gate is not gates[0])
    try:
        yield turn
    finally:
        g.pop("advocacy_hash_turn", None)
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
    app.extensions["advocacy.hash_gate_known_device"] = threading.BoundedSemaphore(1)

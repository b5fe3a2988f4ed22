"""A second factor for password sign-in: an authenticator app (TOTP, RFC 6238, pyotp) and ten
single-use recovery codes.

- Enrolment: the secret lives in the person's session until a first code confirms it; only then
  is it stored and the factor on. The QR code is drawn here as inline SVG (segno): no request
  leaves the page, no script is needed.
- A code is accepted for the current 30-second step and one step either side (clocks drift), and
  only for a step later than the last one accepted: a code seen once does not work again, even
  inside its window (compare-and-set on `last_step`, so two parallel requests cannot both pass).
- Recovery codes are stored as SHA-256 hashes (each has 50 random bits and every try counts
  toward the sign-in limits, so a slow hash would add nothing); a used one is gone.
- The pending sign-in (password right, code not yet given) is a value in this browser's signed
  session cookie, valid for PENDING_SECONDS; no session begins before the code is right.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime

import pyotp
import segno
from flask import render_template
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import delete, select, update

from advocacy.core import audit
from advocacy.core.clock import utcnow
from advocacy.core.db import db, rows_changed
from advocacy.core.mail import send_mail
from advocacy.core.organisation import User
from advocacy.core.settings import organisation_settings
from advocacy.identity.models import RecoveryCode, SecondFactor

STEP_SECONDS = 30
PENDING_SECONDS = 300
RECOVERY_CODES = 10
ISSUER = "Advocacy"
_CODE = re.compile(r"^\d{6}$")
_RECOVERY_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"  # base32: no 0/1/8/9 to mistake for o/l/b/g


# -- the factor ----------------------------------------------------------------------------------

def factor_of(user: User) -> SecondFactor | None:
    return db.session.get(SecondFactor, user.id)


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def required_for(user: User) -> bool:
    """The organisation asks admins and HR who sign in with a password for a second factor."""
    return organisation_settings().second_factor_for_admin_hr and user.has_role("admin", "hr")


def _step(at: datetime) -> int:
    return int(at.timestamp()) // STEP_SECONDS


def matching_step(secret: str, code: str, at: datetime | None = None) -> int | None:
    """The time step (now, or one either side) whose code this is, or None."""
    code = (code or "").strip().replace(" ", "")
    if not _CODE.match(code):
        return None
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    now = _step(at or utcnow())
    for step in (now, now - 1, now + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def use_code(factor: SecondFactor, code: str) -> bool:
    """True once per code: the step must be later than the last one accepted."""
    step = matching_step(factor.secret, code)
    if step is None:
        return False
    return rows_changed(update(SecondFactor)
                        .where(SecondFactor.user_id == factor.user_id, SecondFactor.last_step < step)
                        .values(last_step=step)) == 1


def qr_svg(user: User, secret: str) -> Markup:
    """The otpauth:// address as an inline SVG QR code (text in it is segno's, escaped by it)."""
    uri = pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(
        name=user.email or str(user.id), issuer_name=organisation_settings().name or ISSUER)
    svg = segno.make(uri, error="m").svg_inline(scale=5, border=2, title=_("QR code for your authenticator app"))
    return Markup(svg)


def turn_on(user: User, secret: str, step: int) -> list[str]:
    """Store the confirmed factor; the new recovery codes, to show once."""
    db.session.execute(delete(SecondFactor).where(SecondFactor.user_id == user.id))
    db.session.add(SecondFactor(user_id=user.id, secret=secret, confirmed_at=utcnow(), last_step=step))
    codes = new_recovery_codes(user)
    audit.record("auth.second_factor_on", "authenticator app confirmed; recovery codes made",
                 subject_id=user.id, actor_id=user.id)
    _tell(user, "on")
    return codes


def turn_off(user: User, *, actor: User | None, reason: str) -> bool:
    """Remove the factor and the recovery codes. `reason`: "off" (the person) or "reset" (an admin;
    `actor` None: from the command line, `flask users reset-second-factor`)."""
    removed = rows_changed(delete(SecondFactor).where(SecondFactor.user_id == user.id)) == 1
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    if removed:
        by = "the command line" if actor is None else (actor.email or str(actor.id))
        detail = "second factor turned off" if reason == "off" else f"second factor reset by {by}"
        audit.record(f"auth.second_factor_{reason}", detail, subject_id=user.id,
                     actor_id=actor.id if actor is not None else None)
        if reason == "reset":
            user.rotate_session_token()  # whoever holds the lost device loses its sessions too
        _tell(user, reason)
    return removed


def _tell(user: User, what: str) -> None:
    if user.email:
        subjects = {"on": _("A second factor is on for your Advocacy account"),
                    "off": _("The second factor of your Advocacy account is off"),
                    "reset": _("An administrator reset the second factor of your Advocacy account")}
        send_mail(user.email, subjects[what], render_template("auth/mail_second_factor.txt", user=user, what=what))


# -- recovery codes ------------------------------------------------------------------------------

def _normalise(code: str) -> str:
    return re.sub(r"[^a-z2-7]", "", (code or "").lower())


def _hash(code: str) -> str:
    return hashlib.sha256(("recovery:" + _normalise(code)).encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Ten fresh codes (the old ones stop working), shown once: only hashes are kept."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _i in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _c in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash(raw)))
    return codes


def regenerate_recovery_codes(user: User) -> list[str]:
    codes = new_recovery_codes(user)
    audit.record("auth.recovery_codes_new", "new recovery codes; the old ones stopped working",
                 subject_id=user.id, actor_id=user.id)
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    normalised = _normalise(code)
    if len(normalised) != 10:
        return False
    used = rows_changed(update(RecoveryCode)
                        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(normalised),
                               RecoveryCode.used_at.is_(None))
                        .values(used_at=utcnow())) == 1
    if used:
        audit.record("auth.recovery_code_used", f"{recovery_codes_left(user)} recovery codes left",
                     subject_id=user.id, actor_id=user.id)
    return used


def recovery_codes_left(user: User) -> int:
    return len(db.session.scalars(select(RecoveryCode.id).where(RecoveryCode.user_id == user.id,
                                                                 RecoveryCode.used_at.is_(None))).all())


def code_or_recovery_code(user: User, factor: SecondFactor, value: str) -> bool:
    """The sign-in's second step: a code from the app, or a recovery code (then used up)."""
    value = (value or "").strip()
    if _CODE.match(value.replace(" ", "")):
        return use_code(factor, value)
    return use_recovery_code(user, value)


def pending_expired(started_at: float) -> bool:
    return not isinstance(started_at, (int, float)) or utcnow().timestamp() - started_at > PENDING_SECONDS

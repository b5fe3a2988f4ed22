"""Single sign-on, whatever the protocol: who the identity provider says this is, matched to a
person (by the provider's subject once linked, else by a verified e-mail address), created just in
time when the organisation allows it, with department and manager from the provider's claims.

OpenID Connect (oidc.py) and SAML (saml.py) each turn a checked answer into `IdpClaims`; everything
after that is here, once.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from advocacy.core import audit
from advocacy.core.clock import utcnow
from advocacy.core.db import db, insert_ignoring_conflict
from advocacy.core.directory import create_user, find_user_by_email, get_or_create_department
from advocacy.core.organisation import User
from advocacy.core.people_rules import normalise_email, valid_email
from advocacy.identity.models import IdentityLink, UsedSsoValue

# Why a sign-in was refused, as the person reads it. The key goes into the audit log.
REFUSALS = {
    "not-configured": _l("Single sign-on is not set up for this site."),
    "unreachable": _l("The sign-in service could not be reached. Try again in a few minutes."),
    "provider-error": _l("The sign-in service did not sign you in. Try again, or ask IT if it keeps happening."),
    "replayed": _l("This sign-in answer was already used or has run out. Start again from the login page."),
    "unknown-issuer": _l("The answer came from a sign-in service this site does not trust."),
    "wrong-audience": _l("The answer was meant for another application, not this one."),
    "expired": _l("The sign-in answer has expired. Start again from the login page."),
    "bad-signature": _l("The sign-in answer is not signed by the sign-in service this site trusts."),
    "unsigned": _l("The sign-in answer is not signed. This site only accepts signed answers."),
    "invalid": _l("The sign-in answer could not be read. Start again from the login page."),
    "no-email": _l("The sign-in service did not say which e-mail address you have."),
    "unverified-email": _l("The sign-in service has not verified your e-mail address, so it cannot be used to "
                           "find your account."),
    "no-account": _l("There is no account for this address yet. Ask HR to add you."),
    "inactive": _l("This account is switched off. Ask HR if you think that is a mistake."),
    "linked-elsewhere": _l("This account is already linked to another identity at this sign-in service."),
}


class SignInRefused(Exception):
    """A single sign-on answer that signs nobody in. `reason` is a key of REFUSALS."""

    def __init__(self, reason: str, detail: str = ""):
        assert reason in REFUSALS, reason
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason, self.detail = reason, detail

    @property
    def message(self) -> str:
        return str(REFUSALS[self.reason])


@dataclass(frozen=True)
class IdpClaims:
    """A checked answer from an identity provider, as plain values."""

    protocol: str  # "oidc" or "saml"
    issuer: str
    subject: str
    email: str | None
    email_verified: bool
    name: str | None = None
    department: str | None = None
    manager_email: str | None = None


def first_value(value) -> str | None:
    """A claim as one string: SAML attributes come as lists, OpenID claims may."""
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def directory_claims(claims: dict) -> tuple[str | None, str | None]:
    """Department and manager's address from the claims the configuration names."""
    cfg = current_app.config
    return first_value(claims.get(cfg["SSO_DEPARTMENT_CLAIM"])), first_value(claims.get(cfg["SSO_MANAGER_CLAIM"]))


# -- replay ---------------------------------------------------------------------------------------

def use_once(kind: str, value: str, valid_for: timedelta) -> bool:
    """Record that `value` was used; False when it had been before (a replay). The database decides
    between two requests racing with the same value."""
    now = utcnow()
    db.session.execute(delete(UsedSsoValue).where(UsedSsoValue.expires_at < now))
    digest = hashlib.sha256(value.encode()).hexdigest()
    return insert_ignoring_conflict(UsedSsoValue, kind=kind, value_hash=digest, expires_at=now + valid_for) == 1


# -- matching and creating ------------------------------------------------------------------------

def sign_in_from_idp(claims: IdpClaims) -> User:
    """The person these claims are, linked to the provider's subject, with their department and
    manager brought up to date; SignInRefused when nobody may sign in with them."""
    link = db.session.scalar(select(IdentityLink).where(IdentityLink.issuer == claims.issuer,
                                                        IdentityLink.subject == claims.subject))
    if link is None:
        user = _match_or_create(claims)
        link = IdentityLink(user_id=user.id, protocol=claims.protocol, issuer=claims.issuer, subject=claims.subject)
        db.session.add(link)
        audit.record("sso.linked", f"{claims.protocol} {claims.issuer}", subject_id=user.id, actor_id=user.id)
    user = link.user if link.user is not None else db.session.get(User, link.user_id)
    if user is None or not user.is_active:
        raise SignInRefused("inactive", claims.email or claims.subject)
    _apply_directory_claims(user, claims)
    now = utcnow()
    link.last_used_at = user.last_login_at = now
    audit.record("sso.sign_in", f"{claims.protocol} {claims.issuer}", subject_id=user.id, actor_id=user.id)
    db.session.flush()
    return user


def _match_or_create(claims: IdpClaims) -> User:
    if not claims.email or not valid_email(normalise_email(claims.email)):
        raise SignInRefused("no-email", claims.subject)
    if not claims.email_verified:
        raise SignInRefused("unverified-email", claims.email)
    user = find_user_by_email(claims.email)
    if user is None:
        if not current_app.config["SSO_JIT"]:
            raise SignInRefused("no-account", claims.email)
        user = create_user(claims.email, claims.name or claims.email.split("@")[0])
        audit.record("sso.account_created", f"{claims.protocol} {claims.issuer}", subject_id=user.id,
                     actor_id=user.id)
        return user
    if not user.is_active:
        raise SignInRefused("inactive", claims.email)
    other = db.session.scalar(select(IdentityLink).where(IdentityLink.user_id == user.id,
                                                         IdentityLink.issuer == claims.issuer))
    if other is not None:
        raise SignInRefused("linked-elsewhere", claims.email)
    return user


def _apply_directory_claims(user: User, claims: IdpClaims) -> None:
    """The provider is where the organisation keeps department and manager: a value it sends wins."""
    if claims.department and (user.department is None or user.department.name != claims.department):
        user.department = get_or_create_department(claims.department[:200])
    if claims.manager_email:
        manager = find_user_by_email(claims.manager_email)
        if manager is not None and manager.id != user.id and user.manager_id != manager.id:
            user.manager = manager

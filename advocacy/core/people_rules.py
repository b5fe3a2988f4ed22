"""Pure rules about people, over plain values: the roles there are, what an e-mail address looks
like, and how addresses compare (the CSV check, the directory and SCIM all use these)."""
from __future__ import annotations

import re

ROLES = ("employee", "manager", "hr", "marketing", "reviewer", "admin", "author", "webcare")
ROLE_CHECK = "role IN (" + ", ".join(f"'{r}'" for r in ROLES) + ")"

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"  # one part of a domain name
EMAIL_RE = re.compile(r"^[^@\s,;<>\"]+@" + _LABEL + r"(?:\." + _LABEL + r")+$")


def valid_email(email: str) -> bool:
    return bool(EMAIL_RE.match(email or "")) and len(email) <= 254


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def parse_roles(text: str) -> list[str]:
    """'hr, marketing' or 'hr;marketing' -> ['hr', 'marketing']; unknown roles raise ValueError."""
    roles = [r.strip().lower() for r in re.split(r"[,;|\s]+", text or "") if r.strip()]
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise ValueError("unknown role: " + ", ".join(unknown) + " (known: " + ", ".join(ROLES) + ")")
    return roles


# -- who may grant what ----------------------------------------------------------------------------
# One rule for every way roles change (the admin page, the CSV import, `flask users set-roles`,
# provisioning): an admin grants and revokes every role; HR only employee and manager, plus what
# the organisation lets HR grant (never hr or admin); nobody changes their own roles; anyone else
# changes none. The command line runs as the server's operator and passes no actor.

ALL_ROLES = frozenset(ROLES)
HR_GRANTS = frozenset({"employee", "manager"})
HR_MAY_ALSO_GRANT = frozenset({"marketing", "reviewer", "author", "webcare"})  # an organisation setting


def grantable_roles(actor_roles: frozenset[str], hr_extra: frozenset[str] = frozenset()) -> frozenset[str]:
    """The roles a person with `actor_roles` may give to and take from someone else."""
    if "admin" in actor_roles:
        return ALL_ROLES
    if "hr" in actor_roles:
        return HR_GRANTS | (hr_extra & HR_MAY_ALSO_GRANT)
    return frozenset()


def role_change_refusal(actor_roles: frozenset[str], actor_is_subject: bool, before: frozenset[str],
                        after: frozenset[str], hr_extra: frozenset[str] = frozenset()) -> str | None:
    """Why this change of someone's roles is refused ('own roles', 'not grantable'), or None.
    Taking a role away needs the same right as giving it."""
    changed = (before | {"employee"}) ^ (after | {"employee"})
    if not changed:
        return None
    if actor_is_subject:
        return "own roles"
    if changed - grantable_roles(actor_roles, hr_extra):
        return "not grantable"
    return None


def roles_after_import(before: frozenset[str], in_file: frozenset[str], grantable: frozenset[str]) -> frozenset[str]:
    """A file sets only the roles its importer may grant; the others stay as they were."""
    return frozenset((before - grantable) | (in_file & grantable) | {"employee"})


def parse_hr_extra(text: str | None) -> frozenset[str]:
    """The organisation setting's stored form ('marketing,reviewer') as roles HR may also grant."""
    return frozenset(r for r in (text or "").split(",") if r in HR_MAY_ALSO_GRANT)

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

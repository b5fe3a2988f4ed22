"""The organisation's settings as every page reads them: a frozen copy per process, reloaded only
when the content stamp (core/revision.py) moves, which any change to the settings makes it do."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from flask import current_app

from advocacy.core.db import db
from advocacy.core.organisation import ORGANISATION_DEFAULTS, Organisation
from advocacy.core.people_rules import parse_hr_extra
from advocacy.core.revision import current_stamp, watch

_EXTENSION = "advocacy.settings"
_load_lock = threading.Lock()
watch(Organisation)


@dataclass(frozen=True)
class Settings:
    """The organisation's settings (the defaults until someone saved them)."""

    stamp: str | None
    name: str
    timezone: str
    due_days: MappingProxyType  # tier -> days
    leaderboards_enabled: bool
    hr_may_grant: frozenset[str]  # roles HR may give besides employee and manager
    second_factor_for_admin_hr: bool = False  # password sign-ins of admin and HR need a second factor


def organisation_settings() -> Settings:
    stamp = current_stamp()
    kept = current_app.extensions.get(_EXTENSION)
    if kept is not None and kept.stamp == stamp:
        return kept
    with _load_lock:
        kept = current_app.extensions.get(_EXTENSION)
        if kept is None or kept.stamp != stamp:
            kept = current_app.extensions[_EXTENSION] = _load(stamp)
    return kept


def _load(stamp: str | None) -> Settings:
    org = db.session.get(Organisation, 1)
    values: dict[str, Any] = ({key: getattr(org, key) for key in ORGANISATION_DEFAULTS} if org
                              else dict(ORGANISATION_DEFAULTS))
    due_days = {"basic": values["basic_due_days"], "advanced": values["advanced_due_days"],
                "expert": values["expert_due_days"]}
    return Settings(stamp, values["name"], values["timezone"], MappingProxyType(due_days),
                    bool(values["leaderboards_enabled"]), parse_hr_extra(values["hr_may_grant"]),
                    bool(values["second_factor_for_admin_hr"]))

"""HR's dashboards and a manager's team view, marketing analytics, reminders and the digest,
the audit log and the leaderboard."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from advocacy.core.privacy import add_personal_data, rows_as_dicts
from advocacy.core.web import add_nav_item
from advocacy.learning.goals import add_measure
from advocacy.reports import (  # noqa: F401  (their routes join the reports blueprint)
    analytics_routes,
    calendar,
    privacy_routes,
    schedule,
)
from advocacy.reports.cli import digest_cli, reminders_cli
from advocacy.reports.measures import active_advocates_last_30_days
from advocacy.reports.models import ReminderLog
from advocacy.reports.routes import bp


def reminders_received(user) -> dict:
    return {"reminders_received": rows_as_dicts(ReminderLog, user.id, ("kind", "subject", "sent_at"), "sent_at")}


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(digest_cli)
    add_nav_item(app, 30, "manager", "reports.team", _l("My team"))
    add_nav_item(app, 40, "hr", "reports.hr_dashboard", _l("HR"))
    add_nav_item(app, 60, "marketing", "reports.analytics_overview", _l("Analytics"))
    add_measure(app, "advocates", active_advocates_last_30_days)
    add_personal_data(app, reminders_received)

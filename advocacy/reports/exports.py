"""Every dashboard table as CSV (see csvexport for what makes it open cleanly in Excel)."""
from __future__ import annotations

from flask import abort

from advocacy.core.clock import utcnow
from advocacy.core.csvexport import csv_response
from advocacy.core.display import zone_name
from advocacy.learning.status import Scope
from advocacy.learning.tiers import TIERS
from advocacy.reports import hr


def completion_csv(scope: Scope):
    header = ["department", "people"] + [f"{tier} {what}" for tier in TIERS
                                         for what in ("assigned", "started", "certified", "certified %", "overdue")]
    rows = []
    for row in hr.completion_matrix(utcnow(), scope):
        cells = [("TOTAL" if row.total else row.department or "(none)"), row.people]
        for tier in TIERS:
            c = row.cells[tier]
            cells += [c["assigned"], c["started"], c["certified"], c["percent"], c["overdue"]]
        rows.append(cells)
    return header, rows


def overdue_csv(scope: Scope):
    people, _ = hr.overdue_people(utcnow(), scope, limit=None)
    header = ["name", "email", "department", "overdue tiers", "earliest due date", "days late"]
    rows = [[p["name"], p["email"], p["department"], " ".join(t for t, _ in p["overdue"]),
             min((d for _, d in p["overdue"] if d), default=None), p["days_late"]] for p in people]
    return header, rows


def expiring_csv(scope: Scope):
    header = ["name", "email", "tier", f"expires at ({zone_name()})"]
    return header, [[r.name, r.email, r.tier, r.expires_at] for r in hr.expiring_certifications(utcnow(), scope)]


def policy_csv(scope: Scope):
    header = ["version", "title", f"published ({zone_name()})", "acknowledged", "people", "acknowledged %"]
    return header, [[p["version"], p["title"], p["published"], p["acknowledged"], p["people"], p["percent"]]
                    for p in hr.policy_coverage(scope)]


TABLES = {"completion": completion_csv, "overdue": overdue_csv, "expiring": expiring_csv, "policy": policy_csv}


def dashboard_table(table: str, scope: Scope):
    if table not in TABLES:
        abort(404)
    header, rows = TABLES[table](scope)
    return csv_response(f"{table}-{utcnow():%Y-%m-%d}.csv", header, rows)


def transcript_table(person, t: dict):
    header = ["section", "tier", "item", f"date ({zone_name()})", "detail"]
    rows = []
    for tier in t["tiers"]:
        if tier["assigned"]:
            state = "certified" if tier["certified"] else ("overdue" if tier["overdue"] else "open")
            rows.append(["due date", tier["tier"], state, tier["due"], "set by HR" if tier["due_set_by_hr"] else ""])
    for lesson in t["lessons"]:
        rows.append(["lesson", lesson.tier, lesson.title or lesson.lesson, lesson.read_at, f"version {lesson.version}"])
    for attempt in t["attempts"]:
        result = "passed" if attempt.passed else ("failed" if attempt.passed is False else "not submitted")
        rows.append(["attempt", attempt.tier, result, attempt.started_at,
                     "" if attempt.score is None else f"{attempt.score:.0f}%"])
    for cert in t["certifications"]:
        rows.append(["certification", cert["tier"], cert["code"], cert["passed_at"],
                     f"expires {cert['expires_at']:%Y-%m-%d}" + (" (revoked)" if cert["revoked_at"] else "")])
    for ack in t["acknowledgements"]:
        rows.append(["policy", "", f"version {ack.version}: {ack.title}", ack.acknowledged_at, ""])
    return csv_response(f"transcript-{person.id}.csv", header, rows)

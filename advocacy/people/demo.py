"""The people of the demo organisation (`flask demo`): one login per role, and with
`--employees N` a synthetic organisation of departments and managers in two layers.

Synthetic rows go in with bulk INSERTs, every person shares one password hash, and a seed makes
the result the same each time; running it again with a larger N adds the missing people."""
from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select, update

from advocacy.core.db import db
from advocacy.core.demo import BATCH, DemoPerson, DemoRun, add_demo_step, insert_rows
from advocacy.core.directory import create_user, find_user_by_email, get_or_create_department
from advocacy.core.organisation import Department, User, UserRole, get_organisation
from advocacy.identity.passwords import hash_password, password_matches

DEMO_DEPARTMENTS = {
    # name: takes the advanced course
    "Marketing": True, "Communications": True, "PR": True, "Sales": True, "Customer service": True,
    "Finance": False, "IT": False, "HR": False, "Legal": False, "Operations": False,
}
DEMO_PEOPLE = (
    # role, name, department
    ("employee", "Eva Employee", "Operations"),
    ("manager", "Mark Manager", "Operations"),
    ("hr", "Hanna HR", "HR"),
    ("marketing", "Maya Marketing", "Marketing"),
    ("reviewer", "Ruben Reviewer", "Legal"),
    ("admin", "Ada Admin", "IT"),
    ("author", "Aisha Author", "HR"),
)


def demo_logins(run: DemoRun) -> None:
    """The organisation, its departments and one login per role at <role>@demo.example."""
    org = get_organisation()
    db.session.add(org)
    if org.name == "Our organisation":
        org.name = "Demo BV"
    run.made["organisation_name"] = org.name
    for name, advanced in DEMO_DEPARTMENTS.items():
        get_or_create_department(name).advanced_eligible = advanced
    run.password_hash = hash_password(run.new_password)
    for role, name, department in DEMO_PEOPLE:
        email = f"{role}@demo.example"
        user = find_user_by_email(email)
        if user is None:
            user = create_user(email, name, [role], get_or_create_department(department),
                               password_hash=run.password_hash)
            shown = run.new_password
        elif run.password:
            user.password_hash = run.password_hash
            user.rotate_session_token()
            shown = run.new_password
        elif run.initial and password_matches(user.password_hash, run.new_password):
            shown = run.new_password
        elif run.initial:
            shown = "(changed since; kept)"
        else:
            shown = "(unchanged; pass --password to set one)"
        run.made[role] = user
        run.logins.append((role, email, shown))
    run.made["employee"].manager = run.made["manager"]


def synthetic_people(run: DemoRun) -> None:
    """Synthetic people up to run.employees, in every department, with their managers."""
    existing = db.session.scalar(select(func.count(User.id)).where(User.email.like("person%@demo.example"))) or 0
    if existing >= run.employees:
        run.counts["people"] = 0
        return
    departments = list(db.session.scalars(select(Department).order_by(Department.name)))
    run.made["people"] = insert_people(range(existing, run.employees), departments, run.password_hash, run.rng,
                                       run.now)
    run.counts["people"] = len(run.made["people"])


FIRST = ("Anna", "Bram", "Chloe", "Daan", "Eva", "Finn", "Gina", "Hugo", "Iris", "Jens", "Kim", "Lars", "Mila",
         "Noah", "Olga", "Pim", "Rosa", "Sem", "Tess", "Umar", "Vera", "Wout", "Yara", "Zoë")
LAST = ("de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "de Boer", "Bos", "Peters",
        "Hendriks", "Dekker", "Brouwer", "Claes", "Maes", "Wouters", "Hoekstra", "El Amrani", "Yilmaz", "Nguyen")
EMAIL = "person{:05d}@demo.example"
def insert_people(numbers, departments, password_hash, rng, now) -> list[DemoPerson]:
    rows = []
    for i in numbers:
        department = departments[i % len(departments)]
        days = int(rng.triangular(3, 3 * 365, 400))
        rows.append({"email": EMAIL.format(i), "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                     "password_hash": password_hash, "department_id": department.id,
                     "start_date": (now - timedelta(days=days)).date(), "created_at": now - timedelta(days=days),
                     "session_token": hashlib.sha256(f"demo-{i}-{rng.random()}".encode()).hexdigest()})
    insert_rows(User, rows)
    ids: dict[str, int] = {}
    for start in range(0, len(rows), BATCH):
        emails = [r["email"] for r in rows[start:start + BATCH]]
        for email, user_id in db.session.execute(select(User.email, User.id).where(User.email.in_(emails))):
            ids[str(email)] = user_id
    by_id = {d.id: d for d in departments}
    people = [DemoPerson(ids[r["email"]], by_id[r["department_id"]], r["start_date"]) for r in rows]
    assign_managers(people)
    return people


def assign_managers(people: list[DemoPerson]) -> None:
    """Per department: a head, team leads (one in eight) under the head, everyone else under a lead."""
    by_department: dict[int, list[DemoPerson]] = {}
    for person in people:
        by_department.setdefault(person.department.id, []).append(person)
    roles = [{"user_id": p.id, "role": "employee"} for p in people]
    managers = []
    for members in by_department.values():
        head, leads = members[0], members[1::8] or [members[0]]
        lead_ids = {lead.id for lead in leads}
        roles.append({"user_id": head.id, "role": "manager"})
        for index, person in enumerate(members[1:], start=1):
            if person.id in lead_ids:
                roles.append({"user_id": person.id, "role": "manager"})
                managers.append({"id": person.id, "manager_id": head.id})
            else:
                managers.append({"id": person.id, "manager_id": leads[index % len(leads)].id})
    insert_rows(UserRole, roles)
    for start in range(0, len(managers), BATCH):
        db.session.execute(update(User), managers[start:start + BATCH])


def init_app(app: Flask) -> None:
    add_demo_step(app, 10, demo_logins)
    add_demo_step(app, 10, synthetic_people, synthetic=True)

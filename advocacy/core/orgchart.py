"""The org chart: who is in a manager's team (directly, or through managers below them).

A "team" here is everyone below a person in the manager chain; reports/ means HR's dashboards."""
from __future__ import annotations

from sqlalchemy import select

from advocacy.core.db import db
from advocacy.core.organisation import User


def team_ids_query(manager_id: int, name: str = "team"):
    """Everyone below this manager, directly or through other managers (a recursive query).
    `name` names the CTE, so two of them can sit in one statement (a manager filtering their own
    team by a lead below them)."""
    tree = select(User.id).where(User.manager_id == manager_id).cte(name, recursive=True)
    tree = tree.union(select(User.id).where(User.manager_id == tree.c.id))
    return select(tree.c.id)


def team_ids(manager_id: int) -> set[int]:
    return set(db.session.scalars(team_ids_query(manager_id)))


def can_see_person(viewer: User, person_id: int, *, hr_sees_all: bool = True) -> bool:
    """The viewer themselves, anyone in their team, and (unless told otherwise) HR and admins."""
    if viewer.id == person_id:
        return True
    if hr_sees_all and viewer.has_role("hr", "admin"):
        return True
    return person_id in team_ids(viewer.id)

"""The opt-in leaderboard: people who chose to appear, by shares in the last 30 days."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from advocacy.core.db import db
from advocacy.core.organisation import Department, User
from advocacy.feed.models import Share

WINDOW = timedelta(days=30)
SIZE = 20


def leaderboard_rows(now: datetime):
    return db.session.execute(
        select(User.id, User.name, Department.name.label("department"), func.count(Share.id).label("shares"))
        .join(Share, Share.user_id == User.id)
        .outerjoin(Department, Department.id == User.department_id)
        .where(User.leaderboard_opt_in.is_(True), User.is_active,
               Share.shared_at >= now - WINDOW)
        .group_by(User.id, User.name, Department.name)
        .order_by(func.count(Share.id).desc(), User.name).limit(SIZE)
    ).all()

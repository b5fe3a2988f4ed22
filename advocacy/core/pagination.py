"""A page of rows (plain rows, not model objects, which db.paginate expects), with what the
`pager` macro reads. The page number is clamped to the pages there are."""
from __future__ import annotations

from sqlalchemy import func, select

from advocacy.core.db import db


class RowPage:
    def __init__(self, query, page: int, per_page: int = 50):
        self.total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
        self.pages = max(1, -(-self.total // per_page))
        self.page = min(max(1, page), self.pages)
        self.items = db.session.execute(query.limit(per_page).offset((self.page - 1) * per_page)).all()
        self.has_prev, self.has_next = self.page > 1, self.page < self.pages
        self.prev_num, self.next_num = self.page - 1, self.page + 1

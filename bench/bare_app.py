"""The yardstick: a bare Flask + Flask-SQLAlchemy page reading 20 rows, nothing else.

`make bench` serves it with the same gunicorn settings as the app and measures both in one
run, so the app's numbers read as a ratio that does not depend on the machine.
BARE_DATABASE_URL names its database (a SQLite file, or PostgreSQL for a PostgreSQL run).
"""
from __future__ import annotations

import os

from flask import Flask, render_template_string
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ROWS = 20


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class BenchRow(db.Model):
    __tablename__ = "bench_bare_row"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))


PAGE = """<!doctype html><html lang="en"><title>Rows</title><h1>Rows</h1>
<ul>{% for row in rows %}<li>{{ row.id }}: {{ row.title }}</li>{% endfor %}</ul></html>"""


def create_app(database_url: str | None = None) -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url or os.environ["BARE_DATABASE_URL"]
    db.init_app(app)

    @app.get("/")
    def rows():
        found = db.session.scalars(select(BenchRow).order_by(BenchRow.id).limit(ROWS)).all()
        return render_template_string(PAGE, rows=found)

    @app.get("/healthz")
    def healthz():
        return "ok"

    return app


def seed(database_url: str) -> None:
    """The table with its rows (run once, before the workers start)."""
    app = create_app(database_url)
    with app.app_context():
        db.create_all()
        if db.session.scalar(select(db.func.count(BenchRow.id))) < ROWS:
            db.session.add_all(BenchRow(title=f"Row number {i}") for i in range(1, ROWS + 1))
            db.session.commit()
        db.engine.dispose()

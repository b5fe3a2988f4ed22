"""Flask-Migrate owns the schema: one head, a clean round trip, and models that match it."""
from __future__ import annotations

import contextlib
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from advocacy import create_app
from advocacy.core.db import db

from .conftest import make_config


@contextlib.contextmanager
def scratch_database(app, tmp_path):
    """An empty database of the same kind as the suite's."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        yield "sqlite:///" + str(tmp_path / "migrations.sqlite3")
        return
    name = "advocacy_migrations_" + uuid.uuid4().hex[:8]
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def migration_app(app, tmp_path):
    with scratch_database(app, tmp_path) as url:
        scratch = create_app(make_config(url))
        with scratch.app_context():
            yield scratch
            db.engine.dispose()


def script_directory(app) -> ScriptDirectory:
    return ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())


def test_there_is_a_single_head(migration_app):
    assert len(script_directory(migration_app).get_heads()) == 1


def test_upgrade_downgrade_and_upgrade_again(migration_app):
    upgrade()
    tables = set(inspect(db.engine).get_table_names())
    assert {"user", "user_role", "department", "organisation"} <= tables
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert set(inspect(db.engine).get_table_names()) == tables


def test_models_and_migrations_agree(migration_app):
    upgrade()
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "run `flask db migrate` and commit the migration:\n" + "\n".join(map(str, differences))

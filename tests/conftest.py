"""Layered fixtures: app -> db -> client -> people by role; a frozen clock; three ways to log in.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL points at one
(`postgresql+psycopg://user@host/db`; the database must exist and may be emptied).
"""
from __future__ import annotations

import os
import re
from datetime import datetime, timezone

import pytest
from flask.testing import FlaskClient
from freezegun import freeze_time

from advocacy import create_app
from advocacy.core.db import db as _db
from advocacy.core.extensions import limiter

from advocacy.identity.sessions import bound_id

from .factories import create_user

# A weaker hash keeps the suite fast; the production default is tested in tests/auth/test_passwords.py.
FAST_HASH = "argon2id:256:1:1"
IN_CI = os.environ.get("CI", "").lower() == "true"


def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


def is_postgres(app) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


def make_config(url: str, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": url,
        "PASSWORD_HASH_METHOD": FAST_HASH,
        "MAIL_BACKEND": "memory",
        # Jobs run the moment they are enqueued (after the commit), on a real queue storage: a test
        # sees the mail of a request when the request returns. tests/test_jobs.py runs a worker.
        "QUEUE_IMMEDIATE": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "WTF_CSRF_ENABLED": False,
        "PUBLIC_URL": "http://advocacy.test",
        "SERVER_NAME": None,
    }
    config.update(overrides)
    return config


class Client(FlaskClient):
    """Each request runs in its own app context, so it gets its own `g` and database session as
    in production; the test's own session then ends its transaction to see what was committed."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        _db.session.rollback()
        return response


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = create_app(make_config(database_url(tmp_path_factory),
                                 UPLOAD_FOLDER=str(tmp_path_factory.mktemp("uploads")),
                                 QUEUE_URL="sqlite:///" + str(tmp_path_factory.mktemp("queue") / "queue.sqlite3")))
    app.test_client_class = Client
    with app.app_context():
        _db.drop_all()
        _db.create_all()
    return app


@pytest.fixture
def db(app):
    """An app context with an empty database; every table is emptied after the test."""
    ctx = app.app_context()
    ctx.push()
    try:
        yield _db
    finally:
        _db.session.rollback()
        for table in reversed(_db.metadata.sorted_tables):
            _db.session.execute(table.delete())
        _db.session.commit()
        _db.session.remove()
        limiter.reset()
        app.extensions.get("mail_outbox", []).clear()
        ctx.pop()


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def outbox(app, db):
    return app.extensions.setdefault("mail_outbox", [])


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


# -- people --------------------------------------------------------------------------------------

PASSWORD = "correct horse battery"


@pytest.fixture
def department(db):
    from advocacy.core.directory import get_or_create_department

    department = get_or_create_department("Operations")
    db.session.commit()
    return department


@pytest.fixture
def employee(db, department):
    user = create_user("employee@example.com", "Emma Employee", department=department)
    db.session.commit()
    return user


@pytest.fixture
def other_employee(db, department):
    """A colleague whose things the employee must never see."""
    user = create_user("other@example.com", "Otto Other", department=department)
    db.session.commit()
    return user


@pytest.fixture
def manager(db, department, employee):
    user = create_user("manager@example.com", "Max Manager", roles=["manager"], department=department)
    employee.manager = user
    db.session.commit()
    return user


@pytest.fixture
def hr(db):
    user = create_user("hr@example.com", "Hilde HR", roles=["hr"])
    db.session.commit()
    return user


@pytest.fixture
def marketing(db):
    from advocacy.core.directory import get_or_create_department

    user = create_user("marketing@example.com", "Mia Marketing", roles=["marketing"],
                       department=get_or_create_department("Marketing"))
    db.session.commit()
    return user


@pytest.fixture
def reviewer(db):
    user = create_user("reviewer@example.com", "Rob Reviewer", roles=["reviewer"])
    db.session.commit()
    return user


@pytest.fixture
def admin(db):
    user = create_user("admin@example.com", "Ada Admin", roles=["admin"])
    db.session.commit()
    return user


@pytest.fixture
def author(db):
    user = create_user("author@example.com", "Abe Author", roles=["author"])
    db.session.commit()
    return user


@pytest.fixture
def webcare(db):
    user = create_user("webcare@example.com", "Wes Webcare", roles=["webcare"])
    db.session.commit()
    return user


ROLE_FIXTURES = ("employee", "manager", "hr", "marketing", "reviewer", "admin", "author", "webcare")


# -- logging in ----------------------------------------------------------------------------------

def login(client, user, user_agent: str = "Werkzeug/") -> None:
    """The fast way: put the person's session token straight into the session cookie, bound to the
    browser that will use it (the test client sends "Werkzeug/<version>" unless told otherwise)."""
    with client.session_transaction() as session:
        session["_user_id"] = bound_id(user.session_token, user_agent)
        session["_fresh"] = True


def login_with_form(client, email: str, password: str = PASSWORD, **extra):
    """The real way: through the login form."""
    return client.post("/login", data={"email": email, "password": password, **extra})


@pytest.fixture
def as_user(client):
    """as_user(person) -> the client, logged in as that person."""

    def _as(user):
        login(client, user)
        return client

    return _as


def csrf_token(client, path: str = "/login") -> str:
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or \
        re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


# -- time ----------------------------------------------------------------------------------------

# Named instants used across the suite.
START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)       # a Monday morning
LATER_SAME_DAY = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)
NEXT_DAY = datetime(2026, 3, 3, 9, 0, tzinfo=timezone.utc)
YEAR_AND_A_DAY = datetime(2027, 3, 3, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def frozen():
    """frozen(when) freezes the clock at `when` (and again later to move it); undone after the test."""
    freezers = []

    def _freeze(when):
        if freezers:
            freezers[-1].stop()
        freezer = freeze_time(when, tick=False)
        freezer.start()
        freezers.append(freezer)
        return freezer

    yield _freeze
    if freezers:
        freezers[-1].stop()


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests are skipped, plainly, when no PostgreSQL is configured; in CI they fail."""
    if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set TEST_DATABASE_URL=postgresql+psycopg://... to run")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def world(employee, other_employee, manager, hr, marketing, reviewer, admin, author, webcare):
    """Every role's person, for the access tables. Feature conftests extend it."""
    return {"employee": employee, "other_employee": other_employee, "manager": manager, "hr": hr,
            "marketing": marketing, "reviewer": reviewer, "admin": admin, "author": author,
            "webcare": webcare}

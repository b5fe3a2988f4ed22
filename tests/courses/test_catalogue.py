"""The process's copy of the course content (courses/catalogue.py): used while unchanged, replaced
the moment anything it holds changes, whoever changed it."""
from __future__ import annotations

from sqlalchemy import create_engine, select, text, update

from advocacy.learning.catalogue import catalogue
from advocacy.core.revision import current_stamp
from advocacy.core.revision import ContentRevision
from advocacy.learning.models.goals import Goal
from advocacy.learning.models.courses import LessonVersion
from advocacy.core.organisation import get_organisation

from ..conftest import login
from .factories import QueryCounter

LESSON_1 = "/courses/basic/lesson-1"
CONTENT_TABLES = ("course", "course_text", "lesson", "lesson_version", "goal", "goal_text", "policy_version",
                  "organisation")


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def tables_read(statements) -> set[str]:
    found = set()
    for statement in statements:
        words = statement.replace('"', " ").replace(",", " ").split()
        found |= {words[i + 1] for i, word in enumerate(words[:-1]) if word.upper() in ("FROM", "JOIN")}
    return found


def test_an_unchanged_catalogue_is_not_read_again(client, db, curriculum, employee):
    login(client, employee)
    page(client, LESSON_1)
    with QueryCounter(db.engine) as counted:
        page(client, LESSON_1)
        page(client, "/home")
    assert not tables_read(counted.statements) & set(CONTENT_TABLES), counted.statements


def test_a_change_in_the_app_writes_a_new_stamp_in_the_same_transaction(db, curriculum):
    before = current_stamp()
    version = db.session.scalar(select(LessonVersion).where(LessonVersion.current).limit(1))
    version.title = "Renamed"
    db.session.flush()
    changed = current_stamp()
    assert changed and changed != before
    db.session.rollback()
    assert current_stamp() == before  # the change and its stamp went together


def test_a_reader_sees_a_change_at_once(client, db, curriculum, employee):
    login(client, employee)
    assert "basic lesson 1 (en)" in page(client, LESSON_1)
    version = db.session.scalar(select(LessonVersion).where(LessonVersion.title == "basic lesson 1 (en)"))
    version.title = "A better title"
    db.session.commit()
    assert "A better title" in page(client, LESSON_1)


def test_a_retired_goal_leaves_the_lesson_page(client, db, curriculum, employee):
    login(client, employee)
    assert "This lesson serves:" in page(client, LESSON_1)
    from advocacy.core.clock import utcnow

    for goal in db.session.scalars(select(Goal)):
        goal.retired_at = utcnow()
    db.session.commit()
    assert "This lesson serves:" not in page(client, LESSON_1)


def test_organisation_settings_are_part_of_it(db, curriculum):
    days = catalogue().settings.due_days["basic"]
    organisation = get_organisation()
    organisation.basic_due_days = days + 7
    db.session.add(organisation)
    db.session.commit()
    assert catalogue().settings.due_days["basic"] == days + 7


def test_another_process_change_is_seen_through_the_stamp(app, client, db, curriculum, employee):
    """Another server (or `flask content sync` elsewhere) commits a change: this process's copy is
    replaced on the next request because the stamp moved, and only then."""
    login(client, employee)
    page(client, LESSON_1)
    other = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with other.begin() as connection:  # a change without a new stamp is not noticed...
            connection.execute(update(LessonVersion).where(LessonVersion.title == "basic lesson 1 (en)")
                               .values(title="Changed elsewhere"))
        assert "Changed elsewhere" not in page(client, LESSON_1)
        with other.begin() as connection:  # ...the other side's hook writes one with every change
            connection.execute(update(ContentRevision).values(stamp="from-another-process"))
        assert "Changed elsewhere" in page(client, LESSON_1)
    finally:
        other.dispose()


def test_a_database_without_the_stamp_row_still_works(client, db, curriculum, employee):
    """Content loaded before the stamp existed (or its row emptied): the copy is keyed on 'none'
    until the next change writes the row."""
    db.session.execute(text("DELETE FROM content_revision"))
    db.session.commit()
    login(client, employee)
    assert "basic lesson 1 (en)" in page(client, LESSON_1)
    version = db.session.scalar(select(LessonVersion).where(LessonVersion.title == "basic lesson 1 (en)"))
    version.title = "After the first stamp"
    db.session.commit()
    assert current_stamp() is not None
    assert "After the first stamp" in page(client, LESSON_1)

"""`flask demo --employees N`: a synthetic organisation, fast, for demos and benchmarks."""
from sqlalchemy import func, select

from advocacy.identity.passwords import password_matches
from advocacy.feed.models import Click, Share
from advocacy.core.organisation import User
from advocacy.learning.models.quizzes import Certification
from advocacy.reports import hr as tables
from advocacy.learning.status import Scope
from advocacy.core.clock import utcnow


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def count(db, column, *where):
    return db.session.scalar(select(func.count(column)).where(*where))


def test_demo_builds_a_synthetic_organisation_with_training_and_sharing(app, db):
    result = run(app, "demo", "--password", "demo-password-1", "--employees", "120")
    assert result.exit_code == 0, result.output
    assert "Synthetic organisation: 120 people" in result.output
    synthetic = User.email.like("person%@demo.example")
    assert count(db, User.id, synthetic) == 120
    assert count(db, User.id, synthetic, User.manager_id.is_not(None)) > 100, "nearly everyone has a manager"
    assert count(db, Certification.id) > 40 and count(db, Share.id) > 5 and count(db, Click.id) > 0
    person = db.session.scalar(select(User).where(User.email == "person00042@demo.example"))
    assert password_matches(person.password_hash, "demo-password-1")
    matrix = tables.completion_matrix(utcnow(), Scope())
    assert matrix[-1].people == 127 and 0 < matrix[-1].cells["basic"]["certified"] < 127  # 120 and 7 demo logins


def test_demo_with_more_employees_adds_only_the_missing_people(app, db):
    run(app, "demo", "--password", "demo-password-1", "--employees", "30")
    again = run(app, "demo", "--employees", "30")
    assert "already has 30 or more people" in again.output
    more = run(app, "demo", "--employees", "50")
    assert "Synthetic organisation: 20 people" in more.output
    assert count(db, User.id, User.email.like("person%@demo.example")) == 50

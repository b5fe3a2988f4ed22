from advocacy.identity.passwords import password_matches
from advocacy.core.organisation import User


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_demo_creates_one_login_per_role_and_is_idempotent(app, db):
    result = run(app, "demo", "--password", "demo-password-1")
    assert result.exit_code == 0, result.output
    for role in ("employee", "manager", "hr", "marketing", "reviewer", "admin"):
        assert f"{role}@demo.example" in result.output
        user = db.session.scalar(db.select(User).where(User.email == f"{role}@demo.example"))
        assert user.has_role(role) and password_matches(user.password_hash, "demo-password-1")
    again = run(app, "demo")
    assert again.exit_code == 0 and "unchanged" in again.output
    assert db.session.scalar(db.select(db.func.count(User.id))) == 6


def test_demo_without_a_password_prints_a_random_one_that_works(app, db):
    result = run(app, "demo")
    line = next(l for l in result.output.splitlines() if "employee@demo.example" in l)
    password = line.split()[-1]
    user = db.session.scalar(db.select(User).where(User.email == "employee@demo.example"))
    assert len(password) >= 10 and password_matches(user.password_hash, password)


def test_users_create_and_set_roles(app, db):
    result = run(app, "users", "create", "ann@example.com", "--name", "Ann", "--roles", "hr", "--password", "long enough pw")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).where(User.email == "ann@example.com"))
    assert user.roles == {"employee", "hr"}
    result = run(app, "users", "set-roles", "ann@example.com", "marketing,reviewer")
    assert result.exit_code == 0
    db.session.refresh(user)
    assert user.roles == {"employee", "marketing", "reviewer"}


def test_users_set_roles_refuses_an_unknown_role_and_changes_nothing(app, db):
    run(app, "users", "create", "bo@example.com", "--name", "Bo", "--password", "long enough pw")
    result = run(app, "users", "set-roles", "bo@example.com", "hr,wizard")
    assert result.exit_code != 0 and "unknown role: wizard" in result.output
    user = db.session.scalar(db.select(User).where(User.email == "bo@example.com"))
    assert user.roles == {"employee"}


def test_demo_adds_sample_posts_once_live_in_the_feed_and_one_waiting_for_review(app, db):
    from advocacy.core.clock import utcnow
    from advocacy.feed.models import Post

    run(app, "demo", "--password", "demo-password-1")
    run(app, "demo")
    posts = db.session.scalars(db.select(Post).where(Post.slug.like("sample-%"))).all()
    assert len(posts) == 4
    live = [p for p in posts if p.is_live_at(utcnow())]
    assert {p.slug for p in live} == {"sample-open-day", "sample-service-desk-vacancy", "sample-customer-study"}
    waiting = next(p for p in posts if p.slug == "sample-annual-figures")
    assert waiting.status == "in_review"
    assert all(p.author.email == "marketing@demo.example" for p in posts)

from advocacy.identity.passwords import password_matches
from advocacy.core.organisation import User


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_demo_creates_one_login_per_role_and_is_idempotent(app, db):
    result = run(app, "demo", "--password", "demo-password-1")
    assert result.exit_code == 0, result.output
    for role in ("employee", "manager", "hr", "marketing", "reviewer", "admin", "author"):
        assert f"{role}@demo.example" in result.output
        user = db.session.scalar(db.select(User).where(User.email == f"{role}@demo.example"))
        assert user.has_role(role) and password_matches(user.password_hash, "demo-password-1")
    again = run(app, "demo")
    assert again.exit_code == 0 and "unchanged" in again.output
    assert db.session.scalar(db.select(db.func.count(User.id))) == 7


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


def test_demo_with_an_initial_password_keeps_a_password_that_was_changed(app, db):
    """`make run` runs `flask demo --initial-password P` every time: a demo login whose password was
    changed keeps it, the others still show P."""
    from advocacy.identity.passwords import hash_password

    first = run(app, "demo", "--initial-password", "first-demo-password")
    assert first.exit_code == 0, first.output
    hr = db.session.scalar(db.select(User).where(User.email == "hr@demo.example"))
    hr.password_hash = hash_password("changed by hr herself")
    db.session.commit()
    again = run(app, "demo", "--initial-password", "first-demo-password")
    assert again.exit_code == 0, again.output
    lines = {line.split()[1]: line for line in again.output.splitlines() if "@demo.example" in line}
    assert "(changed since; kept)" in lines["hr@demo.example"]
    assert lines["employee@demo.example"].endswith("first-demo-password")
    db.session.expire_all()
    hr = db.session.scalar(db.select(User).where(User.email == "hr@demo.example"))
    assert password_matches(hr.password_hash, "changed by hr herself")
    assert not password_matches(hr.password_hash, "first-demo-password")


def test_make_run_on_another_port_points_links_at_that_port():
    """`make run PORT=5102`: every flask command make runs gets PUBLIC_URL on port 5102 (mail links
    start with PUBLIC_URL), unless PUBLIC_URL is set; and demo passwords are set only for new logins."""
    import os
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]

    def dry_run(**env):
        result = subprocess.run(["make", "--no-print-directory", "-n", "-C", str(root), "run", "PORT=5102"],
                                env={**{k: v for k, v in os.environ.items() if k != "PUBLIC_URL"}, **env},
                                capture_output=True, text=True, check=True)
        return [line for line in result.stdout.splitlines() if "/flask " in line]

    lines = dry_run()
    assert lines and all('PUBLIC_URL="http://127.0.0.1:5102"' in line for line in lines), lines
    assert any("flask run --host 127.0.0.1 --port 5102" in line for line in lines)
    assert any("demo --initial-password" in line for line in lines) and not any("demo --password" in line for line in lines)
    assert all('PUBLIC_URL="https://advocacy.example.com"' in line
               for line in dry_run(PUBLIC_URL="https://advocacy.example.com"))

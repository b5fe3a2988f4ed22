import pytest

from ..conftest import login


@pytest.mark.parametrize("role, home", [
    ("employee", "/home"), ("manager", "/team"), ("hr", "/hr"),
    ("marketing", "/posts"), ("reviewer", "/review"), ("admin", "/admin"),
])
def test_each_role_lands_on_its_own_home(client, world, role, home):
    login(client, world[role])
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == home
    assert client.get(home).status_code == 200


def test_a_person_with_several_roles_sees_each_area_in_the_menu(client, db, hr):
    hr.set_roles(["hr", "marketing"])
    db.session.commit()
    login(client, hr)
    html = client.get("/hr").get_data(as_text=True)
    assert 'href="/hr"' in html and 'href="/posts"' in html and 'href="/review"' not in html


def test_healthz_reports_ok_while_the_process_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_a_dead_database_is_not_ready_but_alive(app, tmp_path):
    """Liveness touches nothing (a restart would not bring the database back); readiness says."""
    from advocacy import create_app
    from ..conftest import make_config

    dead = create_app(make_config("sqlite:///" + str(tmp_path / "missing" / "nowhere" / "db.sqlite3")))
    assert dead.test_client().get("/healthz").status_code == 200
    response = dead.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["status"] == "error" and response.json["failed"] == ["database"]


def test_pages_carry_the_security_headers(client):
    headers = client.get("/login").headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp and "base-uri 'self'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_no_page_has_inline_script_or_style(client, world):
    import re

    login(client, world["admin"])
    html = client.get("/admin").get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html and " style=" not in html


@pytest.mark.parametrize("code, path", [(404, "/nothing-here"), (403, "/admin")])
def test_error_pages_are_friendly(client, world, code, path):
    login(client, world["employee"])
    response = client.get(path)
    assert response.status_code == code
    assert "Go to your home page" in response.get_data(as_text=True)


def test_admin_saves_settings_and_bad_input_changes_nothing(client, db, admin, department):
    from advocacy.core.organisation import get_organisation

    login(client, admin)
    response = client.post("/admin", data={
        "name": "Acme", "timezone": "Mars/Olympus", "basic_due_days": 30, "advanced_due_days": 60,
        "expert_due_days": 90, "advanced_departments": [department.id]})
    assert response.status_code == 200 and "Unknown time zone" in response.get_data(as_text=True)
    assert get_organisation().name != "Acme" and not department.advanced_eligible
    response = client.post("/admin", data={
        "name": "Acme", "timezone": "Europe/Brussels", "basic_due_days": 21, "advanced_due_days": 60,
        "expert_due_days": 90, "advanced_departments": [department.id]})
    assert response.status_code == 302
    org = get_organisation()
    assert (org.name, org.timezone, org.basic_due_days) == ("Acme", "Europe/Brussels", 21)
    assert department.advanced_eligible

"""Importing people in the browser (upload, preview, apply) and with `flask people import`."""
import io
import re

import pytest
from sqlalchemy import func, select

from advocacy.core.organisation import Department, User
from advocacy.core.audit import AuditEntry

from ..conftest import login

DEPARTMENTS = ("Sales", "Marketing", "Finance", "IT", "Operations")


def org_csv(n: int = 200, *, change: dict | None = None) -> bytes:
    """n people: five managers reporting to the first, everyone else to a manager in their department."""
    lines = ["email,name,department,manager_email,start_date,roles"]
    for i in range(n):
        department = DEPARTMENTS[i % len(DEPARTMENTS)]
        if i < len(DEPARTMENTS):
            manager, roles = ("" if i == 0 else "person000@example.com"), "manager"
        else:
            manager, roles = f"person{i % len(DEPARTMENTS):03d}@example.com", ""
        row = {"email": f"person{i:03d}@example.com", "name": f"Person {i}", "department": department,
               "manager": manager, "start": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}", "roles": roles}
        row.update((change or {}).get(i, {}))
        lines.append(",".join(row.values()))
    return ("\n".join(lines) + "\n").encode()


def upload(client, data: bytes, name="people.csv"):
    return client.post("/people/import", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def apply_fields(html: str) -> dict:
    return {name: re.search(rf'name="{name}" type="hidden" value="([^"]+)"', html).group(1)
            for name in ("token", "fingerprint")}


def people_count(db) -> int:
    return db.session.scalar(select(func.count(User.id)).where(User.email.like("person%")))


def test_hr_imports_200_people_with_a_preview_then_everyone_is_invited(client, db, hr, outbox):
    login(client, hr)
    preview = upload(client, org_csv())
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "200 new people" in html and "Apply the import" in html
    assert people_count(db) == 0, "the preview changes nothing"

    response = client.post("/people/import/apply", data=apply_fields(html))
    assert response.status_code == 303 and "/people/import/runs/" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Done." in page and '<progress id="import-progress" max="200" value="200">' in page
    assert 'http-equiv="refresh"' not in page, "a finished run stops refreshing"
    assert people_count(db) == 200
    ten = db.session.scalar(select(User).where(User.email == "person010@example.com"))
    assert ten.department.name == "Sales" and ten.manager.email == "person000@example.com"
    assert ten.start_date.isoformat() == "2026-11-11" and ten.password_hash is None
    assert db.session.scalar(select(User).where(User.email == "person001@example.com")).has_role("manager")
    assert db.session.scalar(select(func.count(Department.id))) == 5
    invited = {m["To"] for m in outbox}
    assert len(outbox) == 200 and "person199@example.com" in invited
    assert "/invite/" in outbox[0].get_body(("plain",)).get_content()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "people.import"))
    assert entry.actor_id == hr.id and "200 new" in entry.detail


def test_importing_the_same_file_again_changes_nothing(client, db, hr, outbox):
    login(client, hr)
    client.post("/people/import/apply", data=apply_fields(upload(client, org_csv(20)).get_data(as_text=True)))
    outbox.clear()
    html = upload(client, org_csv(20)).get_data(as_text=True)
    assert "0 new people" in html and "20 people unchanged" in html
    assert "Apply the import" not in html and "changes nothing" in html
    assert outbox == []


def test_the_preview_shows_what_changes_and_applying_changes_only_that(client, db, hr, outbox):
    login(client, hr)
    client.post("/people/import/apply", data=apply_fields(upload(client, org_csv(20)).get_data(as_text=True)))
    outbox.clear()
    html = upload(client, org_csv(20, change={7: {"department": "Marketing"}})).get_data(as_text=True)
    assert "1 people changed" in html and "person007@example.com" in html
    assert "<del>Finance</del> → <ins>Marketing</ins>" in html.replace("\n", "")
    client.post("/people/import/apply", data=apply_fields(html))
    seven = db.session.scalar(select(User).where(User.email == "person007@example.com"))
    assert seven.department.name == "Marketing"
    assert outbox == [], "nobody new, nobody invited"


def test_a_file_with_errors_lists_them_all_and_applies_nothing(client, db, hr, outbox):
    login(client, hr)
    bad = org_csv(30, change={6: {"email": "person006-at-example.com"}, 8: {"roles": "superuser"},
                              12: {"manager": "nobody@example.com"}, 15: {"start": "15/03/2026"},
                              21: {"email": "person020@example.com"}})
    response = upload(client, bad)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "5 problems: nothing was imported" in html
    for line in (8, 10, 14, 17, 23):  # the header is line 1, person i is on line i + 2
        assert f"Line {line}:" in html
    assert "nobody@example.com" in html and "superuser" in html and "15/03/2026" in html
    assert people_count(db) == 0 and outbox == []


def test_a_semicolon_file_is_accepted_and_the_preview_says_so(client, db, hr):
    login(client, hr)
    html = upload(client, b"email;name;department\nann@example.com;Ann;Sales\n").get_data(as_text=True)
    assert "semicolons (;)" in html and "1 new people" in html


def test_an_upload_can_only_be_applied_by_whoever_uploaded_it(client, db, hr, admin):
    login(client, hr)
    fields = apply_fields(upload(client, org_csv(5)).get_data(as_text=True))
    admin.set_roles(["admin", "hr"])
    db.session.commit()
    login(client, admin)
    response = client.post("/people/import/apply", data=fields, follow_redirects=True)
    assert "no longer available" in response.get_data(as_text=True)
    assert people_count(db) == 0
    for token in ("../../etc/passwd", "x" * 10):
        response = client.post("/people/import/apply", data={"token": token, "fingerprint": "f"})
        assert response.status_code == 302 and people_count(db) == 0


def test_applying_after_people_changed_shows_a_fresh_preview(client, db, hr):
    login(client, hr)
    fields = apply_fields(upload(client, org_csv(5)).get_data(as_text=True))
    from ..factories import create_user
    create_user("person004@example.com", "Person 4")
    db.session.commit()
    response = client.post("/people/import/apply", data=fields)
    assert response.status_code == 409
    assert "People changed since your preview" in response.get_data(as_text=True)
    assert people_count(db) == 1


def test_import_posts_need_the_csrf_token(client, db, hr, csrf_on):
    login(client, hr)
    assert client.post("/people/import/apply", data={"token": "x" * 43, "fingerprint": "f"}).status_code == 400


def test_hr_cannot_grant_admin_by_import_and_an_admin_keeps_admin(client, db, hr, admin):
    login(client, hr)
    response = upload(client, b"email,name,roles\nhr@example.com,Hilde HR,hr admin\n")
    assert response.status_code == 422 and "only an admin" in response.get_data(as_text=True)
    html = upload(client, b"email,name,roles\nadmin@example.com,Ada Admin,\n").get_data(as_text=True)
    assert "0 new people" in html and "1 people unchanged" in html


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_cli_dry_run_lists_and_changes_nothing_then_import_applies_and_invites(app, db, tmp_path, outbox):
    path = tmp_path / "people.csv"
    path.write_bytes(org_csv(12))
    result = run(app, "people", "import", str(path), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "12 new, 0 changed, 0 unchanged" in result.output and "Dry run" in result.output
    assert people_count(db) == 0 and outbox == []
    result = run(app, "people", "import", str(path))
    assert result.exit_code == 0, result.output
    assert people_count(db) == 12 and len(outbox) == 12
    again = run(app, "people", "import", str(path))
    assert "0 new, 0 changed, 12 unchanged" in again.output and len(outbox) == 12


def test_cli_lists_every_problem_and_fails(app, db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(org_csv(6, change={2: {"email": "bad"}, 4: {"start": "tomorrow"}}))
    result = run(app, "people", "import", str(path))
    assert result.exit_code != 0
    assert "Line 4:" in result.output and "Line 6:" in result.output and "nothing was imported" in result.output
    assert people_count(db) == 0


@pytest.mark.parametrize("data, words", [
    ("email,name\nann@example.com,Ann\n".encode("utf-16"), "UTF-16"),
    (b"", "empty"),
])
def test_odd_files_get_a_plain_answer(client, db, hr, data, words):
    login(client, hr)
    response = upload(client, data)
    assert response.status_code == 422 and words in response.get_data(as_text=True)


def test_a_simultaneous_import_of_the_same_people_stops_cleanly_and_resumes(client, db, hr, outbox, monkeypatch):
    from advocacy.people import importing as imports

    login(client, hr)
    fields = apply_fields(upload(client, org_csv(5)).get_data(as_text=True))
    from ..factories import create_user
    create_user("person003@example.com", "Person 3 (added by someone else just now)")
    db.session.commit()
    # the other import commits between our final check and our insert
    monkeypatch.setattr(imports, "known_people", lambda emails=None: {})
    response = client.post("/people/import/apply", data=fields, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Stopped." in page and "stopped after 0 of 5 rows because of an error" in page
    assert people_count(db) == 1 and outbox == [], "the chunk was rolled back whole"
    monkeypatch.undo()
    run_path = response.request.path
    resumed = client.post(run_path + "/resume", follow_redirects=True).get_data(as_text=True)
    assert "Done." in resumed and people_count(db) == 5
    assert sorted(m["To"] for m in outbox) == [f"person00{i}@example.com" for i in (0, 1, 2, 4)]

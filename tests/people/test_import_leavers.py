"""The import's leavers option: "deactivate everyone not in this file", counted in the preview,
applied with the import; the person importing is never switched off; reactivation by SCIM."""
from __future__ import annotations

import io
import re

from sqlalchemy import select

from advocacy.core.organisation import User

from ..conftest import PASSWORD, login, login_with_form

CSV = b"email,name\nemployee@example.com,Emma Employee\nnew.person@example.com,New Person\n"


def preview(client, deactivate=True):
    data = {"file": (io.BytesIO(CSV), "people.csv")}
    if deactivate:
        data["deactivate_missing"] = "y"
    return client.post("/people/import", data=data, content_type="multipart/form-data").get_data(as_text=True)


def hidden(html: str) -> dict:
    return {name: (re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html) or [None, ""])[1]
            for name in ("token", "fingerprint", "deactivate_missing")}


def active(db, email) -> bool:
    db.session.rollback()
    return db.session.scalar(select(User.active).where(User.email == email))


def test_the_preview_counts_the_leavers_and_applying_deactivates_them(client, db, hr, employee, other_employee,
                                                                      manager):
    login(client, hr)
    html = preview(client)
    assert "2 people not in this file will be deactivated" in html  # other and manager; never HR itself
    assert "other@example.com" in html and "manager@example.com" in html
    assert active(db, "other@example.com") is True  # a preview changes nothing
    answer = client.post("/people/import/apply", data=hidden(html), follow_redirects=True)
    assert "Deactivated: 2 people who were not in the file." in answer.get_data(as_text=True)
    assert (active(db, "other@example.com"), active(db, "manager@example.com")) == (False, False)
    assert active(db, "employee@example.com") is True and active(db, "hr@example.com") is True


def test_without_the_option_nobody_is_deactivated(client, db, hr, employee, other_employee):
    login(client, hr)
    html = preview(client, deactivate=False)
    assert "will be deactivated" not in html
    client.post("/people/import/apply", data=hidden(html))
    assert active(db, "other@example.com") is True


def test_a_leaver_signed_in_elsewhere_is_signed_out_and_a_changed_preview_is_refused(app, client, db, hr,
                                                                                     other_employee):
    otto = app.test_client()
    login_with_form(otto, other_employee.email, PASSWORD)
    assert otto.get("/home").status_code == 200
    login(client, hr)
    html = preview(client)
    fields = hidden(html)
    fields["fingerprint"] = "0" * 32  # someone changed people since the preview
    assert client.post("/people/import/apply", data=fields).status_code == 409
    assert active(db, "other@example.com") is True
    client.post("/people/import/apply", data=hidden(html))
    assert otto.get("/home").status_code == 302


def test_the_cli_lists_then_deactivates_who_is_not_in_the_file(app, db, tmp_path, employee, other_employee):
    path = tmp_path / "people.csv"
    path.write_bytes(CSV)
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["people", "import", str(path), "--deactivate-missing", "--dry-run"])
    assert "deactivate other@example.com" in dry.output and "1 not in the file" in dry.output
    assert active(db, "other@example.com") is True
    done = runner.invoke(args=["people", "import", str(path), "--deactivate-missing"])
    assert done.exit_code == 0 and "1 deactivated." in done.output
    assert active(db, "other@example.com") is False and active(db, "employee@example.com") is True

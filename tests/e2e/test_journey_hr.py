"""HR on a laptop: import twenty people from a CSV, see them on the dashboard, export it; a file
with mistakes is answered line by line and changes nothing."""
import csv
import io
import secrets

import pytest

from .journeys import query

pytestmark = pytest.mark.e2e


def people_csv(path, department: str, tag: str, rows: int = 20) -> list[str]:
    emails = [f"import-{tag}-{n:02d}@journey.example" for n in range(rows)]
    lines = ["email,name,department,manager_email,start_date,roles"]
    lines.append(f"{emails[0]},Imke Lead {tag},{department},,2026-01-05,manager")
    lines += [f"{email},Person {n:02d} {tag},{department},{emails[0]},2026-02-01,"
              for n, email in enumerate(emails[1:], 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return emails


def upload(page, path):
    page.goto("/people/import")
    page.get_by_label("CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()


def test_hr_imports_people_sees_them_on_the_dashboard_and_exports(open_context, live_app, tmp_path):
    tag = secrets.token_hex(3)
    department = f"Journey {tag}"
    emails = people_csv(tmp_path / "people.csv", department, tag)
    page = open_context("desktop", who="hr").new_page()

    upload(page, tmp_path / "people.csv")
    assert page.locator("main h1").inner_text() == "Check the import"
    new = page.locator("main").inner_text()
    assert all(email in new for email in emails), "the preview lists every new person"
    assert query(live_app, "SELECT count(*) FROM user WHERE email LIKE ?", f"import-{tag}-%")[0][0] == 0
    page.get_by_role("button", name="Apply the import").click()
    assert page.locator("main progress").count() == 1, "HR lands on the progress page"
    page.get_by_text("Done.").wait_for(timeout=30_000)  # the worker applied it; the page followed live
    assert page.locator("[data-field=created]").inner_text() == "20"
    assert page.locator("[data-field=invited]").inner_text() == "20"
    assert query(live_app, "SELECT count(*) FROM user WHERE email LIKE ?", f"import-{tag}-%")[0][0] == 20

    page.goto("/hr")
    row = page.locator("table.matrix tbody tr", has=page.locator("th", has_text=department))
    assert row.locator("td").first.inner_text() == "20"
    assert row.locator("td").nth(1).inner_text().startswith("0/20")

    with page.expect_download() as downloading:
        page.locator("section", has=page.locator("#h-completion")).get_by_role("link", name="Export CSV").click()
    raw = open(downloading.value.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf"), "a BOM, so spreadsheet programs read UTF-8"
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    ours = [line for line in table if department in line]
    assert len(ours) == 1 and "20" in ours[0]


def test_a_file_with_mistakes_is_answered_by_line_and_imports_nobody(open_context, live_app, tmp_path):
    tag = secrets.token_hex(3)
    path = tmp_path / "mistakes.csv"
    path.write_text("email,name,department,start_date\n"
                    f"good-{tag}@journey.example,Good Person,Sales,2026-01-05\n"
                    f"not-an-address-{tag},Bad Address,Sales,2026-01-05\n"
                    f"late-{tag}@journey.example,Bad Date,Sales,31-31-2026\n", encoding="utf-8")
    page = open_context("desktop", who="hr").new_page()
    upload(page, path)
    problems = page.locator("main ul.problems li").all_inner_texts()
    assert len(problems) == 2
    assert problems[0].startswith("Line 3:") and problems[1].startswith("Line 4:")
    assert page.get_by_text("nothing was imported").is_visible()
    assert page.get_by_role("button", name="Apply the import").count() == 0
    assert query(live_app, "SELECT count(*) FROM user WHERE email LIKE ?", f"%-{tag}@journey.example")[0][0] == 0

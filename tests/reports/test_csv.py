"""CSV exports that open cleanly in Excel."""
import csv
import io
from datetime import date

import pytest

from advocacy.core.db import db as _db
from advocacy.core.csvexport import csv_text, safe_cell

from ..conftest import START, login
from ..factories import create_department, create_user


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+31 6 1234", "'+31 6 1234"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=cmd", "'\t=cmd"), ("\r=cmd", "'\r=cmd"), ("Ann", "Ann"), ("a=b", "a=b"),
    (-2, -2), (3.5, 3.5), (None, ""), (True, "yes"), (date(2026, 3, 2), "2026-03-02"),
])
def test_cells_that_a_spreadsheet_would_run_are_neutralised(value, expected):
    assert safe_cell(value) == expected


def test_the_text_has_a_bom_crlf_and_proper_quoting():
    text = csv_text(["name", "note"], [["Jansen, Ann", 'says "hi"\nthen leaves'], ["=2*3", 1]])
    assert text.startswith("\ufeffname,note\r\n")
    rows = list(csv.reader(io.StringIO(text[1:], newline="")))
    assert rows == [["name", "note"], ["Jansen, Ann", 'says "hi"\nthen leaves'], ["'=2*3", "1"]]


def test_an_exported_dashboard_table_opens_cleanly(client, db, hr, frozen):
    frozen(START)
    department = create_department('=HYPERLINK("http://evil.example","click")')
    create_user("mallory@example.com", "-Mallory, the \"tester\"", department=department, start_date=date(2025, 1, 1))
    _db.session.commit()
    login(client, hr)
    for table in ("completion", "overdue", "expiring", "policy"):
        response = client.get(f"/hr/export/{table}.csv")
        assert response.status_code == 200 and response.mimetype == "text/csv"
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(client.get("/hr/export/overdue.csv").data.decode("utf-8-sig"), newline="")))
    assert rows[1][:3] == ['\'-Mallory, the "tester"', "mallory@example.com", '\'=HYPERLINK("http://evil.example","click")']
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)

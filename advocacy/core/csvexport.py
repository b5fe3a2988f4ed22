"""CSV that opens cleanly in Excel: UTF-8 with a byte order mark, CRLF lines, proper quoting,
and text that a spreadsheet would run as a formula neutralised with a leading apostrophe."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

from flask import Response

from advocacy.core.display import csv_when

# A cell starting with one of these is a formula (or becomes one after Excel trims it).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return value  # a number is a number, a minus sign included
    if isinstance(value, datetime):
        return csv_when(value)  # in the organisation's zone, which the column header names
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: list[str], rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return "\ufeff" + buffer.getvalue()


def csv_response(filename: str, header: list[str], rows) -> Response:
    return Response(csv_text(header, rows).encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})

"""Reading and checking a people CSV: pure functions over bytes and plain values, no database.

The file is checked whole before anything is applied: `read_people_csv` finds every problem in
the file itself (encoding, delimiter, columns, e-mail, dates, roles, duplicates);
`check_managers` and `plan_import` then compare it with a snapshot of the people already known.

Columns (header names are case-insensitive; spaces, hyphens and underscores are alike):
    email, name                              required
    department, manager_email, start_date,   optional: a column that is missing leaves that
    roles                                    field alone; an empty cell clears it
Dates are YYYY-MM-DD (also accepted: DD-MM-YYYY). Roles are separated by spaces, "|" or ";"
(or commas inside a quoted cell). Separators: comma or semicolon, detected from the header.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from advocacy.core.people_rules import HR_GRANTS, ROLES, roles_after_import, valid_email

REQUIRED_COLUMNS = ("email", "name")
OPTIONAL_COLUMNS = ("department", "manager_email", "start_date", "roles")
COLUMN_ALIASES = {"e_mail": "email", "manager": "manager_email", "manager_e_mail": "manager_email",
                  "start": "start_date", "role": "roles", "full_name": "name"}
# Applying runs in the background now (people/applying.py); the check and the preview still run in the
# request: 100,000 people are about 9 MB (IMPORT_MAX_BYTES is 16 MiB).
MAX_ROWS = 100_000
MAX_PROBLEMS_PER_KIND = 200
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DUTCH_DATE = re.compile(r"^(\d{2})-(\d{2})-(\d{4})$")


@dataclass(frozen=True)
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        return _("Line %(line)d: %(message)s", line=self.line, message=self.message)


@dataclass(frozen=True)
class PersonRow:
    """One person as the file describes them. `given` names the optional columns the file has:
    a field whose column is absent is left alone; None in a given column clears the field."""

    line: int
    email: str
    name: str
    department: str | None = None
    manager_email: str | None = None
    start_date: date | None = None
    roles: frozenset[str] = frozenset({"employee"})
    given: frozenset[str] = frozenset(OPTIONAL_COLUMNS)


@dataclass
class ParsedFile:
    rows: list[PersonRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    columns: tuple[str, ...] = ()
    delimiter: str = ","
    emails: set[str] = field(default_factory=set)  # every address on a line, even a line with problems

    @property
    def delimiter_name(self) -> str:
        return _("semicolons (;)") if self.delimiter == ";" else _("commas (,)")


@dataclass(frozen=True)
class Known:
    """What the database knows about a person with an e-mail address (a snapshot)."""

    email: str
    name: str
    department: str | None
    manager_email: str | None
    start_date: date | None
    roles: frozenset[str]


@dataclass
class Plan:
    new: list[PersonRow] = field(default_factory=list)
    changed: list[tuple[PersonRow, list[tuple[str, str, str]]]] = field(default_factory=list)
    unchanged: list[PersonRow] = field(default_factory=list)

    def fingerprint(self) -> str:
        """Names what this plan would do, so applying can tell if the data moved since the preview."""
        text = repr(([r.email for r in self.new], [(r.email, c) for r, c in self.changed]))
        return hashlib.sha256(text.encode()).hexdigest()[:32]


# -- reading the file ----------------------------------------------------------------------------

def read_people_csv(data: bytes) -> ParsedFile:
    parsed = ParsedFile()
    text = decode(data, parsed.problems)
    if text is None:
        return parsed
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        parsed.problems.append(Problem(1, _("the file is empty: it needs a header line and one line per person.")))
        return parsed
    parsed.delimiter = detect_delimiter(lines[0], parsed.problems)
    if parsed.problems:
        return parsed
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=parsed.delimiter, strict=True)
    try:
        header = next(reader)
        parsed.columns = read_header(header, parsed.problems)
        if parsed.problems:
            return parsed
        read_rows(reader, parsed)
    except csv.Error as error:
        parsed.problems.append(Problem(reader.line_num, _("the quotes do not match (%(detail)s).", detail=str(error))))
    find_duplicates(parsed)
    return parsed


def decode(data: bytes, problems: list[Problem]) -> str | None:
    """UTF-8 text (a byte order mark is fine), or None with every line that is not UTF-8 listed."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.append(Problem(1, _("the file is saved as UTF-16. Save it as \"CSV UTF-8\" and upload it again.")))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(Problem(number, _(
                "this line is not UTF-8 text (the file seems saved as Windows-1252 or Latin-1). "
                "Save it as \"CSV UTF-8\" and upload it again.")))
            if len(problems) >= MAX_PROBLEMS_PER_KIND:
                break
    return None


def detect_delimiter(header_line: str, problems: list[Problem]) -> str:
    commas, semicolons = header_line.count(","), header_line.count(";")
    if commas == 0 and semicolons == 0:
        if "\t" in header_line:
            problems.append(Problem(1, _("the columns are separated by tabs. Separate them with commas (,) "
                                         "or semicolons (;), as a CSV export from a spreadsheet does.")))
        else:
            problems.append(Problem(1, _("the header has only one column. Separate the columns with commas (,) "
                                         "or semicolons (;); needed: %(columns)s.",
                                         columns=", ".join(REQUIRED_COLUMNS))))
        return ","
    return ";" if semicolons > commas else ","


def normalise_column(name: str) -> str:
    key = re.sub(r"[\s\-_]+", "_", name.strip().lower()).strip("_")
    return COLUMN_ALIASES.get(key, key)


def read_header(header: list[str], problems: list[Problem]) -> tuple[str, ...]:
    columns = tuple(normalise_column(h) for h in header)
    known = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    for original, column in zip(header, columns):
        if column not in known:
            problems.append(Problem(1, _("unknown column \"%(column)s\". Known columns: %(known)s.",
                                         column=original.strip(), known=", ".join(known))))
    for column in REQUIRED_COLUMNS:
        if column not in columns:
            problems.append(Problem(1, _("the column \"%(column)s\" is missing.", column=column)))
    seen = set()
    for column in columns:
        if column in seen:
            problems.append(Problem(1, _("the column \"%(column)s\" appears twice.", column=column)))
        seen.add(column)
    return columns


def read_rows(reader, parsed: ParsedFile) -> None:
    line = reader.line_num + 1
    for cells in reader:
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        if len(parsed.rows) >= MAX_ROWS:
            parsed.problems.append(Problem(start, _("the file has more than %(n)d people; split it.", n=MAX_ROWS)))
            return
        if len(cells) != len(parsed.columns):
            parsed.problems.append(Problem(start, _(
                "%(found)d values where the header has %(wanted)d columns. A value containing the separator "
                "(%(separator)s) needs double quotes around it.",
                found=len(cells), wanted=len(parsed.columns), separator=parsed.delimiter_name)))
            continue
        values = dict(zip(parsed.columns, (c.strip() for c in cells)))
        parsed.emails.add(values["email"].lower())
        row = read_person(start, values, parsed.problems)
        if row is not None:
            parsed.rows.append(row)


def read_person(line: int, cells: dict[str, str], problems: list[Problem]):
    before = len(problems)
    email = cells["email"].lower()
    if not valid_email(email):
        problems.append(Problem(line, _("\"%(value)s\" is not an e-mail address.", value=cells["email"])))
    name = cells["name"]
    if not name:
        problems.append(Problem(line, _("the name is empty.")))
    elif len(name) > 200:
        problems.append(Problem(line, _("the name is longer than 200 characters.")))
    department = read_department(line, cells, problems)
    manager_email = read_manager(line, cells, email, problems)
    start_date = read_start_date(line, cells, problems)
    roles = read_roles(line, cells, problems)
    if len(problems) > before:
        return None
    given = frozenset(c for c in OPTIONAL_COLUMNS if c in cells)
    return PersonRow(line, email, name, department or None, manager_email or None, start_date,
                     roles or frozenset({"employee"}), given)


def read_department(line, cells, problems) -> str | None:
    if "department" not in cells:
        return None
    if len(cells["department"]) > 120:
        problems.append(Problem(line, _("the department name is longer than 120 characters.")))
    return cells["department"]


def read_manager(line, cells, email, problems) -> str | None:
    if "manager_email" not in cells:
        return None
    manager = cells["manager_email"].lower()
    if manager and not valid_email(manager):
        problems.append(Problem(line, _("the manager's e-mail \"%(value)s\" is not an e-mail address.",
                                        value=cells["manager_email"])))
    elif manager and manager == email:
        problems.append(Problem(line, _("a person cannot be their own manager.")))
    return manager


def read_start_date(line, cells, problems) -> date | None:
    if "start_date" not in cells or not cells["start_date"]:
        return None
    value = parse_date(cells["start_date"])
    if value is None:
        problems.append(Problem(line, _("the start date \"%(value)s\" is not a date. Write it as YYYY-MM-DD, "
                                        "for example 2026-03-01.", value=cells["start_date"])))
    return value


def parse_date(text: str) -> date | None:
    dutch = DUTCH_DATE.match(text)
    if dutch:
        text = f"{dutch.group(3)}-{dutch.group(2)}-{dutch.group(1)}"
    if not ISO_DATE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def read_roles(line, cells, problems) -> frozenset[str] | None:
    if "roles" not in cells:
        return None
    roles = {r.lower() for r in re.split(r"[,;|\s]+", cells["roles"]) if r}
    unknown = sorted(roles - set(ROLES))
    if unknown:
        problems.append(Problem(line, _("unknown role \"%(role)s\". Known roles: %(known)s.",
                                        role=", ".join(unknown), known=", ".join(ROLES))))
    return frozenset(roles | {"employee"})


def find_duplicates(parsed: ParsedFile) -> None:
    first_line: dict[str, int] = {}
    kept = []
    for row in parsed.rows:
        if row.email in first_line:
            parsed.problems.append(Problem(row.line, _("%(email)s is already on line %(first)d.",
                                                       email=row.email, first=first_line[row.email])))
        else:
            first_line[row.email] = row.line
            kept.append(row)
    parsed.rows = kept


# -- comparing with the people already known ------------------------------------------------------

def check_managers(rows: list[PersonRow], known: dict[str, Known], in_file: set[str] | None = None) -> list[Problem]:
    """Every manager exists (in the file or already), and nobody ends up managing themselves.
    `in_file`: every address in the file, including lines with other problems."""
    problems = []
    in_file = (in_file or set()) | {row.email for row in rows}
    for row in rows:
        if row.manager_email and row.manager_email not in in_file and row.manager_email not in known:
            problems.append(Problem(row.line, _("the manager %(email)s is neither in this file nor among the "
                                                "people already known.", email=row.manager_email)))
    problems.extend(find_manager_cycles(rows, known))
    return problems


def find_manager_cycles(rows: list[PersonRow], known: dict[str, Known]) -> list[Problem]:
    manager_of = {email: k.manager_email for email, k in known.items()}
    for row in rows:
        if "manager_email" in row.given:
            manager_of[row.email] = row.manager_email
    problems, reported = [], set()
    for row in rows:
        chain, email = [row.email], manager_of.get(row.email)
        while email and email not in chain and len(chain) <= len(manager_of):
            chain.append(email)
            email = manager_of.get(email)
        if email == row.email and row.email not in reported:
            reported.update(chain)
            problems.append(Problem(row.line, _("the managers go round in a circle: %(chain)s.",
                                                chain=" → ".join(chain + [row.email]))))
    return problems


def check_grants(rows: list[PersonRow], known: dict[str, Known], grantable: frozenset[str],
                 importer_email: str | None) -> list[Problem]:
    """Roles the importer may not give (core/people_rules.py), and a change of their own roles.
    Roles the file leaves out that the importer may not take away simply stay."""
    problems = []
    for row in rows:
        if "roles" not in row.given:
            continue
        current = known.get(row.email)
        held = current.roles if current is not None else frozenset({"employee"})
        refused = sorted((row.roles - held) - grantable)
        if refused:
            problems.append(Problem(row.line, _("only an admin can give the role %(roles)s.",
                                                roles=", ".join(refused))))
        elif (current is not None and row.email == importer_email
              and roles_after_import(held, row.roles, grantable) != held):
            problems.append(Problem(row.line, _("you cannot change your own roles; ask an admin.")))
    return problems


def plan_import(rows: list[PersonRow], known: dict[str, Known], *,
                grantable: frozenset[str] = HR_GRANTS) -> Plan:
    plan = Plan()
    for row in rows:
        current = known.get(row.email)
        if current is None:
            plan.new.append(row)
            continue
        changes = differences(row, current, grantable)
        if changes:
            plan.changed.append((row, changes))
        else:
            plan.unchanged.append(row)
    return plan


def resulting_roles(row: PersonRow, current: Known | None, grantable: frozenset[str]) -> frozenset[str] | None:
    """The roles after import: the file sets those the importer may grant; the rest stay."""
    if "roles" not in row.given:
        return None
    held = current.roles if current is not None else frozenset({"employee"})
    return roles_after_import(held, row.roles, grantable)


def differences(row: PersonRow, current: Known, grantable: frozenset[str]) -> list[tuple[str, str, str]]:
    """(field, before, after) for each field the file changes."""
    changes = []

    def compare(label, column, before, after):
        if (column is None or column in row.given) and before != after:
            changes.append((label, str(before or "—"), str(after or "—")))

    compare("name", None, current.name, row.name)
    compare("department", "department", current.department, row.department)
    compare("manager", "manager_email", current.manager_email, row.manager_email)
    compare("start_date", "start_date", current.start_date, row.start_date)
    roles = resulting_roles(row, current, grantable)
    if roles is not None and roles != current.roles:
        changes.append(("roles", ", ".join(sorted(current.roles)), ", ".join(sorted(roles))))
    return changes

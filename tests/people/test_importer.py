"""Reading a people CSV: pure rules, no database."""
from datetime import date

from advocacy.core.people_rules import ALL_ROLES, HR_GRANTS
from advocacy.people.csv_check import Known, check_grants, check_managers, plan_import, read_people_csv

HEADER = "email,name,department,manager_email,start_date,roles\n"


def lines_of(parsed_or_problems):
    problems = getattr(parsed_or_problems, "problems", parsed_or_problems)
    return [p.line for p in problems]


def test_a_good_file_is_read_with_every_field():
    parsed = read_people_csv((HEADER + "Ann@Example.com, Ann Jansen ,Sales,,2026-01-05,manager hr\n"
                                       "bo@example.com,Bo,Sales,ann@example.com,01-03-2026,\n").encode())
    assert parsed.problems == []
    ann, bo = parsed.rows
    assert (ann.email, ann.name, ann.department, ann.start_date) == ("ann@example.com", "Ann Jansen", "Sales",
                                                                     date(2026, 1, 5))
    assert ann.roles == {"employee", "manager", "hr"}
    assert bo.manager_email == "ann@example.com" and bo.start_date == date(2026, 3, 1) and bo.roles == {"employee"}


def test_a_byte_order_mark_and_semicolons_are_fine_and_the_separator_is_named():
    data = "\ufeffemail;name;department\r\nann@example.com;Ann;Sales, North\r\n".encode("utf-8")
    parsed = read_people_csv(data)
    assert parsed.problems == [] and parsed.delimiter == ";"
    assert parsed.rows[0].department == "Sales, North"
    assert "semicolons" in parsed.delimiter_name


def test_every_problem_is_listed_with_its_line():
    data = (HEADER
            + "not-an-email,Ann,Sales,,2026-01-05,\n"          # 2 bad e-mail
            + "bo@example.com,Bo,Sales,,2026-01-05,wizard\n"   # 3 unknown role
            + "cy@example.com,Cy,Sales,,31/02/2026,\n"          # 4 not a date
            + "di@example.com,Di,Sales,di@example.com,,\n"      # 5 own manager
            + "bo@example.com,Bo again,Sales,,,\n"             # 6 duplicate of 3 (3 was bad, still a duplicate)
            + "ed@example.com,,Sales,,,\n"                      # 7 no name
            + "fa@example.com,Fa,Sales\n"                       # 8 too few values
            + "ga@example.com,Ga,Sales,,2026-02-30,\n")         # 9 impossible date
    parsed = read_people_csv(data.encode())
    assert lines_of(parsed) == [2, 3, 4, 5, 7, 8, 9]
    text = "\n".join(str(p) for p in parsed.problems)
    assert "Line 2:" in text and "not-an-email" in text
    assert "wizard" in text and "31/02/2026" in text and "own manager" in text
    assert "Line 8:" in text and "3 values" in text


def test_a_duplicate_row_names_the_first_line():
    parsed = read_people_csv((HEADER + "ann@example.com,Ann,,,,\nbo@example.com,Bo,,,,\nANN@example.com,Ann,,,,\n").encode())
    assert [str(p) for p in parsed.problems] == ["Line 4: ann@example.com is already on line 2."]


def test_a_file_that_is_not_utf8_names_each_bad_line():
    data = (HEADER + "ann@example.com,Ann,Sales,,,\n" + "jose@example.com,José,Ventas,,,\n").encode("cp1252")
    parsed = read_people_csv(data)
    assert lines_of(parsed) == [3]
    assert "UTF-8" in str(parsed.problems[0])


def test_utf16_is_recognised():
    parsed = read_people_csv((HEADER + "ann@example.com,Ann,,,,\n").encode("utf-16"))
    assert "UTF-16" in str(parsed.problems[0])


def test_tabs_and_a_single_column_are_explained():
    tabs = read_people_csv(b"email\tname\nann@example.com\tAnn\n")
    assert "tabs" in str(tabs.problems[0])
    single = read_people_csv(b"email\nann@example.com\n")
    assert "only one column" in str(single.problems[0])


def test_missing_and_unknown_columns_are_named():
    parsed = read_people_csv(b"email,full_name_x,departmnet\nann@example.com,Ann,Sales\n")
    text = " ".join(str(p) for p in parsed.problems)
    assert 'unknown column "departmnet"' in text and 'the column "name" is missing' in text
    assert parsed.rows == []


def test_headers_are_forgiving_about_case_and_spaces():
    parsed = read_people_csv(b"E-mail,Name,Manager Email,Start Date\nann@example.com,Ann,,2026-01-01\n")
    assert parsed.problems == [] and parsed.columns == ("email", "name", "manager_email", "start_date")


def test_only_an_admin_may_give_the_admin_role():
    rows = read_people_csv((HEADER + "ann@example.com,Ann,,,,admin\n").encode()).rows
    assert "only an admin" in str(check_grants(rows, {}, HR_GRANTS, "hr@example.com")[0])
    assert check_grants(rows, {}, ALL_ROLES, "admin@example.com") == []


def known(email, manager=None, **fields):
    values = dict(name=email.split("@")[0], department=None, start_date=None, roles=frozenset({"employee"}))
    values.update(fields)
    return Known(email=email, manager_email=manager, **values)


def test_a_manager_must_be_in_the_file_or_known():
    parsed = read_people_csv((HEADER + "ann@example.com,Ann,,boss@example.com,,\n"
                                       "bo@example.com,Bo,,ann@example.com,,\n"
                                       "cy@example.com,Cy,,ghost@example.com,,\n").encode())
    problems = check_managers(parsed.rows, {"boss@example.com": known("boss@example.com")})
    assert lines_of(problems) == [4] and "ghost@example.com" in str(problems[0])


def test_manager_cycles_are_found_within_the_file_and_through_the_database():
    parsed = read_people_csv((HEADER + "ann@example.com,Ann,,bo@example.com,,\n"
                                       "bo@example.com,Bo,,ann@example.com,,\n").encode())
    problems = check_managers(parsed.rows, {})
    assert len(problems) == 1 and "circle" in str(problems[0])
    # cy is in the database managed by dee; the file makes dee report to cy
    parsed = read_people_csv((HEADER + "dee@example.com,Dee,,cy@example.com,,\n").encode())
    problems = check_managers(parsed.rows, {"cy@example.com": known("cy@example.com", "dee@example.com"),
                                            "dee@example.com": known("dee@example.com")})
    assert lines_of(problems) == [2]


def test_the_plan_sorts_people_into_new_changed_and_unchanged():
    parsed = read_people_csv((HEADER + "ann@example.com,Ann,Sales,,2026-01-05,\n"
                                       "bo@example.com,Bo,Sales,,,manager\n"
                                       "cy@example.com,Cy,,,,\n").encode())
    plan = plan_import(parsed.rows, {
        "ann@example.com": known("ann@example.com", name="Ann", department="Sales", start_date=date(2026, 1, 5)),
        "bo@example.com": known("bo@example.com", name="Bo", department="Marketing"),
    })
    assert [r.email for r in plan.new] == ["cy@example.com"]
    assert [r.email for r in plan.unchanged] == ["ann@example.com"]
    (row, changes), = plan.changed
    assert row.email == "bo@example.com"
    assert ("department", "Marketing", "Sales") in changes
    assert ("roles", "employee", "employee, manager") in changes


def test_a_missing_optional_column_leaves_the_field_alone_and_an_admin_keeps_admin():
    parsed = read_people_csv(b"email,name,roles\nann@example.com,Ann,hr\n")
    plan = plan_import(parsed.rows, {"ann@example.com": known("ann@example.com", name="Ann", department="Sales",
                                                              roles=frozenset({"employee", "hr", "admin"}))})
    assert plan.unchanged and not plan.changed

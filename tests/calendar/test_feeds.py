"""Calendar files: every answer is parsed with the icalendar parser, and checked as a calendar app
would see it (which events, their UIDs, days, zones, sequence, texts, links)."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import icalendar
import pytest

from advocacy.core.db import db
from advocacy.learning.models.calendar import CalendarFeed
from advocacy.learning.services.due_dates import set_due_date

from ..access import Row, cases, check
from ..conftest import login
from ..courses.factories import certify, standard_tree, synced

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
AMSTERDAM = "Europe/Amsterdam"


@pytest.fixture
def world(app, world, tmp_path, frozen):
    frozen(NOW)
    synced(app, standard_tree(tmp_path / "content"))
    world["token"] = make_address(app, world["employee"])
    return world


def make_address(app, person) -> str:
    with app.test_request_context():
        from advocacy.learning.services.calendar import renew_address

        raw = renew_address(person)
    db.session.commit()
    return raw


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/calendar"
    return icalendar.Calendar.from_ical(response.data)


def events(cal) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def address_from(html: str) -> str:
    return re.search(r"<code>(http[^<]+)</code>", html).group(1).removeprefix("http://advocacy.test")


ACCESS = [
    Row("GET", lambda w: f"/calendar/{w['token']}.ics", rule="/calendar/<token>.ics", anon=200, employee=200,
        hr=200, admin=200),
    Row("GET", "/calendar/not-a-token.ics", rule="/calendar/<token>.ics", anon=404, employee=404, hr=404, admin=404),
    Row("GET", "/calendar/" + "x" * 5000 + ".ics", rule="/calendar/<token>.ics", anon=404),
    Row("GET", "/learn/calendar.ics", anon=302, employee=200, manager=200, hr=200, marketing=200, reviewer=200,
        admin=200),
    Row("GET", "/learn/calendar", anon=302, employee=200, manager=200, hr=200, marketing=200, reviewer=200, admin=200),
    Row("POST", "/learn/calendar", anon=302, employee=200, manager=200, hr=200, marketing=200, reviewer=200, admin=200),
    Row("GET", lambda w: f"/hr/departments/{w['employee'].department_id}/calendar.ics",
        rule="/hr/departments/<int:department_id>/calendar.ics",
        anon=302, employee=403, manager=403, hr=200, marketing=403, reviewer=403, admin=200),
    Row("GET", "/hr/departments/999999/calendar.ics", rule="/hr/departments/<int:department_id>/calendar.ics",
        employee=403, hr=404, admin=404),
    Row("GET", "/team/calendar.ics", anon=302, employee=403, manager=200, hr=403, marketing=403, reviewer=403,
        admin=403),
]


@pytest.mark.parametrize("row,role", cases(ACCESS))
def test_access(client, world, row, role):
    check(client, world, row, role)


def test_own_feed_has_the_due_day_all_day_and_the_expiry_at_its_moment(client, employee, frozen, app, tmp_path):
    frozen(NOW)
    synced(app, standard_tree(tmp_path / "content"))
    set_due_date(employee, "basic", date(2026, 4, 15))
    db.session.commit()
    login(client, employee)
    cal = parse(client.get("/learn/calendar.ics"))
    assert str(cal["X-WR-CALNAME"]) == "Social media training: Emma Employee"
    due = events(cal)[f"due-basic-{employee.id}-me@advocacy.test"]
    assert due.decoded("DTSTART") == date(2026, 4, 15)          # a day: all-day
    assert due.decoded("DTEND") == date(2026, 4, 16)
    assert str(due["SUMMARY"]) == "Basic course due"
    assert str(due["URL"]) == "http://advocacy.test/courses/basic"
    assert "http://advocacy.test/courses/basic" in str(due["DESCRIPTION"])
    alarm = due.walk("VALARM")[0]
    assert alarm.decoded("TRIGGER") == -timedelta(days=3)
    assert len(events(cal)) == 1, "nothing for tiers that have not opened"

    certify(employee, "basic", datetime(2026, 3, 1, 12, 30, tzinfo=timezone.utc),
            expires_at=datetime(2027, 3, 1, 12, 30, tzinfo=timezone.utc))
    db.session.commit()
    cal = parse(client.get("/learn/calendar.ics"))
    found = events(cal)
    assert f"due-basic-{employee.id}-me@advocacy.test" not in found, "a tier held is not due"
    expiry = found[f"expiry-basic-{employee.id}-me@advocacy.test"]
    start = expiry.decoded("DTSTART")
    assert start.tzinfo is not None and str(expiry["DTSTART"].params["TZID"]) == AMSTERDAM
    assert start == datetime(2027, 3, 1, 12, 30, tzinfo=timezone.utc)
    assert start.utcoffset() == timedelta(hours=1)                 # 13:30 in Amsterdam, winter time
    assert [str(z["TZID"]) for z in cal.walk("VTIMEZONE")] == [AMSTERDAM]
    assert expiry.decoded("LAST-MODIFIED") == datetime(2026, 3, 1, 12, 30, tzinfo=timezone.utc)


def test_an_expiry_that_moved_keeps_its_uid_with_a_higher_sequence(client, employee, frozen, app, tmp_path):
    frozen(NOW)
    synced(app, standard_tree(tmp_path / "content"))
    cert = certify(employee, "basic", datetime(2025, 3, 10, tzinfo=timezone.utc))
    db.session.commit()
    login(client, employee)
    uid = f"expiry-basic-{employee.id}-me@advocacy.test"
    before = events(parse(client.get("/learn/calendar.ics")))[uid]
    assert parse(client.get("/learn/calendar.ics")).to_ical() == parse(client.get("/learn/calendar.ics")).to_ical()

    frozen(NOW + timedelta(days=2))
    cert.passed_at, cert.expires_at = NOW + timedelta(days=1), NOW + timedelta(days=366)  # renewed (as a pass does)
    db.session.commit()
    after = events(parse(client.get("/learn/calendar.ics")))[uid]
    assert after.decoded("DTSTART") > before.decoded("DTSTART")
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after.decoded("LAST-MODIFIED") > before.decoded("LAST-MODIFIED")


def test_the_feed_is_in_the_persons_language_without_a_session(app, employee, other_employee, frozen, tmp_path):
    frozen(NOW)
    synced(app, standard_tree(tmp_path / "content"))
    employee.language = "nl"
    db.session.commit()
    raw = make_address(app, employee)
    anonymous = app.test_client()
    cal = parse(anonymous.get(f"/calendar/{raw}.ics"))
    assert str(cal["X-WR-CALNAME"]) == "Socialemediatraining: Emma Employee"
    (event,) = events(cal).values()
    assert str(event["SUMMARY"]) == "Uiterste datum cursus Basis"
    assert "Otto" not in cal.to_ical().decode(), "only this person's dates"


def test_renewing_the_address_stops_the_old_one(client, employee, other_employee, app, frozen, tmp_path):
    frozen(NOW)
    synced(app, standard_tree(tmp_path / "content"))
    login(client, employee)
    page = client.get("/learn/calendar").get_data(as_text=True)
    assert "Make my address" in page
    first = address_from(client.post("/learn/calendar").get_data(as_text=True))
    anonymous = app.test_client()
    assert "Emma Employee" in str(parse(anonymous.get(first))["X-WR-CALNAME"])
    second = address_from(client.post("/learn/calendar").get_data(as_text=True))
    assert second != first
    assert anonymous.get(first).status_code == 404
    assert anonymous.get(second).status_code == 200
    stored = db.session.get(CalendarFeed, employee.id)
    assert second.split("/")[-1].removesuffix(".ics") not in stored.token_hash, "only the hash is kept"
    assert "You made your address on" in client.get("/learn/calendar").get_data(as_text=True)

    other = make_address(app, other_employee)
    assert "Otto Other" in str(parse(anonymous.get(f"/calendar/{other}.ics"))["X-WR-CALNAME"])


def test_renewing_without_csrf_changes_nothing(client, employee, csrf_on, app):
    raw = make_address(app, employee)
    login(client, employee)
    assert client.post("/learn/calendar").status_code == 400
    assert app.test_client().get(f"/calendar/{raw}.ics").status_code == 200


def test_a_leavers_feed_answers_404(app, employee):
    raw = make_address(app, employee)
    anonymous = app.test_client()
    assert anonymous.get(f"/calendar/{raw}.ics").status_code == 200
    employee.active = False
    db.session.commit()
    assert anonymous.get(f"/calendar/{raw}.ics").status_code == 404


def test_hr_gets_a_department_with_names_and_a_manager_only_their_team(client, world, app):
    employee, other, manager = world["employee"], world["other_employee"], world["manager"]
    from ..factories import create_department, create_user

    elsewhere = create_user("elsewhere@example.com", "Elsa Elsewhere", department=create_department("Sales"))
    db.session.commit()
    login(client, world["hr"])
    cal = parse(client.get(f"/hr/departments/{employee.department_id}/calendar.ics"))
    summaries = sorted(str(e["SUMMARY"]) for e in cal.walk("VEVENT"))
    assert summaries == ["Emma Employee: Basic course due", "Max Manager: Basic course due",
                         "Otto Other: Basic course due"]
    uids = set(events(cal))
    assert f"due-basic-{employee.id}-department{employee.department_id}@advocacy.test" in uids
    assert elsewhere.name not in cal.to_ical().decode()
    link = str(events(cal)[f"due-basic-{employee.id}-department{employee.department_id}@advocacy.test"]["URL"])
    assert link == f"http://advocacy.test/people/{employee.id}/transcript"
    assert "Calendar file of this department" in client.get(
        f"/hr?department={employee.department_id}").get_data(as_text=True)

    client.get("/logout")
    login(client, manager)
    team = parse(client.get("/team/calendar.ics"))
    assert [str(e["SUMMARY"]) for e in team.walk("VEVENT")] == ["Emma Employee: Basic course due"]
    assert other.name not in team.to_ical().decode()

    client.get("/logout")
    login(client, employee)
    assert client.get(f"/hr/departments/{employee.department_id}/calendar.ics").status_code == 403
    assert client.get("/team/calendar.ics").status_code == 403

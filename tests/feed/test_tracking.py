"""Tracked links: counted once per visitor and day, never for bots, always to the stored link."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import event, func, inspect, select

from advocacy.core.db import db
from advocacy.feed import posts as post_service
from advocacy.feed.models import Click
from advocacy.feed.sharing import record_share

from ..conftest import START, login
from .factories import certify, create_live_post, post_values

BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"
EXPECTED = ("https://www.example.com/news/spring?ref=home&utm_source=linkedin&utm_medium=employee_advocacy"
            "&utm_campaign=spring-event")


@pytest.fixture
def link(employee, marketing, reviewer, frozen):
    frozen(START)
    certify(employee)
    post = create_live_post(marketing, reviewer)
    share, _, _ = record_share(post, employee.id, "linkedin", START)
    db.session.commit()
    return share.link


def click(client, link, agent=BROWSER, address="198.51.100.7", method="GET"):
    return client.open(f"/r/{link.code}", method=method, headers={"User-Agent": agent},
                       environ_base={"REMOTE_ADDR": address})


def clicks() -> int:
    return db.session.scalar(select(func.count(Click.id)))


def test_one_click_is_counted_once_and_lands_on_the_stored_link_with_utm(client, link):
    response = click(client, link)
    assert response.status_code == 302 and response.headers["Location"] == EXPECTED
    assert clicks() == 1
    assert click(client, link).headers["Location"] == EXPECTED
    assert clicks() == 1


def test_a_linkedin_preview_and_a_second_click_within_the_hour_are_not_counted(client, link, frozen):
    assert click(client, link, agent="LinkedInBot/1.0 (compatible; Mozilla/5.0; +http://www.linkedin.com)"
                 ).status_code == 302
    assert clicks() == 0
    click(client, link)
    frozen(START + timedelta(minutes=40))
    click(client, link)
    assert clicks() == 1


def test_head_requests_and_empty_user_agents_are_not_counted(client, link):
    assert click(client, link, method="HEAD").status_code == 302
    assert click(client, link, agent="").status_code == 302
    assert clicks() == 0


def test_different_visitors_each_count(client, link):
    click(client, link, address="198.51.100.7")
    click(client, link, address="198.51.100.8")
    click(client, link, address="198.51.100.7", agent=BROWSER + " other")
    assert clicks() == 3


def test_the_same_visitor_counts_once_in_24_hours_even_across_midnight(client, link, frozen):
    frozen(START.replace(hour=23, minute=30))
    click(client, link)
    frozen(START.replace(hour=23, minute=30) + timedelta(hours=1))   # after midnight, a new daily key
    click(client, link)
    assert clicks() == 1
    frozen(START.replace(hour=23, minute=30) + timedelta(hours=24, minutes=1))
    click(client, link)
    assert clicks() == 2


def test_no_raw_address_is_stored(client, link):
    click(client, link, address="203.0.113.99")
    row = db.session.execute(select(Click.__table__)).one()
    assert all("203.0.113.99" not in str(value) for value in row)
    assert {c["name"] for c in inspect(db.engine).get_columns("click")} == {"id", "link_id", "visitor", "day",
                                                                            "clicked_at"}


def test_unknown_and_malformed_codes_are_not_found(client, link):
    assert client.get("/r/AAAAAAAAAAAAAAAA").status_code == 404
    assert client.get("/r/x").status_code == 404
    assert client.get("/r/" + link.code + "%27").status_code == 404


def test_a_withdrawn_post_shows_a_plain_no_longer_available_page(client, link, reviewer):
    post_service.withdraw_post(link.post, reviewer, START)
    db.session.commit()
    response = click(client, link)
    assert response.status_code == 410 and "no longer available" in response.get_data(as_text=True)
    assert "Location" not in response.headers and clicks() == 0


def test_an_expired_post_still_redirects(client, employee, marketing, reviewer, frozen):
    frozen(START)
    certify(employee)
    post = create_live_post(marketing, reviewer, expires_at=START + timedelta(hours=1))
    share, _, _ = record_share(post, employee.id, "x", START)
    db.session.commit()
    frozen(START + timedelta(days=3))
    response = click(client, share.link)
    assert response.status_code == 302 and response.headers["Location"].startswith("https://www.example.com/")
    assert clicks() == 1


def test_an_edit_waiting_for_review_does_not_change_where_links_go(client, link, marketing):
    post_service.edit_post(link.post, post_values(link="https://evil.example/"), marketing, 1, START)
    db.session.commit()
    assert click(client, link).headers["Location"] == EXPECTED


def test_the_redirect_loads_no_user_and_makes_one_lookup_and_one_insert(client, link, employee):
    login(client, employee)   # even with a session cookie, nobody is loaded
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement.split()[0].upper())

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = click(client, link)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 302
    assert statements == ["SELECT", "INSERT"], statements
    assert "Set-Cookie" not in response.headers


def test_concurrent_clicks_are_neither_duplicated_nor_lost(app, link):
    url, barrier = f"/r/{link.code}", threading.Barrier(8)
    codes = []

    def visit(address):
        with app.app_context():
            client = app.test_client()
            barrier.wait()
            codes.append(client.get(url, headers={"User-Agent": BROWSER},
                                    environ_base={"REMOTE_ADDR": address}).status_code)

    addresses = ["198.51.100.1"] * 4 + [f"198.51.100.{n}" for n in range(2, 6)]
    threads = [threading.Thread(target=visit, args=(a,)) for a in addresses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes == [302] * 8
    assert clicks() == 5   # four taps of one visitor count once; four other visitors count each

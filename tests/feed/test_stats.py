"""Counts for reports and goals: shares and clicks per post, network and department."""
from datetime import timedelta

from advocacy.learning.goals import measured_value
from advocacy.core.db import db
from advocacy.feed import stats
from advocacy.feed.sharing import record_share
from advocacy.feed.tracking import count_click

from ..conftest import START
from ..factories import create_department, create_user
from .factories import create_goal, create_live_post


def test_shares_and_clicks_add_up_per_post_network_and_department(employee, other_employee, marketing, reviewer,
                                                                   frozen):
    frozen(START)
    sales = create_department("Sales")
    seller = create_user("seller@example.com", department=sales)
    first = create_live_post(marketing, reviewer, title="First")
    second = create_live_post(marketing, reviewer, title="Second")
    shares = [record_share(first, employee.id, "linkedin", START)[0],
              record_share(first, seller.id, "x", START)[0],
              record_share(second, seller.id, "x", START)[0]]
    for address in ("a", "b", "c"):
        count_click(shares[0].link_id, "key", address, "Firefox", START)
    count_click(shares[1].link_id, "key", "a", "Firefox", START)
    db.session.commit()

    assert stats.totals_by_post() == {first.id: {"shares": 2, "clicks": 4}, second.id: {"shares": 1, "clicks": 0}}
    assert stats.totals_by_network() == {"linkedin": {"shares": 1, "clicks": 3}, "x": {"shares": 2, "clicks": 1}}
    assert stats.totals_by_department() == {employee.department_id: {"shares": 1, "clicks": 3},
                                            sales.id: {"shares": 2, "clicks": 1}}
    assert [r["title"] for r in stats.posts_with_totals()] == ["First", "Second"]
    assert stats.sharer_ids() == {employee.id, seller.id}
    assert stats.count_shares(START + timedelta(seconds=1)) == 0 and stats.count_clicks(until=START) == 0


def test_the_shares_and_clicks_goals_count_the_last_30_days(employee, marketing, reviewer, frozen):
    frozen(START)
    post = create_live_post(marketing, reviewer)
    old = record_share(post, employee.id, "x", START - timedelta(days=40))[0]
    count_click(old.link_id, "key", "a", "Firefox", START - timedelta(days=40))
    new = record_share(post, employee.id, "linkedin", START - timedelta(days=1))[0]
    count_click(new.link_id, "key", "a", "Firefox", START - timedelta(days=1))
    count_click(new.link_id, "key", "b", "Firefox", START - timedelta(days=1))
    db.session.commit()
    assert measured_value(create_goal(slug="s", measure="shares"), START) == 1
    assert measured_value(create_goal(slug="c", measure="clicks"), START) == 2

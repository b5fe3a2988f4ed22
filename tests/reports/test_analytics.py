"""Marketing analytics: shares and clicks per post, network and department; participation;
training joined to sharing; goals against their baseline."""
from __future__ import annotations

import csv
import io
import itertools
from datetime import date, timedelta

import pytest

from advocacy.learning.models.goals import Goal, GoalMeasurement
from advocacy.core.db import db as _db
from advocacy.feed.models import Click
from advocacy.feed.sharing import record_share
from advocacy.reports import analytics
from advocacy.reports.analytics import Period

from ..conftest import START, login
from ..factories import create_department, create_user
from ..feed.factories import create_live_post
from .factories import create_certification
from .test_dashboard import counted_queries

visitors = itertools.count()


def share(person, post, network, when):
    link = record_share(post, person.id, network, when)[0].link
    return link


def click(link, when, times=1):
    for _ in range(times):
        _db.session.add(Click(link_id=link.id, visitor=f"visitor-{next(visitors)}", day=when.date(), clicked_at=when))
    _db.session.flush()


def goal(slug, measure, baseline, target):
    row = Goal(slug=slug, name=slug.title(), kpi=f"{slug} KPI", measure=measure, baseline=baseline,
               baseline_date=date(2026, 1, 1), target=target)
    _db.session.add(row)
    _db.session.flush()
    return row


@pytest.fixture
def shop(db, frozen, marketing, reviewer):
    """Sales shares and gets clicks; Finance is trained but silent; Support shares while its
    certifications have lapsed."""
    frozen(START)
    sales, finance, support = (create_department(n) for n in ("Sales", "Finance", "Support"))
    s1, s2 = (create_user(f"s{i}@example.com", f"Sales {i}", department=sales) for i in (1, 2))
    f1 = create_user("f1@example.com", "Finance 1", department=finance)
    p1, p2 = (create_user(f"p{i}@example.com", f"Support {i}", department=support) for i in (1, 2))
    for person in (s1, s2, f1):
        create_certification(person, "basic", passed_at=START - timedelta(days=60))
    create_certification(p1, "basic", passed_at=START - timedelta(days=400), expires_at=START - timedelta(days=5))
    post_a = create_live_post(marketing, reviewer, title="Spring event")
    post_b = create_live_post(marketing, reviewer, title="We are hiring")
    click(share(s1, post_a, "linkedin", START - timedelta(days=2)), START - timedelta(days=1), times=3)
    click(share(s2, post_a, "x", START - timedelta(days=3)), START - timedelta(days=1))
    share(p1, post_b, "facebook", START - timedelta(days=10))
    old = share(s1, post_b, "linkedin", START - timedelta(days=45))
    click(old, START - timedelta(days=44), times=5)
    goal("advocates", "advocates", 0, 10)
    goal("clicks", "clicks", 1, 9)
    reach = goal("reach", None, 1000, 3000)
    _db.session.add(GoalMeasurement(goal_id=reach.id, value=1500, measured_on=date(2026, 2, 1)))
    _db.session.commit()
    return {"post_a": post_a, "post_b": post_b, "sales": sales, "finance": finance, "support": support}


def test_headline_numbers_and_participation(shop):
    numbers = analytics.headline(Period(30, START))
    assert numbers == {"certified": 3, "advocates": 2, "participation": 67, "shares": 3, "clicks": 4,
                       "click_rate": 1.3}
    assert analytics.headline(Period(90, START))["clicks"] == 9


def test_by_network_and_by_post(shop):
    networks = {r["key"]: r for r in analytics.by_network(Period(30, START))}
    assert networks["linkedin"] == {"key": "linkedin", "shares": 1, "clicks": 3, "click_rate": 3.0}
    assert networks["facebook"]["shares"] == 1 and networks["facebook"]["clicks"] == 0
    posts = analytics.by_post(Period(30, START))
    assert [(p["title"], p["shares"], p["clicks"]) for p in posts] == [("Spring event", 2, 4), ("We are hiring", 1, 0)]


def test_training_joined_to_sharing_by_department(shop):
    rows = {r["department"]: r for r in analytics.by_department(Period(30, START))}
    assert (rows["Sales"]["certified"], rows["Sales"]["sharing"], rows["Sales"]["clicks"]) == (2, 2, 4)
    assert rows["Sales"]["gap"] is None
    assert rows["Finance"]["gap"] == "trained_not_sharing"
    assert rows["Support"]["gap"] == "sharing_ahead_of_training" and rows["Support"]["sharing_percent"] == 50


def test_goals_against_their_baseline(shop):
    goals = {row["goal"].slug: row for row in analytics.goal_progress(START)}
    assert (goals["advocates"]["value"], goals["advocates"]["progress"], goals["advocates"]["measured"]) == (2, 20, True)
    assert (goals["clicks"]["value"], goals["clicks"]["progress"]) == (4, 38)
    assert (goals["reach"]["value"], goals["reach"]["measured"], goals["reach"]["progress"]) == (1500, False, 25)


def test_marketing_sees_a_posts_clicks_by_department(client, shop, marketing):
    login(client, marketing)
    html = client.get("/analytics").get_data(as_text=True)
    assert "Spring event" in html and "trained, nobody shares" in html and "sharing ahead of training" in html
    assert html.count("<svg") >= 4 and "style=" not in html.split("<main")[1]
    assert "Advocates" in html and "20%" in html
    page = client.get(f"/analytics/posts/{shop['post_a'].id}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "By department" in body
    assert '<th scope="row">Sales</th><td class="num">2</td><td class="num">4</td>' in body
    csv_text = client.get(f"/analytics/posts/{shop['post_a'].id}.csv").data.decode("utf-8-sig")
    assert ["department", "Sales", "2", "4", "2.0"] in list(csv.reader(io.StringIO(csv_text)))
    assert client.get("/analytics/posts/999999").status_code == 404


def test_the_period_is_chosen_from_a_fixed_list(client, shop, marketing):
    login(client, marketing)
    assert "Shares" in client.get("/analytics?days=90").get_data(as_text=True)
    assert "The last 30 days" in client.get("/analytics?days=-5").get_data(as_text=True)


@pytest.mark.parametrize("table", ["networks", "departments", "posts", "goals"])
def test_every_analytics_table_exports(client, shop, marketing, table):
    login(client, marketing)
    response = client.get(f"/analytics/export/{table}.csv")
    assert response.status_code == 200 and response.data.startswith(b"\xef\xbb\xbf")
    assert len(list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))) >= 2


def more_sharing(shop, n, offset):
    for i in range(n):
        person = create_user(f"extra{offset + i}@example.com", f"Extra {i}", department=shop["sales"], password=None)
        create_certification(person, "basic", passed_at=START - timedelta(days=30))
        click(share(person, shop["post_a"], "whatsapp", START - timedelta(days=1)), START - timedelta(hours=3))
    _db.session.commit()


@pytest.mark.parametrize("path", ["/analytics", "/analytics/posts/{post}", "/analytics/export/departments.csv"])
def test_analytics_queries_do_not_grow_with_people_and_shares(client, shop, marketing, path):
    login(client, marketing)
    url = path.format(post=shop["post_a"].id)
    client.get(url)
    with counted_queries() as small:
        assert client.get(url).status_code == 200
    more_sharing(shop, 30, 0)
    with counted_queries() as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small)

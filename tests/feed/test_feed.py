"""The employee's feed: who sees what, when, and on a phone."""
from datetime import timedelta

import pytest
from sqlalchemy import event

from advocacy.learning.models.progress import PolicyAcknowledgement
from advocacy.learning.models.policy import PolicyVersion
from advocacy.core.db import db
from advocacy.feed.models import Post
from advocacy.core.images import store_image

from ..conftest import START, login
from ..factories import create_department
from .factories import certify, create_goal, create_live_post, create_post
from .helpers import PNG


def feed_html(client, user, path="/feed"):
    login(client, user)
    response = client.get(path)
    return response.status_code, response.get_data(as_text=True)


def test_a_post_goes_live_at_its_publish_time(client, certified, marketing, reviewer, frozen):
    frozen(START - timedelta(days=1))
    post = create_post(marketing, reviewer, publish_at=START, title="Embargoed results",
                       now=START - timedelta(days=1))
    db.session.commit()
    frozen(START - timedelta(seconds=1))
    status, html = feed_html(client, certified)
    assert "Embargoed results" not in html
    assert client.get(f"/feed/{post.id}").status_code == 404
    frozen(START)
    status, html = feed_html(client, certified)
    assert "Embargoed results" in html
    assert client.get(f"/feed/{post.id}").status_code == 200


def test_an_expired_post_leaves_the_feed(client, certified, marketing, reviewer, frozen):
    frozen(START)
    post = create_live_post(marketing, reviewer, expires_at=START + timedelta(hours=2), title="Short-lived")
    db.session.commit()
    assert "Short-lived" in feed_html(client, certified)[1]
    frozen(START + timedelta(hours=2))
    assert "Short-lived" not in feed_html(client, certified)[1]
    assert client.get(f"/feed/{post.id}").status_code == 404


def test_the_phase_rule_agrees_in_python_and_in_sql(marketing, reviewer, frozen):
    frozen(START)
    posts = [create_post(marketing, reviewer, publish_at=START + timedelta(hours=h),
                         expires_at=START + timedelta(hours=h + 2), now=START - timedelta(days=1), title=f"p{h}")
             for h in (-5, -2, -1, 0, 1)]
    posts.append(create_post(marketing, title="draft"))
    db.session.commit()
    for offset in (-3, 0, 1, 2, 3):
        now = START + timedelta(hours=offset)
        in_sql = dict(db.session.execute(db.select(Post.id, Post.phase_at(now))).all())
        live_in_sql = set(db.session.scalars(db.select(Post.id).where(Post.is_live_at(now))))
        assert in_sql == {p.id: p.phase_at(now) for p in posts}
        assert live_in_sql == {p.id for p in posts if p.is_live_at(now)}


def test_without_the_tier_a_post_is_invisible_even_by_url(client, certified, other_employee, marketing, reviewer,
                                                          at_start):
    advanced = create_live_post(marketing, reviewer, title="Campaign brief", min_tier="advanced")
    basic = create_live_post(marketing, reviewer, title="Company news")
    db.session.commit()
    status, html = feed_html(client, certified)
    assert "Company news" in html and "Campaign brief" not in html
    assert "1 post waiting" in html and "/home" in html   # what to pass to unlock it, and where
    assert client.get(f"/feed/{advanced.id}").status_code == 404
    assert client.post(f"/feed/{advanced.id}/share/x").status_code == 404
    assert client.get(f"/feed/{advanced.id}/share/linkedin").status_code == 404
    # Someone with no certification at all sees neither, and is told what to do first.
    status, html = feed_html(client, other_employee)
    assert "Company news" not in html and "Pass the basic course" in html
    assert client.get(f"/feed/{basic.id}").status_code == 404


def test_an_expired_certification_locks_the_feed_again(client, employee, live_post, frozen):
    certify(employee, passed_at=START - timedelta(days=400), months=12)
    db.session.commit()
    frozen(START)
    status, html = feed_html(client, employee)
    assert live_post.title not in html and "Your certification expired on" in html
    assert client.get(f"/feed/{live_post.id}").status_code == 404


def test_posts_target_departments(client, certified, other_employee, marketing, reviewer, at_start):
    sales = create_department("Sales")
    other_employee.department = sales
    certify(other_employee)
    create_live_post(marketing, reviewer, title="For sales only", department_ids=[sales.id])
    create_live_post(marketing, reviewer, title="For everyone")
    db.session.commit()
    html = feed_html(client, certified)[1]
    assert "For everyone" in html and "For sales only" not in html
    html = feed_html(client, other_employee)[1]
    assert "For everyone" in html and "For sales only" in html


def test_the_feed_stays_locked_until_the_current_policy_is_acknowledged(client, certified, live_post, at_start):
    policy = PolicyVersion(version=1, title="Policy", body="Be kind.")
    db.session.add(policy)
    db.session.commit()
    status, html = feed_html(client, certified)
    assert status == 200 and "Your feed is locked" in html and 'href="/policy"' in html
    assert live_post.title not in html
    assert client.get(f"/feed/{live_post.id}").status_code == 404
    db.session.add(PolicyAcknowledgement(user_id=certified.id, policy_version_id=policy.id, acknowledged_at=START))
    db.session.commit()
    assert live_post.title in feed_html(client, certified)[1]


def test_a_card_shows_image_title_body_goal_and_share_buttons(client, certified, marketing, reviewer, at_start):
    goal = create_goal(name="Reach new audiences", why="Colleagues reach *further* than our page.")
    post = create_live_post(marketing, reviewer, goal_id=goal.id, title="Open day")
    post.image_name, post.image_type, post.image_alt = store_image(PNG, "image/png"), "image/png", "Our office"
    db.session.commit()
    html = feed_html(client, certified)[1]
    assert f'src="/feed/{post.id}/image/{post.image_name}"' in html and 'alt="Our office"' in html
    assert "Open day" in html and "<strong>spring event</strong>" in html
    assert "Why we ask you to share this" in html and "Reach new audiences" in html
    assert "<em>further</em>" in html
    for network in ("x", "whatsapp", "email"):
        assert f'action="/feed/{post.id}/share/{network}"' in html
    for network in ("linkedin", "facebook"):
        assert f'href="/feed/{post.id}/share/{network}"' in html and f'data-share-post="/feed/{post.id}/share/{network}"' in html
    assert f'data-share-native="/feed/{post.id}/share/other"' in html


def test_the_feed_is_newest_first_and_paged(client, certified, marketing, reviewer, at_start):
    for n in range(12):
        create_live_post(marketing, reviewer, title=f"Post number {n:02d}", publish_at=START - timedelta(hours=12 - n))
    db.session.commit()
    html = feed_html(client, certified)[1]
    assert html.index("Post number 11") < html.index("Post number 02")
    assert "Post number 01" not in html and "Page 1 of 2" in html
    assert "Post number 01" in feed_html(client, certified, "/feed?page=2")[1]


def test_the_feed_works_on_a_phone_without_javascript(client, certified, live_post, at_start):
    html = feed_html(client, certified)[1]
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    # Every share control is a real form or link: without JavaScript each one still works.
    assert html.count('class="secondary block"') == 3 and html.count('class="button secondary"') >= 2
    assert " style=" not in html and "onclick" not in html
    assert len(html.encode()) < 20_000


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, *args, **kwargs):
        self.count += 1


@pytest.fixture
def count_queries(app):
    def run(client, path):
        # A first request loads the course catalogue if the test changed content (a fixed number of
        # queries, once per change); what is counted is the page itself.
        assert client.get(path).status_code == 200
        counter = QueryCounter()
        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", counter)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", counter)
        return counter.count
    return run


def test_the_feed_makes_the_same_number_of_queries_for_2_or_10_posts(client, certified, marketing, reviewer,
                                                                     count_queries, at_start):
    goal = create_goal()
    sales = create_department("Sales")
    for n in range(2):
        create_live_post(marketing, reviewer, title=f"First {n}", goal_id=goal.id)
    db.session.commit()
    login(client, certified)
    few = count_queries(client, "/feed")
    for n in range(8):
        create_live_post(marketing, reviewer, title=f"More {n}", goal_id=create_goal(slug=f"g{n}").id,
                         department_ids=[certified.department_id, sales.id])
    db.session.commit()
    many = count_queries(client, "/feed")
    assert few == many, (few, many)
    assert many <= 12


def test_my_shares_and_the_post_list_make_the_same_number_of_queries_at_two_sizes(
        client, certified, marketing, reviewer, count_queries, at_start):
    from advocacy.feed.sharing import record_share

    def add_posts(n, prefix):
        for i in range(n):
            post = create_live_post(marketing, reviewer, title=f"{prefix} {i}")
            record_share(post, certified.id, "x", START)
            record_share(post, certified.id, "linkedin", START)
        db.session.commit()

    add_posts(2, "few")
    login(client, certified)
    few_mine = count_queries(client, "/feed/mine")
    login(client, marketing)
    few_posts = count_queries(client, "/posts")
    add_posts(8, "more")
    login(client, certified)
    assert count_queries(client, "/feed/mine") == few_mine
    login(client, marketing)
    assert count_queries(client, "/posts") == few_posts


def test_a_first_page_holding_every_post_has_no_pager_and_needs_no_count(client, certified, marketing, reviewer,
                                                                         count_queries, at_start):
    for tier in ("advanced", "expert"):
        certify(certified, tier)
    for n in range(10):
        create_live_post(marketing, reviewer, title=f"Post number {n:02d}", publish_at=START - timedelta(hours=12 - n),
                         min_tier=("basic", "advanced", "expert")[n % 3])
    db.session.commit()
    status, html = feed_html(client, certified)
    assert all(f"Post number {n:02d}" in html for n in range(10))
    assert 'class="pager"' not in html and "Unlock more to share" not in html
    full_page = count_queries(client, "/feed")
    create_live_post(marketing, reviewer, title="Post number 10", publish_at=START - timedelta(minutes=1))
    create_live_post(marketing, reviewer, title="Oldest", min_tier="expert", publish_at=START - timedelta(days=1))
    db.session.commit()
    html = feed_html(client, certified)[1]
    assert "Page 1 of 2" in html and 'href="/feed?page=2" rel="next"' in html
    assert "Post number 10" in html and "Post number 01" in html and "Post number 00" not in html
    assert count_queries(client, "/feed") == full_page + 1  # now the total needs a count
    html = feed_html(client, certified, "/feed?page=2")[1]
    assert "Page 2 of 2" in html and 'href="/feed?page=1" rel="prev"' in html
    assert "Post number 00" in html and "Oldest" in html and "Post number 01" not in html


def test_the_page_total_and_the_waiting_posts_come_from_one_count(client, certified, marketing, reviewer,
                                                                  count_queries, at_start):
    for n in range(11):
        create_live_post(marketing, reviewer, title=f"Basic {n:02d}")
    for n in range(2):
        create_live_post(marketing, reviewer, title=f"Advanced {n}", min_tier="advanced")
    create_live_post(marketing, reviewer, title="Expert", min_tier="expert")
    db.session.commit()
    html = feed_html(client, certified)[1]
    assert "Page 1 of 2" in html
    assert "2 posts waiting" in html and "1 post waiting" in html and "Advanced 0" not in html
    html = feed_html(client, certified, "/feed?page=2")[1]
    assert "Page 2 of 2" in html and html.count('class="card post-card"') == 1
    html = feed_html(client, certified, "/feed?page=3")[1]
    assert "Nothing to share right now" in html and "2 posts waiting" in html


def test_card_addresses_follow_where_the_app_is_mounted(client, certified, live_post, at_start):
    login(client, certified)
    mounted = client.get("/feed", base_url="http://localhost/advocacy").get_data(as_text=True)
    assert f'action="/advocacy/feed/{live_post.id}/share/x"' in mounted
    assert f'href="/advocacy/feed/{live_post.id}/share/linkedin"' in mounted
    html = client.get("/feed").get_data(as_text=True)
    assert f'action="/feed/{live_post.id}/share/x"' in html and "/advocacy/" not in html

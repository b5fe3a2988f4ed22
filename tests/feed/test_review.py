"""Writing posts and the four-eyes review, through the pages marketing and reviewers use."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from advocacy.core.db import db
from advocacy.feed.models import Post, PostEvent, PostVersion

from ..conftest import START, login
from .factories import certify, create_post
from .helpers import editor_form


def write_post(client, marketing, **overrides) -> Post:
    login(client, marketing)
    response = client.post("/posts/new", data=editor_form(**overrides))
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalars(select(Post).order_by(Post.id.desc())).first()


def test_marketing_writes_a_post_as_a_draft_with_its_first_version(client, marketing, at_start):
    post = write_post(client, marketing)
    assert (post.status, post.version, post.author_id) == ("draft", 1, marketing.id)
    assert post.slug == "spring-event" and post.hashtags == "#spring #events"
    assert [c.text for c in post.captions_for("linkedin")] == ["Our spring event is open for everyone.",
                                                               "Come to the spring event!"]
    version = db.session.scalar(select(PostVersion).where(PostVersion.post_id == post.id))
    assert version.number == 1 and version.created_by_id == marketing.id
    assert version.snapshot["captions"]["x"] == ["Spring event: come along"]


def test_times_are_typed_in_the_organisations_zone_and_stored_in_utc(client, marketing, at_start):
    # Amsterdam is UTC+1 in early March and UTC+2 from the last Sunday of March.
    post = write_post(client, marketing, publish_at="2026-03-02T10:00", expires_at="2026-04-01T10:00")
    assert post.publish_at == datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    assert post.expires_at == datetime(2026, 4, 1, 8, 0, tzinfo=timezone.utc)
    html = client.get(f"/posts/{post.id}/edit").get_data(as_text=True)
    assert 'value="2026-03-02T10:00"' in html


def test_a_time_the_clocks_skip_or_an_expiry_before_publishing_is_refused(client, marketing, at_start):
    login(client, marketing)
    response = client.post("/posts/new", data=editor_form(publish_at="2026-03-29T02:30"))
    assert response.status_code == 200 and "the clocks skip it" in response.get_data(as_text=True)
    response = client.post("/posts/new", data=editor_form(expires_at="2026-03-01T10:00"))
    assert "Expiry must be after the publish time" in response.get_data(as_text=True)
    assert db.session.scalar(select(Post.id)) is None


def test_an_x_caption_that_does_not_fit_is_refused_with_how_much_to_cut(client, marketing, at_start):
    login(client, marketing)
    # 240 + the hashtags "\n\n#spring #events" (17) + space and link (24) = 281
    response = client.post("/posts/new", data=editor_form(caption_x_0="a" * 240))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "281 characters on X" in html and "Shorten it by 1" in html
    assert db.session.scalar(select(Post.id)) is None
    assert client.post("/posts/new", data=editor_form(caption_x_0="a" * 239)).status_code == 302


def test_bad_input_names_the_field_and_saves_nothing(client, marketing, at_start):
    login(client, marketing)
    for overrides, message in [
        ({"link": "javascript:alert(1)"}, "must start with http:// or https://"),
        ({"hashtags": "#ok <b>"}, "Not a hashtag: &lt;b&gt;"),
        ({"title": ""}, "This field is required"),
        ({"slug": "Not A Slug"}, "lowercase letters"),
        ({"caption_linkedin_0": "", "caption_linkedin_1": "", "caption_x_0": "", "caption_whatsapp_0": ""},
         "Write at least one caption"),
    ]:
        response = client.post("/posts/new", data=editor_form(**overrides))
        assert response.status_code == 200 and message in response.get_data(as_text=True), overrides
    assert db.session.scalar(select(Post.id)) is None


def test_a_goal_must_be_chosen_once_goals_exist(client, marketing, at_start):
    from .factories import create_goal

    goal = create_goal()
    db.session.commit()
    login(client, marketing)
    assert "Choose the goal this post serves" in client.post("/posts/new", data=editor_form()).get_data(as_text=True)
    post = write_post(client, marketing, goal_id=str(goal.id))
    assert post.goal_id == goal.id


def test_the_author_cannot_approve_even_as_a_reviewer_and_another_reviewer_can(client, db, marketing, reviewer,
                                                                               at_start):
    marketing.set_roles(["marketing", "reviewer"])
    db.session.commit()
    post = write_post(client, marketing, action="submit")
    assert post.status == "in_review"
    page = client.get(f"/review/{post.id}").get_data(as_text=True)
    assert "another reviewer must decide" in page and 'value="approve"' not in page
    response = client.post(f"/review/{post.id}", data={"decision": "approve", "version": "1", "comment": ""})
    assert response.status_code == 403
    assert db.session.get(Post, post.id).status == "in_review"

    login(client, reviewer)
    response = client.post(f"/review/{post.id}", data={"decision": "approve", "version": "1", "comment": "Fine"})
    assert response.status_code == 302
    post = db.session.get(Post, post.id)
    assert (post.status, post.approved_by_id, post.approved_version) == ("approved", reviewer.id, 1)
    assert post.approved_link == "https://www.example.com/news/spring?ref=home"


def test_an_editor_of_the_version_under_review_cannot_approve_it(client, db, marketing, reviewer, at_start):
    from advocacy.feed import posts as post_service
    from .factories import post_values

    reviewer.set_roles(["reviewer", "marketing"])
    post = create_post(marketing)
    post_service.edit_post(post, post_values(title="Edited by the reviewer"), reviewer, 1, START)
    post_service.submit_post(post, marketing, 2, START)
    db.session.commit()
    login(client, reviewer)
    assert client.post(f"/review/{post.id}", data={"decision": "approve", "version": "2"}).status_code == 403


def test_returning_needs_a_comment_which_the_author_then_sees(client, marketing, reviewer, at_start):
    post = write_post(client, marketing, action="submit")
    login(client, reviewer)
    response = client.post(f"/review/{post.id}", data={"decision": "return", "version": "1", "comment": " "})
    assert response.status_code == 200 and "needs a comment" in response.get_data(as_text=True)
    assert db.session.get(Post, post.id).status == "in_review"
    client.post(f"/review/{post.id}", data={"decision": "return", "version": "1", "comment": "Date is wrong"})
    assert db.session.get(Post, post.id).status == "returned"
    login(client, marketing)
    assert "Date is wrong" in client.get(f"/posts/{post.id}").get_data(as_text=True)


def test_a_reviewer_never_approves_a_version_they_did_not_see(client, marketing, reviewer, at_start):
    post = write_post(client, marketing, action="submit")
    client.post(f"/posts/{post.id}/edit", data=editor_form(title="Changed meanwhile", version="1"))
    assert db.session.get(Post, post.id).version == 2
    login(client, reviewer)
    response = client.post(f"/review/{post.id}", data={"decision": "approve", "version": "1"})
    assert response.status_code == 302
    assert db.session.get(Post, post.id).status == "in_review"


def test_any_edit_after_approval_sends_the_post_back_to_review_and_keeps_its_links_target(
        client, marketing, reviewer, frozen):
    frozen(START)
    post = write_post(client, marketing, action="submit")
    login(client, reviewer)
    client.post(f"/review/{post.id}", data={"decision": "approve", "version": "1"})
    login(client, marketing)
    client.post(f"/posts/{post.id}/edit", data=editor_form(link="https://elsewhere.example/", version="1"))
    post = db.session.get(Post, post.id)
    assert (post.status, post.version, post.link) == ("in_review", 2, "https://elsewhere.example/")
    assert post.approved_link == "https://www.example.com/news/spring?ref=home"


def test_saving_without_changes_makes_no_new_version(client, marketing, at_start):
    post = write_post(client, marketing)
    response = client.post(f"/posts/{post.id}/edit", data=editor_form(version="1"), follow_redirects=True)
    assert "Nothing changed" in response.get_data(as_text=True)
    assert db.session.get(Post, post.id).version == 1


def test_a_withdrawn_post_cannot_be_edited(client, marketing, at_start):
    post = write_post(client, marketing)
    client.post(f"/posts/{post.id}/withdraw")
    assert db.session.get(Post, post.id).status == "withdrawn"
    response = client.post(f"/posts/{post.id}/edit", data=editor_form(title="Sneaky", version="1"),
                           follow_redirects=True)
    assert "can no longer be edited" in response.get_data(as_text=True)
    assert db.session.get(Post, post.id).title == "Spring event"
    assert client.get(f"/posts/{post.id}/edit").status_code == 302


def test_a_reviewer_may_withdraw_and_it_hides_the_post_at_once(client, employee, live_post, reviewer, at_start):
    certify(employee)
    db.session.commit()
    login(client, employee)
    assert client.get(f"/feed/{live_post.id}").status_code == 200
    login(client, reviewer)
    assert client.post(f"/posts/{live_post.id}/withdraw").status_code == 302
    login(client, employee)
    assert client.get(f"/feed/{live_post.id}").status_code == 404


def test_the_history_shows_every_version_and_what_the_reviewers_said(client, marketing, reviewer, at_start):
    post = write_post(client, marketing, action="submit")
    login(client, reviewer)
    client.post(f"/review/{post.id}", data={"decision": "return", "version": "1", "comment": "Wrong date"})
    login(client, marketing)
    client.post(f"/posts/{post.id}/edit", data=editor_form(title="Spring event, new date", version="1"))
    html = client.get(f"/posts/{post.id}/history").get_data(as_text=True)
    assert "Version 1" in html and "Version 2" in html and "Wrong date" in html
    assert "Changed: title" in html
    actions = db.session.scalars(select(PostEvent.action).where(PostEvent.post_id == post.id)
                                 .order_by(PostEvent.id)).all()
    assert actions == ["created", "submitted", "returned", "edited"]


def test_the_list_filters_by_state(client, marketing, reviewer, frozen):
    frozen(START)
    create_post(marketing, title="A draft")
    create_post(marketing, reviewer, title="Live one", publish_at=START - timedelta(hours=1))
    create_post(marketing, reviewer, title="Scheduled one", publish_at=START + timedelta(days=1))
    create_post(marketing, reviewer, title="Expired one", publish_at=START - timedelta(days=3),
                expires_at=START - timedelta(days=2), now=START - timedelta(days=4))
    db.session.commit()
    login(client, marketing)
    for state, title in [("live", "Live one"), ("scheduled", "Scheduled one"), ("expired", "Expired one"),
                         ("draft", "A draft")]:
        html = client.get(f"/posts?state={state}").get_data(as_text=True)
        assert title in html and html.count('href="/posts/') - html.count('href="/posts/new') == 1, state

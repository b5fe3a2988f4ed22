"""Marketing writes a post on a laptop, a reviewer approves it, and a certified employee sees it."""
import secrets
from datetime import datetime, timedelta

import pytest

from .conftest import log_in
from .journeys import certify, fresh_person

pytestmark = pytest.mark.e2e


def test_a_post_goes_from_marketing_through_review_to_the_feed(open_context, live_app):
    tag = secrets.token_hex(3)
    title = f"Our new service centre in Zwolle {tag}"
    link = f"https://www.example.com/news/service-centre-{tag}"

    writer = open_context("desktop", who="marketing").new_page()
    writer.goto("/posts/new")
    writer.get_by_label("Title", exact=True).fill(title)
    writer.get_by_label("Text", exact=True).fill("From Monday our customers in the north get help **next door**.")
    writer.get_by_label("Link", exact=True).fill(link)
    writer.get_by_label("LinkedIn caption 1").fill("Proud of our new service centre in Zwolle.")
    writer.locator("details summary", has_text="X").click()  # other networks fold away
    writer.get_by_label("X caption 1").fill("New service centre in Zwolle, open from Monday.")
    writer.get_by_label("Who may share it").select_option("basic")
    writer.get_by_label("The goal it serves").select_option(index=1)
    # "Now": any moment in the past publishes at once, whatever the organisation's time zone.
    writer.get_by_label("Publish at").fill((datetime.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    writer.get_by_role("button", name="Save and send for review").click()
    assert writer.get_by_text("Post saved.").is_visible()
    post_path = writer.url.removeprefix(live_app.url)
    post_id = int(post_path.rstrip("/").split("/")[-1])

    # Marketing cannot sign off its own words: no Approve button, and the review page is closed.
    assert writer.get_by_role("button", name="Approve").count() == 0
    assert writer.goto(f"/review/{post_id}").status == 403

    reviewer = open_context("desktop", who="reviewer").new_page()
    reviewer.goto("/review")
    reviewer.locator("main").get_by_role("link", name=title).click()
    assert reviewer.url.endswith(f"/review/{post_id}")
    reviewer.get_by_role("button", name="Approve").click()
    assert reviewer.get_by_text("Approved.").is_visible()
    assert reviewer.locator("main").get_by_text(title).count() == 0, "an approved post leaves the queue"

    email, _ = fresh_person(live_app, "reader")
    certify(live_app, email, "basic")
    employee = open_context("phone").new_page()
    log_in(employee, email, live_app.password)
    employee.goto("/policy")
    employee.get_by_role("button", name="I have read the policy").click()
    employee.goto("/feed")
    card = employee.locator("article.post-card", has_text=title)
    assert card.count() == 1
    assert card.locator("strong", has_text="next door").count() == 1, "the body's markdown is rendered"
    assert card.get_by_role("link", name="www.example.com").get_attribute("href") == link

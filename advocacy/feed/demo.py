"""The feed of the demo organisation (`flask demo`): a few realistic sample posts, and for the
synthetic organisation (`--employees N`) live posts with shares and clicks by the people whose
certifications allow them."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select

from advocacy.core.db import db
from advocacy.core.demo import DemoPerson, DemoRun, add_demo_step, insert_rows
from advocacy.core.organisation import User
from advocacy.feed import posts
from advocacy.feed.models import Click, Post, Share, TrackedLink
from advocacy.feed.rules import share_window
from advocacy.learning.models.goals import Goal


def demo_sample_posts(run: DemoRun) -> None:
    made = sample_posts(run.made["marketing"], run.made["reviewer"], run.now)
    if made:
        run.notes.append(f"{made} sample posts added")


def synthetic_sharing(run: DemoRun) -> None:
    live = demo_posts(run.made["marketing"], run.made["reviewer"], run.now)
    run.counts["shares"], run.counts["clicks"] = insert_shares_and_clicks(run.made["people"], live, run.rng, run.now)


NETWORKS = ("linkedin", "linkedin", "linkedin", "x", "facebook", "whatsapp", "email")
DEMO_POSTS = (
    ("We are hiring: three new colleagues in Sales", "basic"),
    ("Our spring open day", "basic"),
    ("Customer story: faster support with less effort", "basic"),
    ("Behind the scenes of our new campaign", "advanced"),
    ("Five lessons from a year of listening on social", "advanced"),
    ("Ambassador brief: the product launch", "expert"),
)


def demo_posts(marketing: User, reviewer: User, now: datetime) -> list:
    """Six live posts, written and approved through the feed's own services (once)."""

    found = list(db.session.scalars(select(Post).where(Post.slug.like("demo-%")).order_by(Post.id)))
    if found:
        return found
    made = []
    for number, (title, tier) in enumerate(DEMO_POSTS):
        published = now - timedelta(days=60 - number * 9)
        values: dict[str, Any] = {
                  "title": title, "body": "A post from the demo organisation.", "slug": f"demo-{number + 1}",
                  "link": f"https://www.example.com/news/{number + 1}", "hashtags": "#demo", "min_tier": tier,
                  "goal_id": None, "department_ids": [], "publish_at": published, "expires_at": None,
                  "image_alt": "", "image": "keep",
                  "captions": {"linkedin": [f"{title}: worth a read."], "x": [title], "facebook": [title],
                               "whatsapp": [title], "email": [title]}}
        post = posts.create_post(values, marketing, published - timedelta(days=1))
        posts.submit_post(post, marketing, post.version, published - timedelta(days=1))
        posts.approve_post(post, reviewer, post.version, "", published - timedelta(hours=12))
        made.append(post)
    db.session.flush()
    return made


def insert_shares_and_clicks(people: list[DemoPerson], live_posts: list, rng, now) -> tuple[int, int]:

    links, shares, clicks = [], [], []
    for person in people:
        open_posts = [p for p in live_posts if p.min_tier in person.tiers]
        if not open_posts or rng.random() > 0.45:
            continue
        for post in rng.sample(open_posts, k=min(len(open_posts), rng.randint(1, 3))):
            network = rng.choice(NETWORKS)
            days = max(1, (now - post.publish_at).days)
            at = now - timedelta(days=rng.randint(0, days - 1), minutes=rng.randint(1, 600))
            code = hashlib.sha256(f"{person.id}-{post.id}-{network}".encode()).hexdigest()[:22]
            links.append({"code": code, "user_id": person.id, "post_id": post.id, "network": network,
                          "created_at": at})
            shares.append((code, {"user_id": person.id, "post_id": post.id, "post_version": post.version,
                                  "network": network, "variant": 0, "shared_at": at,
                                  "dedupe_window": share_window(at)}))
    if not links:
        return 0, 0
    links = list({(link["user_id"], link["post_id"], link["network"]): link for link in links}.values())
    insert_rows(TrackedLink, links)
    ids = dict(db.session.execute(select(TrackedLink.code, TrackedLink.id)
                                  .where(TrackedLink.code.in_([link["code"] for link in links]))).all())
    seen = set()
    share_rows = []
    for code, row in shares:
        if code in ids and code not in seen:
            seen.add(code)
            share_rows.append({**row, "link_id": ids[code]})
            for visitor in range(rng.choice((0, 0, 1, 2, 3, 5, 8))):
                at = min(now, row["shared_at"] + timedelta(hours=rng.randint(1, 72)))
                clicks.append({"link_id": ids[code], "visitor": f"demo-{code}-{visitor}", "day": at.date(),
                               "clicked_at": at})
    insert_rows(Share, share_rows)
    if clicks:
        insert_rows(Click, clicks)
    return len(share_rows), len(clicks)


SAMPLE_POSTS = (
    # slug, tier, goal slug, title, body, link, hashtags, captions by network, state
    ("sample-open-day", "basic", "talent", "Open day at our Utrecht office",
     "On Saturday 14 March we open our doors for everyone curious about working here. Meet the teams, "
     "see the work and ask anything.\n\n- Tours every hour from 10:00\n- Short talks by colleagues\n- Coffee on us",
     "https://www.example.com/careers/open-day", "#opendag #werkenbij",
     {"linkedin": ["We open our doors on 14 March: come and meet the people I work with.",
                   "Curious what working at Demo BV is like? Come and see for yourself on 14 March.",
                   "Our open day is on 14 March. I'll be there: come and say hello."],
      "x": ["Open day at Demo BV on 14 March: meet the teams and ask anything.",
            "Curious about working with us? Open day 14 March."],
      "facebook": ["Open day on 14 March! Come and meet my colleagues."],
      "whatsapp": ["Thought you might like this: our open day is on 14 March."],
      "email": ["Our open day is on 14 March; I thought you might be interested."]},
     "live"),
    ("sample-service-desk-vacancy", "basic", "talent", "We are hiring: service desk colleague",
     "Our service desk helps customers every day by phone, chat and social media. We are looking for a "
     "colleague who enjoys solving problems and explaining things clearly.",
     "https://www.example.com/careers/service-desk", "#vacature #klantenservice",
     {"linkedin": ["My team is hiring! Do you know someone who loves helping customers?",
                   "We're looking for a service desk colleague. Happy to tell you what it's like."],
      "x": ["We're hiring a service desk colleague. Know someone?"],
      "facebook": ["We're hiring! Share with a friend who loves helping people."],
      "whatsapp": ["We have a vacancy on the service desk. Anyone you know?"],
      "email": ["We have a vacancy on our service desk; perhaps for someone you know?"]},
     "live"),
    ("sample-customer-study", "advanced", "thought-leadership", "What 1,200 customers told us about service",
     "We asked 1,200 customers what makes service good. The short answer: a fast first reply matters more "
     "than a perfect one. Read the findings and what we are changing.",
     "https://www.example.com/insights/service-study", "#klantbeleving #webcare",
     {"linkedin": ["A fast first reply beats a perfect one: the main finding of our customer study.",
                   "What do customers really want from service? We asked 1,200 of them."],
      "x": ["Fast first reply > perfect reply. Our study of 1,200 customers."],
      "facebook": ["We asked 1,200 customers what good service is. Here's what they said."],
      "whatsapp": ["Interesting findings from our customer study."],
      "email": ["You might find our customer study interesting."]},
     "live"),
    ("sample-annual-figures", "basic", "reach", "Our annual figures (embargoed until release)",
     "The annual figures go out through the official press release first. This post is ready for review "
     "and will only go live after the release.",
     "https://www.example.com/news/annual-figures", "#jaarcijfers",
     {"linkedin": ["Our annual figures are out: proud of what the team achieved."],
      "x": ["Our annual figures are out."], "facebook": ["Our annual figures are out."],
      "whatsapp": ["Our annual figures are out."], "email": ["Our annual figures are out."]},
     "review"),
)


def sample_posts(marketing: User, reviewer: User, now: datetime) -> int:
    """A few realistic posts for the demo: live ones for the feed and one waiting for review.
    Written and approved through the feed's own services; created once (by slug)."""

    made = 0
    for slug, tier, goal_slug, title, body, link, hashtags, captions, state in SAMPLE_POSTS:
        if db.session.scalar(select(Post.id).where(Post.slug == slug)) is not None:
            continue
        goal_id = db.session.scalar(select(Goal.id).where(Goal.slug == goal_slug))
        values: dict[str, Any] = {"title": title, "body": body, "slug": slug, "link": link, "hashtags": hashtags,
                  "min_tier": tier, "goal_id": goal_id, "department_ids": [], "publish_at": now - timedelta(hours=1),
                  "expires_at": None, "image_alt": "", "image": "keep", "captions": captions}
        if state == "review":
            values["publish_at"] = now + timedelta(days=7)
        post = posts.create_post(values, marketing, now - timedelta(hours=3))
        posts.submit_post(post, marketing, post.version, now - timedelta(hours=3))
        if state == "live":
            posts.approve_post(post, reviewer, post.version, "Checked: fine to share.", now - timedelta(hours=2))
        made += 1
    db.session.flush()
    return made


def init_app(app: Flask) -> None:
    add_demo_step(app, 50, demo_sample_posts)
    add_demo_step(app, 30, synthetic_sharing, synthetic=True)

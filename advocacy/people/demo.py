"""A synthetic organisation for demos and benchmarks (`flask demo --employees N`).

Departments, managers in two layers, start dates, lesson progress, quiz attempts, certifications
(some expired, some expiring), policy acknowledgements, a few live posts, shares and clicks.
Rows go in with bulk INSERTs (executemany), every person shares one password hash, and a seed
makes the result the same each time. Running it again with a larger N adds the missing people.
Lesson progress and attempts need the curriculum (`flask content sync`); without it they are skipped.
"""
from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, insert, select, text, update

from advocacy.core.clock import utcnow
from advocacy.core.db import db
from advocacy.core.organisation import Department, User, UserRole

FIRST = ("Anna", "Bram", "Chloe", "Daan", "Eva", "Finn", "Gina", "Hugo", "Iris", "Jens", "Kim", "Lars", "Mila",
         "Noah", "Olga", "Pim", "Rosa", "Sem", "Tess", "Umar", "Vera", "Wout", "Yara", "Zoë")
LAST = ("de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "de Boer", "Bos", "Peters",
        "Hendriks", "Dekker", "Brouwer", "Claes", "Maes", "Wouters", "Hoekstra", "El Amrani", "Yilmaz", "Nguyen")
EMAIL = "person{:05d}@demo.example"
NETWORKS = ("linkedin", "linkedin", "linkedin", "x", "facebook", "whatsapp", "email")
DEMO_POSTS = (
    ("We are hiring: three new colleagues in Sales", "basic"),
    ("Our spring open day", "basic"),
    ("Customer story: faster support with less effort", "basic"),
    ("Behind the scenes of our new campaign", "advanced"),
    ("Five lessons from a year of listening on social", "advanced"),
    ("Ambassador brief: the product launch", "expert"),
)


@dataclass
class Person:
    id: int
    department: Department
    start: date
    tiers: list[str] = field(default_factory=list)


def build_organisation(n: int, password_hash: str, marketing: User, reviewer: User, seed: int = 1,
                       now: datetime | None = None) -> dict[str, int]:
    """Add synthetic people up to `n` and their activity. Returns counts of what was added."""
    now = now or utcnow()
    rng = random.Random(seed)
    existing = db.session.scalar(select(func.count(User.id)).where(User.email.like("person%@demo.example")))
    if existing >= n:
        return {"people": 0}
    departments = list(db.session.scalars(select(Department).order_by(Department.name)))
    people = insert_people(range(existing, n), departments, password_hash, rng, now)
    counts = {"people": len(people)}
    counts["certifications"] = insert_certifications(people, rng, now)
    counts["acknowledgements"] = insert_acknowledgements(people, rng, now)
    counts["lessons read"] = insert_progress(people, rng, now)
    counts["attempts"] = insert_attempts(people, rng, now)
    posts = demo_posts(marketing, reviewer, now)
    counts["shares"], counts["clicks"] = insert_shares_and_clicks(people, posts, rng, now)
    # Fresh statistics: right after a bulk load the planner would otherwise think tables are empty.
    db.session.execute(text("ANALYZE"))
    return counts


def insert_people(numbers, departments, password_hash, rng, now) -> list[Person]:
    rows = []
    for i in numbers:
        department = departments[i % len(departments)]
        days = int(rng.triangular(3, 3 * 365, 400))
        rows.append({"email": EMAIL.format(i), "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                     "password_hash": password_hash, "department_id": department.id,
                     "start_date": (now - timedelta(days=days)).date(), "created_at": now - timedelta(days=days),
                     "session_token": hashlib.sha256(f"demo-{i}-{rng.random()}".encode()).hexdigest()})
    db.session.execute(insert(User), rows)
    ids = dict(db.session.execute(select(User.email, User.id).where(User.email.in_([r["email"] for r in rows]))).all())
    by_id = {d.id: d for d in departments}
    people = [Person(ids[r["email"]], by_id[r["department_id"]], r["start_date"]) for r in rows]
    assign_managers(people)
    return people


def assign_managers(people: list[Person]) -> None:
    """Per department: a head, team leads (one in eight) under the head, everyone else under a lead."""
    by_department: dict[int, list[Person]] = {}
    for person in people:
        by_department.setdefault(person.department.id, []).append(person)
    roles = [{"user_id": p.id, "role": "employee"} for p in people]
    managers = []
    for members in by_department.values():
        head, leads = members[0], members[1::8] or [members[0]]
        lead_ids = {lead.id for lead in leads}
        roles.append({"user_id": head.id, "role": "manager"})
        for index, person in enumerate(members[1:], start=1):
            if person.id in lead_ids:
                roles.append({"user_id": person.id, "role": "manager"})
                managers.append({"id": person.id, "manager_id": head.id})
            else:
                managers.append({"id": person.id, "manager_id": leads[index % len(leads)].id})
    db.session.execute(insert(UserRole), roles)
    if managers:
        db.session.execute(update(User), managers)


def insert_certifications(people: list[Person], rng, now) -> int:
    from advocacy.learning.models.quizzes import Certification

    rows = []
    for person in people:
        age = (now.date() - person.start).days
        if age < 10 or rng.random() > 0.7:
            continue
        passed = now - timedelta(days=rng.randint(1, min(age, 500)))
        rows.append(certification_row(person.id, "basic", passed))
        person.tiers.append("basic")
        if person.department.advanced_eligible and rng.random() < 0.45:
            rows.append(certification_row(person.id, "advanced", passed + (now - passed) * rng.random()))
            person.tiers.append("advanced")
            if rng.random() < 0.15:
                rows.append(certification_row(person.id, "expert", now - timedelta(days=rng.randint(1, 60))))
                person.tiers.append("expert")
    if rows:
        db.session.execute(insert(Certification), rows)
    return len(rows)


def certification_row(user_id: int, tier: str, passed: datetime) -> dict:
    return {"user_id": user_id, "tier": tier, "passed_at": passed, "first_passed_at": passed,
            "expires_at": passed + timedelta(days=365), "code": f"demo-{user_id}-{tier}"}


def insert_acknowledgements(people: list[Person], rng, now) -> int:
    from advocacy.learning.models.progress import PolicyAcknowledgement
    from advocacy.learning.policy import current_policy

    policy = current_policy()
    if policy is None:
        return 0
    rows = [{"user_id": p.id, "policy_version_id": policy.id, "acknowledged_at": now - timedelta(days=rng.randint(0, 90))}
            for p in people if p.tiers or rng.random() < 0.4]
    if rows:
        db.session.execute(insert(PolicyAcknowledgement), rows)
    return len(rows)


def insert_progress(people: list[Person], rng, now) -> int:
    from advocacy.learning.models.courses import Course, Lesson
    from advocacy.learning.models.progress import LessonProgress

    lessons: dict[str, list[int]] = {}
    for lesson_id, tier in db.session.execute(select(Lesson.id, Course.tier).join(Course, Course.id == Lesson.course_id)
                                              .where(Lesson.retired_at.is_(None))):
        lessons.setdefault(tier, []).append(lesson_id)
    rows = []
    for person in people:
        for tier, ids in lessons.items():
            if tier in person.tiers:
                read = ids
            elif tier == "basic" and rng.random() < 0.3:
                read = ids[: rng.randint(1, len(ids))]
            else:
                continue
            rows += [{"user_id": person.id, "lesson_id": i, "read_at": now - timedelta(days=rng.randint(1, 300))}
                     for i in read]
    if rows:
        db.session.execute(insert(LessonProgress), rows)
    return len(rows)


def insert_attempts(people: list[Person], rng, now) -> int:
    from advocacy.learning.models.courses import Course
    from advocacy.learning.models.quizzes import Attempt, Quiz, QuizVersion

    versions = dict(db.session.execute(
        select(Course.tier, func.max(QuizVersion.id)).join(Quiz, Quiz.id == QuizVersion.quiz_id)
        .join(Course, Course.id == Quiz.course_id).where(Quiz.language == "en").group_by(Course.tier)).all())
    courses = dict(db.session.execute(select(Course.tier, Course.id)).all())
    rows = []
    for person in people:
        for tier in person.tiers:
            if tier not in versions:
                continue
            started = now - timedelta(days=rng.randint(1, 400))
            if rng.random() < 0.2:
                rows.append(attempt_row(person.id, courses[tier], versions[tier], started - timedelta(days=1), 55.0))
            rows.append(attempt_row(person.id, courses[tier], versions[tier], started, rng.choice((80.0, 90.0, 100.0))))
    if rows:
        db.session.execute(insert(Attempt), rows)
    return len(rows)


def attempt_row(user_id, course_id, version_id, started: datetime, score: float) -> dict:
    return {"user_id": user_id, "course_id": course_id, "quiz_version_id": version_id, "started_at": started,
            "submitted_at": started + timedelta(minutes=6), "score": score, "passed": score >= 80, "items": [],
            "results": [], "timed_out": False}


def demo_posts(marketing: User, reviewer: User, now: datetime) -> list:
    """Six live posts, written and approved through the feed's own services (once)."""
    from advocacy.feed import posts as post_service
    from advocacy.feed.models import Post

    found = list(db.session.scalars(select(Post).where(Post.slug.like("demo-%")).order_by(Post.id)))
    if found:
        return found
    made = []
    for number, (title, tier) in enumerate(DEMO_POSTS):
        published = now - timedelta(days=60 - number * 9)
        values = {"title": title, "body": "A post from the demo organisation.", "slug": f"demo-{number + 1}",
                  "link": f"https://www.example.com/news/{number + 1}", "hashtags": "#demo", "min_tier": tier,
                  "goal_id": None, "department_ids": [], "publish_at": published, "expires_at": None,
                  "image_alt": "", "image": "keep",
                  "captions": {"linkedin": [f"{title}: worth a read."], "x": [title], "facebook": [title],
                               "whatsapp": [title], "email": [title]}}
        post = post_service.create_post(values, marketing, published - timedelta(days=1))
        post_service.submit_post(post, marketing, post.version, published - timedelta(days=1))
        post_service.approve_post(post, reviewer, post.version, "", published - timedelta(hours=12))
        made.append(post)
    db.session.flush()
    return made


def insert_shares_and_clicks(people: list[Person], posts: list, rng, now) -> tuple[int, int]:
    from advocacy.feed.models import Click, Share, TrackedLink
    from advocacy.feed.rules import share_window

    links, shares, clicks = [], [], []
    for person in people:
        open_posts = [p for p in posts if p.min_tier in person.tiers]
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
    links = list({(l["user_id"], l["post_id"], l["network"]): l for l in links}.values())
    db.session.execute(insert(TrackedLink), links)
    ids = dict(db.session.execute(select(TrackedLink.code, TrackedLink.id)
                                  .where(TrackedLink.code.in_([l["code"] for l in links]))).all())
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
    db.session.execute(insert(Share), share_rows)
    if clicks:
        db.session.execute(insert(Click), clicks)
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
    from advocacy.learning.models.goals import Goal
    from advocacy.feed import posts as post_service
    from advocacy.feed.models import Post

    made = 0
    for slug, tier, goal_slug, title, body, link, hashtags, captions, state in SAMPLE_POSTS:
        if db.session.scalar(select(Post.id).where(Post.slug == slug)) is not None:
            continue
        goal_id = db.session.scalar(select(Goal.id).where(Goal.slug == goal_slug))
        values = {"title": title, "body": body, "slug": slug, "link": link, "hashtags": hashtags,
                  "min_tier": tier, "goal_id": goal_id, "department_ids": [], "publish_at": now - timedelta(hours=1),
                  "expires_at": None, "image_alt": "", "image": "keep", "captions": captions}
        if state == "review":
            values["publish_at"] = now + timedelta(days=7)
        post = post_service.create_post(values, marketing, now - timedelta(hours=3))
        post_service.submit_post(post, marketing, post.version, now - timedelta(hours=3))
        if state == "live":
            post_service.approve_post(post, reviewer, post.version, "Checked: fine to share.", now - timedelta(hours=2))
        made += 1
    db.session.flush()
    return made

"""The leaderboard: opt-in per person, switchable off for the organisation."""
from datetime import timedelta

from advocacy.core.db import db as _db
from advocacy.core.organisation import Organisation, ORGANISATION_DEFAULTS

from ..conftest import START, login
from ..factories import create_user
from ..feed.factories import create_live_post
from .test_analytics import share


def test_only_people_who_opted_in_appear_with_their_last_30_days(client, db, frozen, marketing, reviewer, employee):
    frozen(START)
    post = create_live_post(marketing, reviewer)
    keen = create_user("keen@example.com", "Kim Keen", leaderboard_opt_in=True)
    shy = create_user("shy@example.com", "Sam Shy")
    for network in ("linkedin", "x", "facebook"):
        share(keen, post, network, START - timedelta(days=1))
    share(keen, post, "email", START - timedelta(days=40))
    share(shy, post, "linkedin", START - timedelta(days=1))
    _db.session.commit()
    login(client, employee)
    html = client.get("/leaderboard").get_data(as_text=True)
    assert "Kim Keen" in html and "3 shares" in html
    assert "Sam Shy" not in html


def test_the_organisation_can_switch_leaderboards_off(client, db, employee):
    _db.session.add(Organisation(**{**ORGANISATION_DEFAULTS, "leaderboards_enabled": False}))
    _db.session.commit()
    login(client, employee)
    assert client.get("/leaderboard").status_code == 404
    assert "Show me on the leaderboard" not in client.get("/account/privacy").get_data(as_text=True)

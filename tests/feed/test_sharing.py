"""Sharing: the POST records the share first, then the browser goes to the network."""
import threading
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from advocacy.core.db import db
from advocacy.feed.models import Share, TrackedLink

from advocacy.identity.sessions import bound_id

from ..conftest import START, login
from ..factories import create_user
from .factories import certify

PHONE = {"User-Agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                       "Chrome/124.0 Mobile Safari/537.36"}


def shares():
    return db.session.scalars(select(Share).order_by(Share.id)).all()


def test_a_certified_employee_shares_on_x_from_a_phone(client, certified, live_post, at_start):
    login(client, certified, user_agent=PHONE["User-Agent"])
    response = client.post(f"/feed/{live_post.id}/share/x", headers=PHONE)
    assert response.status_code == 303
    location = urlsplit(response.headers["Location"])
    assert (location.scheme, location.netloc, location.path) == ("https", "twitter.com", "/intent/tweet")
    query = parse_qs(location.query)
    link = db.session.scalar(select(TrackedLink))
    assert query["url"] == [f"http://advocacy.test/r/{link.code}"]
    assert query["text"][0] in ("X one\n\n#spring", "X two\n\n#spring")
    [share] = shares()
    assert (share.user_id, share.post_id, share.post_version, share.network) == (certified.id, live_post.id, 1, "x")
    assert share.shared_at == START and share.link_id == link.id
    assert ["X one", "X two"][share.variant] in query["text"][0]
    assert len(link.code) >= 16 and (link.user_id, link.network) == (certified.id, "x")


@pytest.mark.parametrize("network, prefix, carries_text", [
    ("linkedin", "https://www.linkedin.com/sharing/share-offsite/?url=", False),
    ("facebook", "https://www.facebook.com/sharer/sharer.php?u=", False),
    ("whatsapp", "https://wa.me/?text=", True),
    ("email", "mailto:?subject=", True),
])
def test_every_network_gets_the_tracked_link(client, certified, live_post, at_start, network, prefix, carries_text):
    login(client, certified)
    location = client.post(f"/feed/{live_post.id}/share/{network}").headers["Location"]
    code = db.session.scalar(select(TrackedLink.code))
    assert location.startswith(prefix) and f"%2Fr%2F{code}" in location
    assert ("one" in location) == carries_text


def test_linkedin_without_javascript_shows_the_caption_ready_to_select(client, certified, live_post, at_start):
    login(client, certified)
    html = client.get(f"/feed/{live_post.id}/share/linkedin").get_data(as_text=True)
    assert "<textarea id=\"caption\" readonly" in html and "LinkedIn " in html and "#spring" in html
    assert f'action="/feed/{live_post.id}/share/linkedin"' in html
    assert shares() == []  # looking at the text is not sharing


def test_colleagues_get_different_captions_and_each_keeps_theirs(client, department, live_post, at_start):
    people = [create_user(f"colleague{n}@example.com", department=department) for n in range(3)]
    for person in people:
        certify(person)
    db.session.commit()
    captions = set()
    for person in people:
        login(client, person)
        html = client.get("/feed").get_data(as_text=True)
        start = html.index('data-share-copy="') + len('data-share-copy="')
        caption = html[start:html.index('"', start)]
        assert caption == client.get("/feed").get_data(as_text=True)[start:start + len(caption)]
        captions.add(caption)
        client.post(f"/feed/{live_post.id}/share/linkedin")
    assert len(captions) == 3
    assert sorted(s.variant for s in shares()) == [0, 1, 2]


def test_a_double_tap_records_one_share_and_a_later_share_another(client, certified, live_post, frozen):
    frozen(START)
    login(client, certified)
    client.post(f"/feed/{live_post.id}/share/x")
    frozen(START + timedelta(seconds=4))
    client.post(f"/feed/{live_post.id}/share/x")
    assert len(shares()) == 1
    frozen(START + timedelta(minutes=5))
    client.post(f"/feed/{live_post.id}/share/x")
    assert len(shares()) == 2
    assert db.session.scalar(select(func.count(TrackedLink.id))) == 1  # one link per person, post, network


def test_taps_arriving_together_record_one_share(app, certified, live_post, at_start):
    results, token, url = [], certified.session_token, f"/feed/{live_post.id}/share/whatsapp"

    barrier = threading.Barrier(6)

    def tap():
        with app.app_context():
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = bound_id(token, "Werkzeug/")
            barrier.wait()
            results.append(client.post(url).status_code)

    threads = [threading.Thread(target=tap) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [303] * 6
    assert len(shares()) == 1 and db.session.scalar(select(func.count(TrackedLink.id))) == 1


def test_the_phone_share_sheet_gets_text_and_link_as_json(client, certified, live_post, at_start):
    login(client, certified)
    response = client.post(f"/feed/{live_post.id}/share/other", headers={"Accept": "application/json"})
    code = db.session.scalar(select(TrackedLink.code).where(TrackedLink.network == "other"))
    assert response.json["url"] == f"http://advocacy.test/r/{code}"
    assert "#spring" in response.json["text"] and response.json["title"] == live_post.title
    assert shares()[0].network == "other"
    # Without JavaScript the same POST leads to a page with the link to copy.
    response = client.post(f"/feed/{live_post.id}/share/other", follow_redirects=True)
    assert f"http://advocacy.test/r/{code}" in response.get_data(as_text=True)


def test_sharing_needs_the_csrf_token(client, certified, live_post, at_start, csrf_on):
    from ..conftest import csrf_token

    login(client, certified)
    assert client.post(f"/feed/{live_post.id}/share/x").status_code == 400
    assert shares() == []
    token = csrf_token(client, "/feed")
    assert client.post(f"/feed/{live_post.id}/share/x", data={"csrf_token": token}).status_code == 303


def test_an_unknown_network_is_not_found(client, certified, live_post, at_start):
    login(client, certified)
    assert client.post(f"/feed/{live_post.id}/share/myspace").status_code == 404
    assert client.get(f"/feed/{live_post.id}/share/myspace").status_code == 404


def test_my_shares_lists_what_i_shared_with_clicks_and_nothing_of_others(client, certified, other_employee,
                                                                         live_post, at_start):
    certify(other_employee)
    db.session.commit()
    login(client, other_employee)
    client.post(f"/feed/{live_post.id}/share/facebook")
    login(client, certified)
    client.post(f"/feed/{live_post.id}/share/x")
    mine = db.session.scalar(select(TrackedLink).where(TrackedLink.user_id == certified.id))
    theirs = db.session.scalar(select(TrackedLink).where(TrackedLink.user_id == other_employee.id))
    client.get(f"/r/{mine.code}", headers=PHONE)
    html = client.get("/feed/mine").get_data(as_text=True)
    assert live_post.title in html and "X" in html and "1 click" in html and "Facebook" not in html
    assert client.get(f"/feed/mine/{mine.id}").status_code == 200
    assert client.get(f"/feed/mine/{theirs.id}").status_code == 404

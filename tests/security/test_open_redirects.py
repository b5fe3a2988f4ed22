"""Open-redirect payloads into every place that redirects to an address it was given.

Already covered elsewhere (not repeated here): `next` on the login form POST with the classic
table (tests/auth/test_login.py), malformed tracked-link codes and an edit waiting for review
(tests/feed/test_tracking.py). This file adds `next` on GET /login and on /language, the
encodings and lookalikes that table lacks, /r/<payload>, and where a tracked link goes after its
post's link was edited and approved again.
"""
from urllib.parse import quote, urljoin, urlsplit

import pytest
from sqlalchemy import select

from advocacy.core.db import db
from advocacy.feed import posts as post_service
from advocacy.feed.models import Click
from advocacy.feed.sharing import record_share

from ..conftest import START, login, login_with_form
from ..feed.factories import certify, create_live_post, post_values
from ..feed.test_tracking import BROWSER

SITE = "http://localhost"
PAYLOADS = [
    "//evil.example", "/\\evil.example", "https:evil.example", "\\\\evil.example", "/%2F%2Fevil.example",
    "%2F%2Fevil.example", "https://evil.example", "//evil.example@127.0.0.1", "/\t/evil.example",
    "/.evil.example", "javascript:alert(1)", "JaVaScRiPt:alert(1)", " //evil.example", "///evil.example",
    "/\\/evil.example", "http:/evil.example", "/%09/evil.example", "/%5Cevil.example", "/%0d%0aLocation:%20//evil",
    # Lookalikes of "/" and "\" that some software folds into ASCII.
    "/\uff0fevil.example", "\uff0f\uff0fevil.example", "/\u2215evil.example", "\u2044\u2044evil.example",
    "/\uff3cevil.example", "\u3002evil.example", "/\u200b/evil.example", "//evil\u3002example",
    "http://127.0.0.1@evil.example", "//127.0.0.1%2F@evil.example", "/@evil.example",
]


def stays_on_site(location: str) -> bool:
    """Where a browser goes with this Location, read the way browsers read it: backslashes as
    slashes, tabs and newlines dropped."""
    browser_view = location.replace("\\", "/").replace("\t", "").replace("\n", "").replace("\r", "")
    target = urlsplit(urljoin(SITE + "/login", browser_view))
    return target.scheme in ("http", "https") and target.netloc == "localhost" and not browser_view.startswith("//")


def test_the_reader_of_locations_knows_a_way_off_the_site():
    assert not stays_on_site("//evil.example") and not stays_on_site("/\\evil.example")
    assert not stays_on_site("https://evil.example/") and not stays_on_site("/\t/evil.example")
    assert stays_on_site("/home") and stays_on_site("http://localhost/home")


@pytest.mark.parametrize("target", PAYLOADS)
def test_next_on_the_login_page_when_already_logged_in_stays_on_the_site(client, employee, target):
    login(client, employee)
    response = client.get("/login", query_string={"next": target})
    assert response.status_code == 302 and stays_on_site(response.headers["Location"]), response.headers["Location"]


@pytest.mark.parametrize("target", PAYLOADS)
def test_next_after_logging_in_stays_on_the_site(client, employee, target):
    response = login_with_form(client, employee.email, next=target)
    assert response.status_code == 302 and stays_on_site(response.headers["Location"]), response.headers["Location"]


@pytest.mark.parametrize("target", PAYLOADS)
def test_next_after_changing_the_language_stays_on_the_site(client, target):
    response = client.post("/language", data={"language": "nl", "next": target})
    assert response.status_code == 302 and stays_on_site(response.headers["Location"]), response.headers["Location"]


def test_next_on_the_site_is_kept(client):
    assert client.post("/language", data={"language": "nl", "next": "/login?x=1"}).headers["Location"] == "/login?x=1"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_tracked_link_code_that_is_an_address_is_not_found(client, payload):
    path = "/r/" + quote(payload, safe="")
    response = client.get(path, headers={"User-Agent": BROWSER})
    if response.status_code == 308:  # the router merges the slashes of a decoded %2F%2F: on this site
        assert stays_on_site(response.headers["Location"]), response.headers["Location"]
        response = client.get(response.headers["Location"], headers={"User-Agent": BROWSER})
    assert response.status_code == 404 and "Location" not in response.headers
    assert db.session.scalar(select(db.func.count(Click.id))) == 0


# -- a tracked link goes to the approved link and nowhere else -------------------------------------

@pytest.fixture
def shared(employee, marketing, reviewer, frozen):
    frozen(START)
    certify(employee)
    post = create_live_post(marketing, reviewer)
    share, _, _ = record_share(post, employee.id, "x", START)
    db.session.commit()
    return share.link


def follow(client, link):
    response = client.get(f"/r/{link.code}", headers={"User-Agent": BROWSER})
    assert response.status_code == 302
    return response.headers["Location"]


def test_a_link_edited_after_sharing_goes_to_the_newly_approved_link_only_once_approved(
        client, shared, marketing, reviewer):
    post = shared.post
    before = follow(client, shared)
    assert urlsplit(before).netloc == "www.example.com"
    post_service.edit_post(post, post_values(link="https://other.example/after?utm_source=spoofed"), marketing,
                           post.version, START)
    db.session.commit()
    assert follow(client, shared) == before, "an edit nobody approved changes nothing"
    post_service.approve_post(post, reviewer, post.version, "", START)
    db.session.commit()
    after = urlsplit(follow(client, shared))
    assert (after.scheme, after.netloc, after.path) == ("https", "other.example", "/after")
    assert "spoofed" not in after.query and "utm_source=x" in after.query


def test_the_redirect_host_is_the_stored_links_host_whatever_the_query_holds(client, employee, marketing, reviewer,
                                                                              frozen):
    frozen(START)
    certify(employee)
    tricky = "https://www.example.com/p?next=//evil.example&u=https%3A%2F%2Fevil.example#@evil.example"
    post = create_live_post(marketing, reviewer, link=tricky)
    share, _, _ = record_share(post, employee.id, "linkedin", START)
    db.session.commit()
    location = follow(client, share.link)
    assert urlsplit(location).netloc == "www.example.com"
    assert location.startswith("https://www.example.com/p?")
    assert db.session.scalar(select(db.func.count(Click.id))) == 1

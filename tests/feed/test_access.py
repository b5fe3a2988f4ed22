"""Every route of the feed, for every role: (route, role) -> status."""
import pytest

from ..access import Row, cases, check

EVERYONE = dict(employee=200, manager=200, hr=200, marketing=200, reviewer=200, admin=200)
ONLY_MARKETING = dict(employee=403, manager=403, hr=403, marketing=200, reviewer=403, admin=403)
MARKETING_AND_REVIEWERS = dict(employee=403, manager=403, hr=403, marketing=200, reviewer=200, admin=403)
ONLY_REVIEWERS = dict(employee=403, manager=403, hr=403, marketing=403, reviewer=200, admin=403)
# Only the certified employee may see the live post; nobody else in the world holds a certification.
CERTIFIED_ONLY = dict(employee=200, manager=404, hr=404, marketing=404, reviewer=404, admin=404)


def live(world):
    return world["live"].id


ACCESS = [
    # the employee's feed
    Row("GET", "/feed", anon=302, **EVERYONE),
    Row("GET", lambda w: f"/feed/{live(w)}", rule="/feed/<int:post_id>", anon=302, **CERTIFIED_ONLY),
    Row("GET", lambda w: f"/feed/{w['advanced'].id}", rule="/feed/<int:post_id>", employee=404, admin=404),
    Row("GET", lambda w: f"/feed/{w['draft'].id}", rule="/feed/<int:post_id>", employee=404, marketing=404),
    Row("GET", "/feed/999999", rule="/feed/<int:post_id>", employee=404),
    Row("GET", lambda w: f"/feed/{live(w)}/image", rule="/feed/<int:post_id>/image", anon=302, employee=302,
        manager=404, hr=404, marketing=302, reviewer=302, admin=404),
    Row("GET", lambda w: f"/feed/{w['advanced'].id}/image", rule="/feed/<int:post_id>/image", employee=404,
        marketing=404),
    Row("GET", lambda w: f"/feed/{live(w)}/image/{w['live'].image_name}", rule="/feed/<int:post_id>/image/<name>",
        anon=302, employee=200, manager=404, hr=404, marketing=200, reviewer=200, admin=404),
    Row("GET", lambda w: f"/feed/{live(w)}/image/{'0' * 64}.png", rule="/feed/<int:post_id>/image/<name>",
        employee=404, marketing=404),
    Row("GET", lambda w: f"/feed/{w['advanced'].id}/image/{w['live'].image_name}",
        rule="/feed/<int:post_id>/image/<name>", employee=404, marketing=404),
    Row("GET", lambda w: f"/feed/{live(w)}/share/linkedin", rule="/feed/<int:post_id>/share/<network>",
        anon=302, **CERTIFIED_ONLY),
    Row("GET", lambda w: f"/feed/{live(w)}/share/nowhere", rule="/feed/<int:post_id>/share/<network>",
        employee=404),
    Row("POST", lambda w: f"/feed/{live(w)}/share/x", rule="/feed/<int:post_id>/share/<network>", anon=302,
        employee=303, manager=404, hr=404, marketing=404, reviewer=404, admin=404),
    Row("POST", lambda w: f"/feed/{w['advanced'].id}/share/x", rule="/feed/<int:post_id>/share/<network>",
        employee=404),
    Row("GET", "/feed/mine", anon=302, **EVERYONE),
    Row("GET", lambda w: f"/feed/mine/{w['own_link'].id}", rule="/feed/mine/<int:link_id>", anon=302,
        employee=200, manager=404, hr=404, marketing=404, reviewer=404, admin=404),
    Row("GET", lambda w: f"/feed/mine/{w['other_link'].id}", rule="/feed/mine/<int:link_id>", employee=404),
    # the public tracked link (anonymous visitors are redirected to the post's link, not to login:
    # tests/feed/test_tracking.py follows them)
    Row("GET", lambda w: f"/r/{w['own_link'].code}", rule="/r/<code>", employee=302, hr=302, admin=302),
    Row("GET", "/r/AAAAAAAAAAAAAAAA", rule="/r/<code>", anon=404, employee=404),
    # marketing
    Row("GET", "/posts", anon=302, **ONLY_MARKETING),
    Row("GET", "/posts/new", anon=302, **ONLY_MARKETING),
    Row("POST", "/posts/new", data={}, anon=302, **ONLY_MARKETING),  # 200: the form with its errors
    Row("GET", lambda w: f"/posts/{w['draft'].id}", rule="/posts/<int:post_id>", anon=302,
        **MARKETING_AND_REVIEWERS),
    Row("GET", "/posts/999999", rule="/posts/<int:post_id>", marketing=404, reviewer=404),
    Row("GET", lambda w: f"/posts/{w['draft'].id}/edit", rule="/posts/<int:post_id>/edit", anon=302,
        **ONLY_MARKETING),
    Row("POST", lambda w: f"/posts/{w['draft'].id}/edit", rule="/posts/<int:post_id>/edit", data={}, anon=302,
        **ONLY_MARKETING),
    Row("POST", lambda w: f"/posts/{w['draft'].id}/submit", rule="/posts/<int:post_id>/submit",
        data={"version": "1"}, anon=302, employee=403, manager=403, hr=403, marketing=302, reviewer=403,
        admin=403),
    Row("POST", "/posts/999999/submit", rule="/posts/<int:post_id>/submit", marketing=404),
    Row("POST", lambda w: f"/posts/{live(w)}/withdraw", rule="/posts/<int:post_id>/withdraw", anon=302,
        employee=403, manager=403, hr=403, marketing=302, reviewer=302, admin=403),
    Row("GET", lambda w: f"/posts/{w['draft'].id}/history", rule="/posts/<int:post_id>/history", anon=302,
        **MARKETING_AND_REVIEWERS),
    # reviewers
    Row("GET", "/review", anon=302, **ONLY_REVIEWERS),
    Row("GET", lambda w: f"/review/{w['draft'].id}", rule="/review/<int:post_id>", anon=302, **ONLY_REVIEWERS),
    Row("POST", lambda w: f"/review/{w['draft'].id}", rule="/review/<int:post_id>",
        data={"decision": "approve", "version": "1"}, anon=302, employee=403, manager=403, hr=403,
        marketing=403, reviewer=302, admin=403),
    Row("POST", "/review/999999", rule="/review/<int:post_id>", data={"decision": "approve", "version": "1"},
        reviewer=404),
]


@pytest.mark.parametrize("row, role", cases(ACCESS))
def test_access(client, feed_world, row, role):
    check(client, feed_world, row, role)

import pytest

from advocacy.core.db import db as _db

from ..conftest import START
from .factories import certify, create_live_post, create_post


@pytest.fixture
def certified(employee):
    """The employee, holding a valid basic certification at START."""
    certify(employee, "basic")
    _db.session.commit()
    return employee


@pytest.fixture
def live_post(marketing, reviewer):
    post = create_live_post(marketing, reviewer)
    _db.session.commit()
    return post


@pytest.fixture
def at_start(frozen):
    frozen(START)
    return START


@pytest.fixture
def feed_world(world, frozen):
    """Every role's person plus: a live basic post the (certified) employee and other employee may
    share, an advanced post, a draft in review, and a tracked link of the other employee's."""
    from advocacy.feed.sharing import record_share
    from advocacy.core.images import store_image

    from .helpers import PNG

    frozen(START)
    certify(world["employee"], "basic")
    certify(world["other_employee"], "basic")
    live = create_live_post(world["marketing"], world["reviewer"], title="Live basic post")
    live.image_name, live.image_type = store_image(PNG, "image/png"), "image/png"
    advanced = create_live_post(world["marketing"], world["reviewer"], title="Advanced post", min_tier="advanced")
    draft = create_post(world["marketing"], title="In review")
    from advocacy.feed import posts as post_service
    post_service.submit_post(draft, world["marketing"], draft.version, START)
    share, _, _ = record_share(live, world["other_employee"].id, "linkedin", START)
    own_share, _, _ = record_share(live, world["employee"].id, "x", START)
    _db.session.commit()
    return {**world, "live": live, "advanced": advanced, "draft": draft, "other_link": share.link,
            "own_link": own_share.link}

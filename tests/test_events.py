"""core/events.py: published events reach their subscribers at once, with the catalogue's fields."""
from __future__ import annotations

import pytest
from freezegun import freeze_time

from advocacy.core import events


@pytest.fixture
def heard():
    got: list[tuple[str, dict]] = []

    def listener(name, payload):
        got.append((name, payload))

    events.subscribe(["post.live", "post.withdrawn"], listener)
    events.subscribe(["post.live"], listener)  # twice: still heard once
    yield got
    events.unsubscribe(["post.live", "post.withdrawn"], listener)


@freeze_time("2026-03-02 09:30:00")
def test_a_subscriber_hears_its_events_once_with_the_time_they_happened(heard):
    events.publish("post.live", post_id=3, title="Hiring")
    events.publish("person.deactivated", person_id=1, source="scim")  # not subscribed
    assert heard == [("post.live", {"post_id": 3, "title": "Hiring", "occurred_at": "2026-03-02T09:30:00+00:00"})]


def test_an_unknown_event_or_a_missing_field_is_refused(heard):
    with pytest.raises(KeyError):
        events.publish("post.liked", post_id=1)
    with pytest.raises(TypeError, match="title"):
        events.publish("post.live", post_id=1)
    with pytest.raises(KeyError):
        events.subscribe("nothing.here", lambda *_: None)
    assert heard == []

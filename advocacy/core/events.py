"""Domain events: what happened, told once, inside the transaction that made it happen.

A feature that changes something others may want to hear about publishes it:

    events.publish("certification.earned", person_id=7, course_slug="basic", tier="basic", ...)

Subscribers are called at once, in the same transaction, in the order they subscribed. They only
write (an outbox row, a delivery to do) and register `after_commit(...)` for anything that leaves
the process (a job to enqueue): so an event of a request that rolls back leaves no trace, and an
event that was stored is delivered even if the process dies right after the commit. A subscriber
must not raise for bad luck elsewhere (a peer that is down): that is the job's business, later.

The names and their payloads are listed in EVENTS; publishing an unknown name, or leaving out a
field the catalogue names, is a programming error and raises. Payload values are plain JSON
(ints, strings, ISO dates as strings, lists), never ORM objects: a subscriber stores them as they
are. Every payload also carries `occurred_at` (UTC, ISO 8601), set by `publish`.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from advocacy.core.clock import utcnow

# name -> the fields its payload always has (subscribers may rely on them; more may be added).
EVENTS: dict[str, tuple[str, ...]] = {
    # learning
    "lesson.read": ("person_id", "course_slug", "tier", "course_version", "lesson_slug", "language"),
    "quiz.attempt_finished": ("person_id", "attempt_id", "course_slug", "tier", "course_version",
                              "score_scaled", "passed", "started_at", "finished_at"),
    "certification.earned": ("person_id", "certification_id", "course_slug", "tier", "course_version",
                             "valid_until"),
    "certification.renewed": ("person_id", "certification_id", "course_slug", "tier", "course_version",
                              "valid_until"),
    "certification.expired": ("person_id", "certification_id", "course_slug", "tier", "expired_at"),
    "certification.revoked": ("person_id", "certification_id", "course_slug", "tier", "reason"),
    "policy.acknowledged": ("person_id", "policy_version"),
    # feed
    "post.live": ("post_id", "title"),
    "post.withdrawn": ("post_id", "title"),
    "crisis.started": ("reason",),
    "crisis.ended": (),
    # people
    "person.deactivated": ("person_id", "source"),
    "person.reactivated": ("person_id", "source"),
}

Subscriber = Callable[[str, dict[str, Any]], None]
_subscribers: dict[str, list[Subscriber]] = {}


def subscribe(names: str | tuple[str, ...] | list[str], subscriber: Subscriber) -> None:
    """Call `subscriber(name, payload)` whenever one of `names` is published ("*" is every event).
    Subscribing the same function twice to a name has no further effect (features init per app)."""
    for name in ([names] if isinstance(names, str) else names):
        if name != "*" and name not in EVENTS:
            raise KeyError(f"unknown event {name!r}: add it to core/events.py EVENTS first")
        listeners = _subscribers.setdefault(name, [])
        if subscriber not in listeners:
            listeners.append(subscriber)


def unsubscribe(names: str | tuple[str, ...] | list[str], subscriber: Subscriber) -> None:
    for name in ([names] if isinstance(names, str) else names):
        if subscriber in _subscribers.get(name, []):
            _subscribers[name].remove(subscriber)


def publish(name: str, **payload: Any) -> dict[str, Any]:
    """Tell every subscriber, now, in this transaction; returns the payload as they saw it."""
    if name not in EVENTS:
        raise KeyError(f"unknown event {name!r}: add it to core/events.py EVENTS first")
    missing = [field for field in EVENTS[name] if field not in payload]
    if missing:
        raise TypeError(f"event {name!r} is missing {', '.join(missing)}")
    payload.setdefault("occurred_at", utcnow().isoformat())
    for subscriber in [*_subscribers.get(name, []), *_subscribers.get("*", [])]:
        subscriber(name, payload)
    return payload

"""The learning-order rule over a table of cases."""
from datetime import datetime, timedelta

import pytest

from advocacy.learning.rules.quiz_order import COOLDOWN, LESSONS_UNREAD, OPEN, quiz_order

NOW = datetime(2026, 3, 2, 9, 0)
LATER = NOW + timedelta(hours=3)
EARLIER = NOW - timedelta(minutes=1)


@pytest.mark.parametrize("before, unread, opens_at, reason", [
    (True, [], None, OPEN),
    (True, ["Lesson 2"], None, LESSONS_UNREAD),
    (False, ["Lesson 2"], None, OPEN),                 # the setting off: reading is not required
    (True, [], LATER, COOLDOWN),
    (True, [], NOW, OPEN),                             # the cooldown ends now: open
    (True, [], EARLIER, OPEN),
    (True, ["Lesson 2"], LATER, LESSONS_UNREAD),       # reading first: it is what one can do now
    (False, ["Lesson 2"], LATER, COOLDOWN),
])
def test_quiz_order(before, unread, opens_at, reason):
    order = quiz_order(lessons_before_quiz=before, unread=unread, opens_at=opens_at, now=NOW)
    assert order.reason == reason
    assert order.open == (reason == OPEN)
    assert order.unread == (tuple(unread) if reason == LESSONS_UNREAD else ())
    assert order.opens_at == (opens_at if reason == COOLDOWN else None)

"""Learning order: when a course's quiz may be started, as a pure rule over plain values.

    lessons_before_quiz on (the default): the quiz opens once every lesson of the course is read
    a cooldown running (rules/grading.next_attempt_at): the quiz opens when it ends
    otherwise the quiz is open

An attempt already started is never refused here: the person continues it. Learn uses the same
rule, so it never says "Take the quiz" while the start page would refuse.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

OPEN = "open"
LESSONS_UNREAD = "lessons_unread"
COOLDOWN = "cooldown"


@dataclass(frozen=True)
class QuizOrder:
    open: bool
    reason: str                          # open | lessons_unread | cooldown
    unread: tuple = ()                   # what is left to read (as given), when that is the reason
    opens_at: datetime | None = None     # when the cooldown ends, when that is the reason


def quiz_order(*, lessons_before_quiz: bool, unread: Sequence, opens_at: datetime | None,
               now: datetime) -> QuizOrder:
    """Whether the quiz may be started now. `unread` are the course's lessons the person has not
    read (any values: titles, views); `opens_at` is when the next attempt opens after failures
    (None when no cooldown). Unread lessons come first: reading is what the person can do now."""
    if lessons_before_quiz and unread:
        return QuizOrder(False, LESSONS_UNREAD, tuple(unread))
    if opens_at is not None and opens_at > now:
        return QuizOrder(False, COOLDOWN, opens_at=opens_at)
    return QuizOrder(True, OPEN)

"""Courses with small quizzes, and answer sheets built from what the server knows."""
from __future__ import annotations

import random

from advocacy.core.transaction import unit_of_work
import textwrap
from pathlib import Path

from sqlalchemy import select

from advocacy.learning.curriculum.errors import ContentError
from advocacy.learning.models.courses import Course, CourseText
from advocacy.core.db import db
from advocacy.learning.curriculum.quiz_sync import sync_quiz
from advocacy.learning.models.quizzes import Attempt, QuizQuestion

# Six questions, one of each gradable kind and a multiple-answer one. Answers are unambiguous so
# tests can answer right or wrong on purpose.
SMALL_GIFT = textwrap.dedent("""\
    // A small pool for tests.
    ::Capital::What is the capital of the Netherlands? {
    =Amsterdam#Yes, Amsterdam is the capital.
    ~Rotterdam#No, Rotterdam is the big port.
    ~Utrecht#No, Utrecht is in the middle.
    ####Geography is in lesson 1.
    }

    ::Primes::Which of these are prime numbers? {
    ~%50%Two#Two is prime.
    ~%50%Three#Three is prime.
    ~%-100%Four#Four is two times two.
    ~%-100%Six#Six is two times three.
    ####Primes have exactly two divisors.
    }

    ::Sky::The sky on a clear day is green. {F#Look up once more.#Right, it is blue.####Colours are in lesson 2.}

    ::Hashtag::Which hashtag do we use for company news? {=demobv#Exactly. =%50%demo#Close: the full name is better. ####The policy lists our hashtag.}

    ::Owners::Match each network to the company that owns it. {
    =LinkedIn -> Microsoft
    =Instagram -> Meta
    =YouTube -> Google
    = -> Apple
    ####Lesson 3 has the owners.
    }

    ::Week::How many days does a week have? {#7####Count from Monday to Sunday.}
    """)

SETTINGS = dict(questions=6, pass_mark=80, attempts_before_cooldown=2, cooldown_hours=24, time_limit_minutes=20,
                valid_months=12)


def create_course(slug: str = "basic", tier: str = "basic", title: str = "Social media basics") -> Course:
    course = Course(slug=slug, tier=tier, order=1)
    course.texts = [CourseText(language="en", title=title, summary="The platforms, our policy and the goals.",
                               content_hash="test")]
    db.session.add(course)
    db.session.flush()
    return course


def write_gift(folder: Path, text: str = SMALL_GIFT, name: str = "quiz.gift") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def load_quiz(course: Course, folder: Path, text: str = SMALL_GIFT, language: str = "en", **settings) -> int:
    """Sync a quiz the way `flask content sync` does; fails the test on any content error."""
    errors: list[ContentError] = []
    merged = {key: value for key, value in {**SETTINGS, **settings}.items() if value is not None}
    changed = sync_quiz(course, write_gift(folder, text), merged, language, errors)
    assert not errors, [str(e) for e in errors]
    db.session.flush()
    return changed


def create_quiz_course(folder: Path, slug: str = "basic", tier: str = "basic", **settings) -> Course:
    course = create_course(slug, tier)
    load_quiz(course, folder / slug, **settings)
    db.session.commit()
    return course


# -- answering ------------------------------------------------------------------------------------

def _questions(attempt: Attempt) -> dict[int, dict]:
    ids = [item["id"] for item in attempt.items]
    return {q.id: q.data for q in db.session.scalars(select(QuizQuestion).where(QuizQuestion.id.in_(ids)))}


def _choice(question: dict, item: dict, right: bool) -> list[str]:
    answers = question["answers"]
    if right:
        wanted = {i for i, a in enumerate(answers) if a["fraction"] > 0}
        if question["type"] == "truefalse" or question.get("single", True):
            wanted = {max(range(len(answers)), key=lambda i: answers[i]["fraction"])}
    else:
        wanted = {min(range(len(answers)), key=lambda i: answers[i]["fraction"])}
    return [token for token, index in item["options"] if index in wanted]


def _matching(question: dict, item: dict, number: int, right: bool) -> dict:
    by_text = {text: token for token, text in item["choices"]}
    form = {}
    for part, pair_index in enumerate(item["items"], 1):
        answer = question["pairs"][pair_index]["answer"]
        if not right:
            answer = next(text for text in by_text if text != answer)
        form[f"q{number}-{part}"] = [by_text[answer]]
    return form


def answer_sheet(attempt: Attempt, right=True) -> dict[str, list[str]]:
    """A submitted form answering every question right (or wrong). `right` may be a set of
    question numbers to answer right, the rest wrong."""
    form: dict[str, list[str]] = {}
    for number, item in enumerate(attempt.items, 1):
        question = _questions(attempt)[item["id"]]
        ok = number in right if isinstance(right, (set, frozenset)) else right
        kind = question["type"]
        if kind in ("multichoice", "truefalse"):
            form[f"q{number}"] = _choice(question, item, ok)
        elif kind == "matching":
            form.update(_matching(question, item, number, ok))
        elif kind == "shortanswer":
            best = max(question["answers"], key=lambda a: a["fraction"])
            form[f"q{number}"] = [best["text"].upper() + "  " if ok else "no idea"]
        else:
            best = max((a for a in question["answers"] if a["value"] is not None), key=lambda a: a["fraction"])
            form[f"q{number}"] = [str(best["value"]) if ok else "12345"]
    return form


# -- taking ---------------------------------------------------------------------------------------

def start(user, course, now=None, seed=1) -> Attempt:
    from advocacy.core.clock import utcnow
    from advocacy.learning.services import quizzes as services

    with unit_of_work():  # committed, as the request that starts it would
        return services.start_attempt(user, course, "en", now or utcnow(), rng=random.Random(seed))


def take(user, course, right=True, now=None, seed=1) -> Attempt:
    """Start and submit an attempt, answering everything right (a pass) or wrong."""
    from advocacy.core.clock import utcnow
    from advocacy.learning.services import quizzes as services

    attempt = start(user, course, now, seed)
    with unit_of_work():
        return services.submit_attempt(attempt, answer_sheet(attempt, right), now or utcnow())

"""The bounds every shipped question pool and lesson keeps (issue 18: quizzes that test judgement).

A pool that rewards "pick the longest option" or "it is always false" lets people pass without
reading a lesson. These tests measure those cues on every pool under `content/` (English and
Dutch, every tier named in CURRICULUM_TIERS) and fail naming the file that breaks a bound:

* single-answer multiple choice: the right option is the longest (a tie counts as longest) in at
  most a third of the questions, and on average it is at most 1.15 times the mean length of the
  wrong options of its question;
* multiple answer: on average the right options are at most 1.15 times as long as the wrong ones;
* true/false: 40 to 60 percent of the keys are "true" (a pool with fewer than five is too small
  to balance; its test id says so and the test skips);
* every answer has feedback and every question general feedback; the general feedback of a
  matching question names at most half of the pairs' answers (it teaches, it does not hand out
  the key after a failed attempt);
* a pool holds at least three times the questions an attempt draws; the Dutch pool has as many
  questions of each kind as the English one, the same topic tags, and only the English course.md
  has a [quiz] table (one set of quiz settings per course, for every language);
* topic tags, a comment line `// [tag:topic-...]` directly above a question, mark at least two
  questions each, and the basic course carries the five topics of today's risks;
* lessons: 300 to 900 words of body (everything after the front matter, HTML comments and the
  "In short" card included: they are read or at least scrolled past), `minutes` is
  round(words / 230) and at least 1, the course's `minutes` is the sum, every lesson ends with an
  "In short" card of 3 to 5 points, and the Dutch lessons have the English file names;
* short-answer questions on the disclosure label (those accepting "#ad") accept the same answers
  in every tier, so the basic and expert quizzes never disagree about the same fact.

CURRICULUM_TIERS (default "basic,advanced,expert") limits the run to some tiers, for example
`CURRICULUM_TIERS=basic` while another branch is still rewriting the other two.
"""

from __future__ import annotations

import math
import os
import re
import textwrap
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from statistics import mean

import pytest

from advocacy.learning.banks.gift import parse_gift, parse_gift_file, question_to_dict

CONTENT = Path(__file__).resolve().parents[2] / "advocacy" / "content"
LANGUAGES = ("en", "nl")
TIERS = tuple(t.strip() for t in os.environ.get("CURRICULUM_TIERS", "basic,advanced,expert").split(",")
              if t.strip())

MAX_LONGEST_RIGHT_SHARE = 1 / 3
MAX_LENGTH_RATIO = 1.15
TRUE_SHARE = (0.40, 0.60)
MIN_TRUEFALSE_TO_BALANCE = 5
DRAW_FACTOR = 3
LESSON_WORDS = (300, 900)
WORDS_PER_MINUTE = 230
SUMMARY_POINTS = (3, 5)
SUMMARY_TITLES = {"en": "In short", "nl": "Kort gezegd"}
MIN_QUESTIONS_PER_TOPIC = 2
REQUIRED_TOPICS = {
    "basic": {"topic-ai", "topic-account-security", "topic-impersonation", "topic-copyright",
              "topic-accessibility"},
}

_TAG = re.compile(r"\[tag:([^\]\s]+)\]")
_LESSON_NAME = re.compile(r"^\d+-.+\.md$")


# --- the measures (pure functions over question dicts and text) ----------------------------------


@dataclass(frozen=True)
class Cues:
    questions: int
    longest_right_share: float | None  # single answer only
    length_ratio: float | None  # mean over questions of (right length / mean wrong length)


def _length_ratio(right: list[int], wrong: list[int]) -> float:
    return mean(right) / max(mean(wrong), 1)


def single_answer_cues(questions: list[dict]) -> Cues:
    """How often the right option is the longest, and how much longer it is on average."""
    longest, ratios = [], []
    for q in questions:
        if q["type"] != "multichoice" or not q["single"]:
            continue
        right = [len(a["text"]) for a in q["answers"] if a["fraction"] >= 100]
        wrong = [len(a["text"]) for a in q["answers"] if a["fraction"] < 100]
        if right and wrong:
            longest.append(max(right) >= max(wrong))
            ratios.append(_length_ratio(right, wrong))
    return Cues(len(ratios), mean(longest) if longest else None, mean(ratios) if ratios else None)


def multi_answer_cues(questions: list[dict]) -> Cues:
    """How much longer the options that score are than those that do not, on average."""
    ratios = []
    for q in questions:
        if q["type"] != "multichoice" or q["single"]:
            continue
        right = [len(a["text"]) for a in q["answers"] if a["fraction"] > 0]
        wrong = [len(a["text"]) for a in q["answers"] if a["fraction"] <= 0]
        if right and wrong:
            ratios.append(_length_ratio(right, wrong))
    return Cues(len(ratios), None, mean(ratios) if ratios else None)


def truefalse_keys(questions: list[dict]) -> list[bool]:
    """The key of each true/false question: True when "true" is the right answer."""
    return [next(a for a in q["answers"] if a["text"] == "true")["fraction"] >= 100
            for q in questions if q["type"] == "truefalse"]


def missing_feedback(questions: list[dict]) -> list[str]:
    """'title: what' for every answer without feedback and every question without general feedback."""
    missing = []
    for q in questions:
        name = q["title"] or q["text"][:50]
        if not q["general_feedback"]:
            missing.append(f"{name}: general feedback")
        for answer in q.get("answers", []):
            if not (answer.get("feedback") or "").strip():
                missing.append(f"{name}: answer {answer.get('text', answer.get('value'))!r}")
    return missing


def pairs_named(question: dict) -> int:
    """How many of a matching question's answers its general feedback names word for word."""
    feedback = question["general_feedback"] or ""
    return sum(1 for pair in question["pairs"]
               if re.search(rf"(?<!\w){re.escape(pair['answer'])}(?!\w)", feedback, re.IGNORECASE))


def kinds(questions: list[dict]) -> Counter:
    return Counter(q["type"] + ("" if q["type"] != "multichoice" else "/single" if q["single"] else "/multi")
                   for q in questions)


def topic_tags(text: str, question_lines: list[int]) -> tuple[dict[str, int], list[int]]:
    """Questions per tag, and the lines of tags that stand above no question.

    A tag is `[tag:name]` in a comment line; it belongs to the question that starts on the first
    line after it that is not a comment (the parser drops comment lines, so a question's line is
    that of its first non-comment line)."""
    lines = text.split("\n")
    starts = set(question_lines)
    counts: dict[str, int] = defaultdict(int)
    dangling = []
    for number, line in enumerate(lines, 1):
        if not line.lstrip().startswith("//") or not _TAG.search(line):
            continue
        after = number + 1
        while after <= len(lines) and lines[after - 1].lstrip().startswith("//"):
            after += 1
        if after not in starts:
            dangling.append(number)
            continue
        for tag in _TAG.findall(line):
            counts[tag] += 1
    return dict(counts), dangling


def split_front_matter(text: str) -> tuple[dict, str]:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "+++":
        raise ValueError("no front matter")
    end = next(i for i in range(1, len(lines)) if lines[i].strip() == "+++")
    return tomllib.loads("\n".join(lines[1:end])), "\n".join(lines[end + 1:])


def word_count(body: str) -> int:
    return len(body.split())


def reading_minutes(words: int) -> set[int]:
    """round(words / 230), at least 1; both ways of rounding a half are accepted."""
    exact = words / WORDS_PER_MINUTE
    return {max(1, round(exact)), max(1, math.floor(exact + 0.5))}


def summary_points(body: str, title: str) -> list[str] | None:
    """The points of the `!!! summary "<title>"` card that ends the body, or None without one."""
    lines = body.rstrip().split("\n")
    header = f'!!! summary "{title}"'
    starts = [i for i, line in enumerate(lines) if line.rstrip() == header]
    if not starts:
        return None
    card = lines[starts[-1] + 1:]
    if any(line.strip() and not line.startswith("    ") for line in card):
        return None  # something follows the card: it is not the end of the lesson
    return [line.strip()[2:] for line in card if re.match(r"^    [-*] ", line)]


def normalised(text: str) -> str:
    """Short answers compare as the engine compares them: without case or extra spaces."""
    return " ".join(text.split()).casefold()


# --- the shipped curriculum -----------------------------------------------------------------------


@dataclass(frozen=True)
class Course:
    language: str
    folder: Path
    tier: str

    @property
    def id(self) -> str:
        return f"{self.language}/{self.folder.name}"

    @property
    def quiz(self) -> Path:
        return self.folder / "quiz.gift"

    def lessons(self) -> list[Path]:
        return sorted(p for p in self.folder.glob("*.md") if _LESSON_NAME.match(p.name))

    def meta(self) -> dict:
        return split_front_matter((self.folder / "course.md").read_text("utf-8"))[0]

    def twin(self, language: str) -> "Course | None":
        other = CONTENT / language / self.folder.name
        return Course(language, other, self.tier) if (other / "course.md").exists() else None


def shipped_courses() -> list[Course]:
    found = []
    for language in LANGUAGES:
        for course_md in sorted((CONTENT / language).glob("*/course.md")):
            tier = split_front_matter(course_md.read_text("utf-8"))[0].get("tier")
            if tier in TIERS:
                found.append(Course(language, course_md.parent, tier))
    return found


COURSES = shipped_courses()
POOLS = [c for c in COURSES if c.quiz.exists()]
ENGLISH_POOLS = [c for c in POOLS if c.language == "en"]
LESSONS = [(c, path) for c in COURSES for path in c.lessons()]


@cache
def pool(path: Path) -> tuple[list[dict], list[int]]:
    questions = parse_gift_file(path)
    return [question_to_dict(q) for q in questions], [q.line for q in questions]


def _truefalse_id(course: Course) -> str:
    try:
        count = len(truefalse_keys(pool(course.quiz)[0]))
    except Exception:  # noqa: BLE001 - the test itself reports the parse error
        return f"{course.id} (does not parse)"
    if count < MIN_TRUEFALSE_TO_BALANCE:
        return f"{course.id} ({count} true/false: too few to balance, skipped)"
    return f"{course.id} ({count} true/false)"


def by_id(courses):
    return {"argvalues": courses, "ids": [c.id for c in courses]}


def test_the_tiers_asked_for_are_there():
    assert TIERS and {c.tier for c in COURSES} == set(TIERS), f"CURRICULUM_TIERS={TIERS} found {COURSES}"


@pytest.mark.parametrize("course", **by_id(POOLS))
def test_the_right_single_answer_is_not_the_longest_too_often(course):
    cues = single_answer_cues(pool(course.quiz)[0])
    assert cues.questions > 0, f"{course.quiz}: no single-answer questions"
    assert cues.longest_right_share <= MAX_LONGEST_RIGHT_SHARE, (
        f"{course.quiz}: the right option is the longest in {cues.longest_right_share:.0%} of "
        f"{cues.questions} single-answer questions (at most {MAX_LONGEST_RIGHT_SHARE:.0%})")
    assert cues.length_ratio <= MAX_LENGTH_RATIO, (
        f"{course.quiz}: right options are {cues.length_ratio:.2f}x the wrong ones on average")


@pytest.mark.parametrize("course", **by_id(POOLS))
def test_the_right_multiple_answers_are_not_longer_than_the_wrong_ones(course):
    cues = multi_answer_cues(pool(course.quiz)[0])
    if cues.questions:
        assert cues.length_ratio <= MAX_LENGTH_RATIO, (
            f"{course.quiz}: in {cues.questions} multiple-answer questions the right options are "
            f"{cues.length_ratio:.2f}x the wrong ones on average")


@pytest.mark.parametrize("course", POOLS, ids=[_truefalse_id(c) for c in POOLS])
def test_true_and_false_keys_are_balanced(course):
    keys = truefalse_keys(pool(course.quiz)[0])
    if len(keys) < MIN_TRUEFALSE_TO_BALANCE:
        pytest.skip(f"{course.quiz}: {len(keys)} true/false questions, too few to balance")
    low, high = TRUE_SHARE
    assert low <= mean(keys) <= high, f"{course.quiz}: {sum(keys)} of {len(keys)} true/false keys are true"


@pytest.mark.parametrize("course", **by_id(POOLS))
def test_every_answer_has_feedback_and_matching_feedback_keeps_the_key(course):
    questions = pool(course.quiz)[0]
    assert missing_feedback(questions) == [], course.quiz
    spelled_out = [q["title"] for q in questions if q["type"] == "matching"
                   and pairs_named(q) > len(q["pairs"]) // 2]
    assert spelled_out == [], f"{course.quiz}: general feedback lists the pairs of {spelled_out}"


@pytest.mark.parametrize("course", **by_id(POOLS))
def test_the_pool_holds_three_times_the_questions_drawn(course):
    drawn = (course.twin("en") or course).meta()["quiz"]["questions"]  # quiz settings: English only
    assert len(pool(course.quiz)[0]) >= DRAW_FACTOR * drawn, f"{course.quiz}: draws {drawn}"


@pytest.mark.parametrize("course", **by_id(ENGLISH_POOLS))
def test_the_dutch_pool_mirrors_the_english_one(course):
    dutch = course.twin("nl")
    assert dutch is not None and dutch.quiz.exists(), f"no Dutch pool beside {course.quiz}"
    assert kinds(pool(dutch.quiz)[0]) == kinds(pool(course.quiz)[0])
    assert "quiz" not in dutch.meta(), f"{dutch.folder}/course.md: quiz settings are set once, in English"
    tags = [topic_tags(c.quiz.read_text("utf-8"), pool(c.quiz)[1])[0] for c in (course, dutch)]
    assert tags[0] == tags[1], f"{dutch.quiz}: topic tags differ from the English pool"


@pytest.mark.parametrize("course", **by_id(POOLS))
def test_topic_tags_mark_questions_and_each_topic_is_tested_twice(course):
    counts, dangling = topic_tags(course.quiz.read_text("utf-8"), pool(course.quiz)[1])
    assert dangling == [], f"{course.quiz}: tags on lines {dangling} stand above no question"
    for topic in REQUIRED_TOPICS.get(course.tier, set()) | {t for t in counts if t.startswith("topic-")}:
        assert counts.get(topic, 0) >= MIN_QUESTIONS_PER_TOPIC, (
            f"{course.quiz}: {topic} marks {counts.get(topic, 0)} questions")


@pytest.mark.parametrize("course, path", LESSONS, ids=[f"{c.id}/{p.name}" for c, p in LESSONS])
def test_a_lesson_is_short_says_its_reading_time_and_ends_in_short(course, path):
    meta, body = split_front_matter(path.read_text("utf-8"))
    words = word_count(body)
    low, high = LESSON_WORDS
    assert low <= words <= high, f"{path}: {words} words"
    assert meta["minutes"] in reading_minutes(words), f"{path}: {words} words, minutes = {meta['minutes']}"
    points = summary_points(body, SUMMARY_TITLES[course.language])
    assert points is not None, f'{path}: does not end with !!! summary "{SUMMARY_TITLES[course.language]}"'
    assert SUMMARY_POINTS[0] <= len(points) <= SUMMARY_POINTS[1], f"{path}: {len(points)} points in short"


@pytest.mark.parametrize("course", **by_id(COURSES))
def test_a_course_takes_the_minutes_of_its_lessons(course):
    lessons = [split_front_matter(p.read_text("utf-8"))[0]["minutes"] for p in course.lessons()]
    assert course.meta()["minutes"] == sum(lessons), f"{course.folder}/course.md"


@pytest.mark.parametrize("course", **by_id([c for c in COURSES if c.language == "en"]))
def test_the_dutch_lessons_have_the_english_file_names(course):
    dutch = course.twin("nl")
    assert dutch is not None, f"no Dutch course beside {course.folder}"
    assert [p.name for p in dutch.lessons()] == [p.name for p in course.lessons()]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_tier_accepts_the_same_answers_for_the_disclosure_label(language):
    accepted = {}
    for course in (c for c in POOLS if c.language == language):
        for q in pool(course.quiz)[0]:
            keys = frozenset(normalised(a["text"]) for a in q.get("answers", [])
                             if q["type"] == "shortanswer" and a["fraction"] >= 100)
            if "#ad" in keys:
                accepted[f"{course.id}: {q['title']}"] = keys
    assert len(set(accepted.values())) <= 1, accepted


# --- the measures themselves ----------------------------------------------------------------------


def dicts(gift: str) -> list[dict]:
    return [question_to_dict(q) for q in parse_gift(textwrap.dedent(gift))]


@pytest.mark.parametrize("gift, share, ratio", [
    ("Q? {=a longer right one#f ~short#f ~brief#f}", 1.0, 18 / 5),
    ("Q? {=short#f ~a longer wrong one#f ~brief#f}", 0.0, 5 / 11.5),
    ("Q? {=same#f ~same#f}", 1.0, 1.0),  # a tie counts as longest
    ("Q? {=abcd#f ~ab#f}\n\nR? {=ab#f ~abcd#f}", 0.5, (2 + 0.5) / 2),
])
def test_single_answer_cues(gift, share, ratio):
    cues = single_answer_cues(dicts(gift))
    assert (cues.longest_right_share, cues.length_ratio) == (share, pytest.approx(ratio))


def test_multi_answer_cues_compare_the_options_that_score_with_those_that_do_not():
    cues = multi_answer_cues(dicts("Q? {~%50%aaaa#f ~%50%aaaa#f ~%-50%aa#f ~%-50%aa#f}\n\nS? {=x#f ~y#f}"))
    assert (cues.questions, cues.length_ratio) == (1, 2.0)


def test_truefalse_keys_read_which_answer_is_right():
    assert truefalse_keys(dicts("A? {T#no#yes}\n\nB? {F#no#yes}\n\nC? {TRUE#no#yes}")) == [True, False, True]


def test_missing_feedback_names_each_answer_and_question():
    gift = "::One::Q? {=a#fine ~b}\n\n::Two::T? {T#no#yes}\n\n::Three::R? {=c#ok ~d#ok ####Read it.}"
    assert missing_feedback(dicts(gift)) == ["One: general feedback", "One: answer 'b'",
                                            "Two: general feedback"]


@pytest.mark.parametrize("feedback, named", [
    ("LinkedIn suits news and WhatsApp one friend.", 2),
    ("Think about who reads each platform.", 0),
    ("Nextcloud is not X.", 1),  # whole words only: "Next" is not "X"
])
def test_pairs_named_counts_answers_in_the_general_feedback(feedback, named):
    (q,) = dicts(f"Match. {{=a -> LinkedIn =b -> X =c -> WhatsApp ####{feedback}}}")
    assert pairs_named(q) == named


def test_topic_tags_belong_to_the_question_below_them():
    text = "// [tag:topic-ai]\n::A::Q? {=a#f ~b#f}\n\n// [tag:topic-ai]\n// a note\n::B::R? {=a#f ~b#f}\n\n// [tag:x]\n"
    questions = parse_gift(text)
    assert topic_tags(text, [q.line for q in questions]) == ({"topic-ai": 2}, [8])


@pytest.mark.parametrize("body, points", [
    ('Text.\n\n!!! summary "In short"\n    - one\n    - two\n      more of two\n    - three\n', ["one", "two", "three"]),
    ('Text.\n\n!!! summary "In short"\n    - one\n\nAfter the card.\n', None),
    ('Text.\n\n!!! note "In short"\n    - one\n', None),
    ('!!! summary "In short"\n    - early\n\nText.\n\n!!! summary "In short"\n    - last\n', ["last"]),
])
def test_summary_points_read_the_card_that_ends_the_lesson(body, points):
    assert summary_points(body, "In short") == points


@pytest.mark.parametrize("words, minutes", [(0, {1}), (229, {1}), (460, {2}), (575, {2, 3}), (805, {4})])
def test_reading_minutes(words, minutes):
    assert reading_minutes(words) == minutes


def test_split_front_matter_returns_the_body_after_it():
    assert split_front_matter('+++\ntitle = "T"\nminutes = 2\n+++\nOne two\nthree\n') == (
        {"title": "T", "minutes": 2}, "One two\nthree\n")

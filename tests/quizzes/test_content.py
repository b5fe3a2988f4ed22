"""sync_quiz: the contract with `flask content sync` (versions, validation, errors with file and line)."""
import textwrap
import tomllib
from pathlib import Path

import pytest
from sqlalchemy import func, select

from advocacy.learning.curriculum.errors import ContentError
from advocacy.core.db import db
from advocacy.learning.curriculum.quiz_sync import sync_quiz
from advocacy.learning.models.quizzes import Attempt, Quiz, QuizQuestion, QuizVersion

from .factories import SETTINGS, SMALL_GIFT, create_course, load_quiz, start, write_gift

AFTER_POOL = SMALL_GIFT.count("\n") + 2  # the line of a question appended after a blank line

COURSE_MD = textwrap.dedent("""\
    +++
    slug = "basic"
    title = "Basics"
    tier = "basic"

    [quiz]
    questions = 6
    pass_mark = 80
    attempts_before_cooldown = 2
    cooldown_hours = 24
    valid_months = 12
    +++
    Intro.
    """)


def sync(course, folder: Path, text=SMALL_GIFT, settings=None, language="en"):
    errors: list[ContentError] = []
    changed = sync_quiz(course, write_gift(folder, text) if text is not None else None,
                        SETTINGS if settings is None else settings, language, errors)
    return changed, [str(e) for e in errors]


def versions(course) -> list[QuizVersion]:
    return db.session.scalars(select(QuizVersion).join(Quiz).where(Quiz.course_id == course.id)
                              .order_by(QuizVersion.number)).all()


def test_a_new_quiz_becomes_version_one_with_its_questions_and_settings(db, tmp_path):
    course = create_course()
    changed, errors = sync(course, tmp_path)
    assert errors == [] and changed == 1 + 1 + 6  # quiz, version, six questions
    (version,) = versions(course)
    assert version.settings.questions == 6 and version.pass_mark == 80 and version.time_limit_minutes == 20
    kinds = [q.type for q in version.questions]
    assert kinds == ["multichoice", "multichoice", "truefalse", "shortanswer", "matching", "numerical"]
    assert version.questions[0].data["answers"][0] == {"text": "Amsterdam", "fraction": 100,
                                                       "feedback": "Yes, Amsterdam is the capital."}
    assert version.questions[0].line == 2


def test_syncing_the_same_quiz_again_changes_nothing(db, tmp_path):
    course = create_course()
    sync(course, tmp_path)
    assert sync(course, tmp_path) == (0, [])
    assert len(versions(course)) == 1


def test_a_comment_moving_lines_is_not_a_change(db, tmp_path):
    course = create_course()
    sync(course, tmp_path)
    assert sync(course, tmp_path, "// a new comment\n\n" + SMALL_GIFT) == (0, [])


def test_a_changed_pool_is_a_new_version_and_old_attempts_keep_theirs(db, tmp_path, employee):
    course = create_course()
    sync(course, tmp_path)
    db.session.commit()
    attempt = start(employee, course)
    changed, errors = sync(course, tmp_path, SMALL_GIFT.replace("Utrecht", "Groningen"))
    db.session.commit()
    assert errors == [] and changed == 1 + 6
    first, second = versions(course)
    assert (first.number, second.number) == (1, 2)
    assert db.session.get(Attempt, attempt.id).quiz_version_id == first.id
    assert len(first.questions) == 6  # the old version's questions stay for its attempts


def test_changed_settings_are_a_new_version(db, tmp_path):
    course = create_course()
    sync(course, tmp_path)
    changed, errors = sync(course, tmp_path, settings={**SETTINGS, "pass_mark": 70})
    assert errors == [] and changed == 7
    assert [v.pass_mark for v in versions(course)] == [80, 70]


def test_an_unchanged_question_keeps_its_key_across_versions(db, tmp_path):
    course = create_course()
    sync(course, tmp_path)
    sync(course, tmp_path, SMALL_GIFT.replace("Utrecht", "Groningen"))
    first, second = versions(course)
    assert [q.key for q in first.questions][1:] == [q.key for q in second.questions][1:]
    assert first.questions[0].key != second.questions[0].key


def test_each_language_has_its_own_quiz(db, tmp_path):
    course = create_course()
    sync(course, tmp_path / "en")
    sync(course, tmp_path / "nl", language="nl")
    assert sorted(q.language for q in db.session.scalars(select(Quiz))) == ["en", "nl"]


def test_gift_errors_are_reported_with_file_and_line_and_nothing_is_written(db, tmp_path):
    course = create_course()
    changed, errors = sync(course, tmp_path, SMALL_GIFT + "\n::Broken::Where? {=Here ~There\n")
    assert changed == 0
    assert len(errors) == 1 and errors[0].startswith(f"{tmp_path / 'quiz.gift'}:{AFTER_POOL}: ")
    assert db.session.scalar(select(func.count(Quiz.id))) == 0


@pytest.mark.parametrize("extra, kind", [("::Essay::Tell us why. {}", "essay"),
                                         ("::Note::Read this first.", "description")])
def test_a_certification_pool_refuses_questions_it_cannot_grade(db, tmp_path, extra, kind):
    course = create_course()
    changed, errors = sync(course, tmp_path, SMALL_GIFT + "\n" + extra + "\n")
    assert changed == 0
    assert errors == [f"{tmp_path / 'quiz.gift'}:{AFTER_POOL}: a certification quiz cannot grade {kind} questions; "
                      "use multiple choice, true/false, short answer, matching or numerical"]


def test_the_pool_must_hold_as_many_questions_as_an_attempt_draws(db, tmp_path):
    course = create_course()
    changed, errors = sync(course, tmp_path, settings={**SETTINGS, "questions": 7})
    assert changed == 0
    assert errors == [f"{tmp_path / 'quiz.gift'}:1: the pool has 6 questions but course.md draws 7 per attempt"]


def test_the_same_question_twice_is_an_error(db, tmp_path):
    course = create_course()
    _, errors = sync(course, tmp_path, SMALL_GIFT + "\n::Again::What is the capital of the Netherlands? "
                                                    "{=Amsterdam ~Rotterdam ~Utrecht}\n")
    assert errors == [f"{tmp_path / 'quiz.gift'}:{AFTER_POOL}: the same question as on line 2"]


def test_a_file_that_is_not_utf8_is_refused(db, tmp_path):
    course = create_course()
    path = tmp_path / "quiz.gift"
    path.write_bytes("Caf\u00e9? {=ja ~nee}".encode("latin-1"))
    errors: list[ContentError] = []
    assert sync_quiz(course, path, SETTINGS, "en", errors) == 0
    assert len(errors) == 1 and "not UTF-8" in errors[0].message and errors[0].line == 1


@pytest.mark.parametrize("settings, message", [
    ({**SETTINGS, "questions": 0}, "'questions' must be between 1 and 500, found 0"),
    ({**SETTINGS, "pass_mark": 120}, "'pass_mark' must be between 1 and 100, found 120"),
    ({**SETTINGS, "pass_mark": "80%"}, "'pass_mark' must be a number, found '80%'"),
    ({**SETTINGS, "attempts_before_cooldown": 1.5}, "'attempts_before_cooldown' must be a whole number, found 1.5"),
    ({**SETTINGS, "cooldown_hours": -1}, "'cooldown_hours' must be between 0 and 8760, found -1"),
    ({**SETTINGS, "time_limit_minutes": True}, "'time_limit_minutes' must be a whole number, found True"),
    ({k: v for k, v in SETTINGS.items() if k != "valid_months"}, "[quiz] needs 'valid_months'"),
    ({**SETTINGS, "passmark": 80}, "unknown quiz setting 'passmark'; expected one of: questions, pass_mark, "
                                   "attempts_before_cooldown, cooldown_hours, time_limit_minutes, valid_months"),
])
def test_bad_settings_name_course_md_and_the_line_of_the_setting(db, tmp_path, settings, message):
    (tmp_path / "course.md").write_text(COURSE_MD, encoding="utf-8")
    course = create_course()
    changed, errors = sync(course, tmp_path, settings=settings)
    assert changed == 0 and len(errors) == 1
    path, line, text = errors[0].split(":", 2)
    assert path == str(tmp_path / "course.md") and text.strip() == message
    expected_line = {"questions": 7, "pass_mark": 8, "attempts_before_cooldown": 9, "cooldown_hours": 10,
                     "valid_months": 11}
    key = next((k for k in expected_line if f"'{k}'" in message), None)
    assert int(line) == expected_line.get(key, 6)  # unknown or missing settings point at [quiz]


def test_a_time_limit_is_optional(db, tmp_path):
    course = create_course()
    settings = {k: v for k, v in SETTINGS.items() if k != "time_limit_minutes"}
    assert sync(course, tmp_path, settings=settings)[1] == []
    assert versions(course)[0].time_limit_minutes is None


def test_a_quiz_without_settings_or_settings_without_a_quiz_is_an_error(db, tmp_path):
    course = create_course()
    _, errors = sync(course, tmp_path, settings={})
    assert len(errors) == 1 and "quiz.gift needs a [quiz] table in course.md" in errors[0]
    _, errors = sync(course, tmp_path, text=None)
    assert len(errors) == 1 and "course.md has a [quiz] table but there is no quiz.gift beside it" in errors[0]


def test_a_course_without_a_quiz_is_fine_and_a_removed_quiz_is_retired(db, tmp_path):
    course = create_course()
    assert sync(course, tmp_path, text=None, settings={}) == (0, [])
    sync(course, tmp_path)
    assert sync(course, tmp_path, text=None, settings={}) == (1, [])
    assert db.session.scalar(select(Quiz)).retired_at is not None
    assert sync(course, tmp_path)[0] == 1  # back again: un-retired, pool unchanged


def test_questions_are_stored_as_plain_json(db, tmp_path):
    course = create_course()
    load_quiz(course, tmp_path)
    db.session.commit()
    db.session.expire_all()
    numerical = db.session.scalar(select(QuizQuestion).where(QuizQuestion.type == "numerical"))
    assert numerical.data["answers"] == [{"value": 7, "tolerance": 0, "fraction": 100, "feedback": None}]


CURRICULUM = sorted(Path(__file__).resolve().parents[2].glob("advocacy/content/*/*/quiz.gift"))


@pytest.mark.parametrize("quiz_path", CURRICULUM, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}")
def test_the_shipped_curriculum_quizzes_load(db, quiz_path):
    english = quiz_path.parents[2] / "en" / quiz_path.parent.name  # quiz settings: once, in English
    front = (english / "course.md").read_text(encoding="utf-8").split("+++")[1]
    settings = tomllib.loads(front).get("quiz", {})
    course = create_course(slug=quiz_path.parent.name)
    errors: list[ContentError] = []
    assert sync_quiz(course, quiz_path, settings, quiz_path.parent.parent.name, errors) > 0
    assert errors == []


def test_settings_the_courses_loader_already_reported_are_not_reported_twice(db, tmp_path):
    course = create_course()
    course_md = str(tmp_path / "course.md")
    errors = [ContentError(course_md, 8, "`quiz.pass_mark` must be a number")]
    settings = {k: v for k, v in SETTINGS.items() if k != "pass_mark"}
    assert sync_quiz(course, write_gift(tmp_path, SMALL_GIFT + "\nBroken {=a\n"), settings, "en", errors) == 0
    assert [e.path for e in errors] == [course_md, str(tmp_path / "quiz.gift")]

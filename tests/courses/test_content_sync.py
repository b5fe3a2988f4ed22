"""`flask content sync`: idempotent, all or nothing, errors with file and line, versions and retirement."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from advocacy.learning.models.courses import Course, CourseText, Lesson, LessonVersion
from advocacy.learning.models.goals import Goal, GoalText
from advocacy.learning.models.progress import LessonProgress
from advocacy.learning.models.policy import PolicyText, PolicyVersion

from .factories import (GOALS_EN, standard_tree, sync, synced, write, write_course, write_lesson, write_policy)


def count(model) -> int:
    from advocacy.core.db import db

    return db.session.scalar(select(func.count()).select_from(model))


def snapshot(db) -> dict:
    """Everything the loader writes, to show that a failed run changed nothing."""
    return {model.__name__: count(model) for model in
            (Course, CourseText, Lesson, LessonVersion, Goal, GoalText, PolicyVersion, PolicyText)} | {
        "current": sorted(db.session.execute(select(LessonVersion.id, LessonVersion.current)).all()),
        "retired": sorted(db.session.execute(select(Lesson.id, Lesson.retired_at)).all()),
    }


def current_version(db, course_slug: str, lesson_slug: str, language: str = "en") -> LessonVersion:
    return db.session.scalar(select(LessonVersion).join(Lesson).join(Course).where(
        Course.slug == course_slug, Lesson.slug == lesson_slug, LessonVersion.language == language,
        LessonVersion.current))


def test_sync_loads_everything_and_a_second_run_changes_nothing(app, db, tmp_path):
    root = standard_tree(tmp_path)
    first = synced(app, root)
    assert "Synced content:" in first.stdout and " 0 changed" not in first.stdout
    assert count(Course) == 3 and count(Lesson) == 6
    assert count(LessonVersion) == 7  # six English lessons and one Dutch translation
    assert db.session.scalar(select(PolicyVersion.version)) == 1
    assert {g.slug for g in db.session.scalars(select(Goal))} == {"reach", "talent"}
    assert db.session.scalar(select(GoalText.name)) == "Nieuwe mensen bereiken"
    basic = db.session.scalar(select(Course).where(Course.slug == "basic"))
    assert [g.slug for g in basic.goals] == ["reach"]
    assert {t.language: t.title for t in basic.texts} == {"en": "Course basic (en)", "nl": "Basiscursus"}

    second = synced(app, root)
    assert "Synced content: 0 changed" in second.stdout


def test_the_default_path_is_the_content_path_setting(app, db, tmp_path):
    root = standard_tree(tmp_path)
    default = app.config["CONTENT_PATH"]
    app.config["CONTENT_PATH"] = str(root)
    try:
        result = app.test_cli_runner().invoke(args=["content", "sync"])
    finally:
        app.config["CONTENT_PATH"] = default
    assert result.exit_code == 0, result.output
    assert count(Course) == 3


def test_broken_front_matter_fails_with_file_and_line_and_changes_nothing(app, db, tmp_path):
    root = standard_tree(tmp_path)
    synced(app, root)
    write_lesson(root, "en", "basic", "02-lesson-2.md", "A new title for lesson 2")  # a real change...
    write(root, "en/basic/03-lesson-3.md", '+++\ntitle = "Broken\nminutes = 5\n+++\nBody\n')  # ...and a broken file
    before = snapshot(db)

    result = sync(app, root)

    assert result.exit_code == 1
    assert f"{root}/en/basic/03-lesson-3.md:2: TOML:" in result.stderr
    assert "nothing was changed" in result.stderr
    assert snapshot(db) == before
    assert current_version(db, "basic", "lesson-2").title == "basic lesson 2 (en)"


@pytest.mark.parametrize("relative, text, line, message", [
    ("en/basic/04-new.md", '+++\ntitle = "New"\n+++\nBody\n', 1, "`minutes` is missing"),
    ("en/basic/04-new.md", '+++\ntitle = "New"\nminutes = "five"\n+++\nBody\n', 3, "`minutes` must be a whole number"),
    ("en/basic/04-new.md", '+++\ntitle = "New"\nminutes = 5\ngoals = ["fame"]\n+++\nBody\n', 1, "unknown goal 'fame'"),
    ("en/basic/04-new.md", '+++\ntitle = "New"\nminuts = 5\n+++\nBody\n', 3, "unknown key `minuts`"),
    ("en/basic/04-new.md", 'title = "New"\nminutes = 5\n', 1, "front matter missing"),
    ("en/basic/04-new.md", '+++\ntitle = "New"\nminutes = 5\nBody\n', 1, "front matter is not closed"),
    ("en/basic/04-new.md", '+++\ntitle = "New"\nminutes = 5\n+++\n', 1, "no text after the front matter"),
    ("en/basic/lesson-four.md", '+++\ntitle = "New"\nminutes = 5\n+++\nBody\n', 1, "named NN-slug.md"),
    ("en/basic/04-quiz.md", '+++\ntitle = "New"\nminutes = 5\n+++\nBody\n', 1, "'quiz' is reserved"),
    ("en/basic/03-zebra.md", '+++\ntitle = "New"\nminutes = 5\n+++\nBody\n', 1, "number 03 is also used"),
    ("en/extra/course.md", '+++\nslug = "basic"\ntitle = "T"\ntier = "basic"\nsummary = "S"\norder = 4\nminutes = 5\n+++\nI\n',
     2, "course slug 'basic' is also used"),
    ("en/extra/course.md", '+++\nslug = "extra"\ntitle = "T"\ntier = "guru"\nsummary = "S"\norder = 4\nminutes = 5\n+++\nI\n',
     4, "`tier` 'guru' is unknown"),
    ("en/extra/course.md", '+++\nslug = "Extra Course"\ntitle = "T"\ntier = "basic"\nsummary = "S"\norder = 4\nminutes = 5\n+++\nI\n',
     2, "may hold only a-z"),
    ("en/extra/course.md", '+++\nslug = "extra"\ntitle = "T"\ntier = "basic"\nsummary = "S"\norder = 4\nminutes = 5\n'
     '[quiz]\nquestions = 10\npass_mark = 180\nattempts_before_cooldown = 2\ncooldown_hours = 24\nvalid_months = 12\n+++\nI\n',
     10, "`quiz.pass_mark` must be at least 1 and at most 100"),
    ("en/extra/course.md", '+++\nslug = "extra"\ntitle = "T"\ntier = "basic"\nsummary = "S"\norder = 4\nminutes = 5\n'
     '[quiz]\nquestions = "ten"\npass_mark = 80\nattempts_before_cooldown = 2\ncooldown_hours = 24\nvalid_months = 12\n+++\nI\n',
     9, "`quiz.questions` must be a whole number"),
    ("en/extra/01-a.md", '+++\ntitle = "A"\nminutes = 5\n+++\nBody\n', 1, "a course folder needs a course.md"),
    ("nl/extra/course.md", '+++\nslug = "extra"\ntitle = "T"\ntier = "basic"\nsummary = "S"\norder = 4\nminutes = 5\n+++\nI\n',
     2, "has no English version"),
    ("nl/basic/09-only-dutch.md", '+++\ntitle = "A"\nminutes = 5\n+++\nBody\n', 1, "no English version with the same file name"),
    ("fr/basic/course.md", '+++\nslug = "basic"\n+++\n', 1, "unknown language folder"),
    ("en/goals.toml", GOALS_EN + '\n[[goal]]\nslug = "reach"\nname = "x"\nwhy = "y"\nkpi = "z"\nbaseline = 0\n'
     'baseline_date = 2026-01-01\ntarget = 5\n', 24, "goal slug 'reach' is used twice"),
    ("en/goals.toml", GOALS_EN.replace('measure = "clicks"', 'measure = "likes"'), 8, "`measure` 'likes' is unknown"),
    ("en/goals.toml", GOALS_EN.replace("baseline_date = 2026-01-01\ntarget = 1000", 'baseline_date = "soon"\ntarget = 1000'),
     10, "`baseline_date` must be a date"),
])
def test_every_kind_of_mistake_names_its_file_and_line(app, db, tmp_path, relative, text, line, message):
    root = standard_tree(tmp_path)
    write(root, relative, text)
    result = sync(app, root)
    assert result.exit_code == 1
    shown = f"{root / relative}:{line}:" if not relative.startswith(("fr/", "en/extra/01")) else None
    errors = result.stderr.splitlines()
    assert any(message in e for e in errors), result.stderr
    if shown:
        assert any(e.startswith(shown) and message in e for e in errors), result.stderr
    assert count(Course) == 0  # nothing from the good files either


def test_every_error_is_reported_in_one_run(app, db, tmp_path):
    root = standard_tree(tmp_path)
    write(root, "en/basic/01-lesson-1.md", '+++\ntitle = "One"\n+++\nBody\n')
    write(root, "en/advanced/01-lesson-1.md", '+++\nminutes = 3\n+++\nBody\n')
    result = sync(app, root)
    assert result.exit_code == 1
    assert "basic/01-lesson-1.md:1: `minutes` is missing" in result.stderr
    assert "advanced/01-lesson-1.md:1: `title` is missing" in result.stderr


def test_a_changed_lesson_becomes_a_new_version_and_progress_keeps_the_old_one(app, db, tmp_path, employee):
    root = standard_tree(tmp_path)
    synced(app, root)
    old = current_version(db, "basic", "lesson-1")
    db.session.add(LessonProgress(user_id=employee.id, lesson_id=old.lesson_id, lesson_version_id=old.id))
    db.session.commit()

    write_lesson(root, "en", "basic", "01-lesson-1.md", "basic lesson 1 (en)", minutes=2, body="A clearer text.")
    result = synced(app, root)

    assert "Synced content: 1 changed" in result.stdout
    new = current_version(db, "basic", "lesson-1")
    assert (new.version, new.body.strip(), new.lesson_id) == (2, "A clearer text.", old.lesson_id)
    db.session.refresh(old)
    assert old.current is False and old.body.strip() == "Text of basic lesson 1 (en)."
    progress = db.session.scalar(select(LessonProgress))
    assert progress.lesson_version_id == old.id
    # the Dutch translation did not change, so it keeps its version
    assert current_version(db, "basic", "lesson-1", "nl").version == 1


def test_a_removed_lesson_is_retired_not_deleted_and_comes_back_when_restored(app, db, tmp_path, employee):
    root = standard_tree(tmp_path)
    synced(app, root)
    lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "lesson-3"))
    db.session.add(LessonProgress(user_id=employee.id, lesson_id=lesson.id))
    db.session.commit()
    text = (root / "en/basic/03-lesson-3.md").read_text()
    (root / "en/basic/03-lesson-3.md").unlink()

    assert "Synced content: 1 changed" in synced(app, root).stdout
    db.session.refresh(lesson)
    assert lesson.retired_at is not None
    assert count(LessonProgress) == 1 and count(LessonVersion) == 7

    write(root, "en/basic/03-lesson-3.md", text)
    synced(app, root)
    db.session.refresh(lesson)
    assert lesson.retired_at is None and current_version(db, "basic", "lesson-3").version == 1


def test_a_removed_course_is_retired(app, db, tmp_path):
    root = standard_tree(tmp_path)
    synced(app, root)
    for path in sorted((root / "en/expert").iterdir()):
        path.unlink()
    (root / "en/expert").rmdir()
    synced(app, root)
    expert = db.session.scalar(select(Course).where(Course.slug == "expert"))
    assert expert.retired_at is not None and count(Lesson) == 6


def test_renumbering_lessons_moves_them_without_new_versions(app, db, tmp_path):
    root = standard_tree(tmp_path)
    synced(app, root)
    (root / "en/basic/03-lesson-3.md").rename(root / "en/basic/00-lesson-3.md")
    synced(app, root)
    lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "lesson-3"))
    assert lesson.position == 0 and current_version(db, "basic", "lesson-3").version == 1


def test_a_removed_translation_falls_back_to_english(app, db, tmp_path):
    root = standard_tree(tmp_path)
    synced(app, root)
    (root / "nl/basic/01-lesson-1.md").unlink()
    synced(app, root)
    assert current_version(db, "basic", "lesson-1", "nl") is None
    assert count(LessonVersion) == 7  # the old Dutch version stays in history


def test_the_dutch_course_must_match_the_english_tier(app, db, tmp_path):
    root = standard_tree(tmp_path)
    course = (root / "nl/basic/course.md").read_text().replace('tier = "basic"', 'tier = "advanced"')
    write(root, "nl/basic/course.md", course)
    result = sync(app, root)
    assert result.exit_code == 1 and "nl/basic/course.md:4: `tier` differs from the English course" in result.stderr


# -- policy --------------------------------------------------------------------------------------

def test_a_new_policy_version_is_added_and_the_old_one_kept(app, db, tmp_path):
    root = standard_tree(tmp_path)
    synced(app, root)
    write_policy(root, version=2, body="A better policy.")
    assert "Synced content: 1 changed" in synced(app, root).stdout
    versions = db.session.scalars(select(PolicyVersion).order_by(PolicyVersion.version)).all()
    assert [(v.version, v.source, v.body.strip()) for v in versions] == [
        (1, "content", "Be yourself. Ask when unsure."), (2, "content", "A better policy.")]


def test_changing_the_policy_without_a_new_version_is_an_error(app, db, tmp_path):
    root = standard_tree(tmp_path)
    synced(app, root)
    write_policy(root, version=1, body="Quietly changed.")
    result = sync(app, root)
    assert result.exit_code == 1
    assert f"{root}/en/policy.md:2: the policy text changed but `version` is still 1: raise it to 2" in result.stderr


def test_a_content_policy_cannot_reuse_a_number_written_in_the_browser(app, db, tmp_path, admin):
    from advocacy.core.clock import utcnow
    from advocacy.learning.services.policy import publish_policy

    root = standard_tree(tmp_path)
    synced(app, root)
    publish_policy(admin.id, "Browser policy", "", "Written online.", utcnow())
    db.session.commit()
    write_policy(root, version=2, body="From the files.")
    result = sync(app, root)
    assert result.exit_code == 1 and "version 2 was written in the browser; use version 3" in result.stderr


def test_a_policy_translation_attaches_to_its_version(app, db, tmp_path):
    root = standard_tree(tmp_path)
    write_policy(root, "nl", version=1, body="Wees jezelf.", title="Beleid")
    synced(app, root)
    write_policy(root, version=2, body="Version two.")  # Dutch lags behind: it stays on version 1
    synced(app, root)
    texts = db.session.execute(select(PolicyVersion.version, PolicyText.language, PolicyText.title).join(PolicyText)).all()
    assert texts == [(1, "nl", "Beleid")]

    write_policy(root, "nl", version=3, body="Te vroeg.")
    result = sync(app, root)
    assert result.exit_code == 1 and "no English policy version 3 to translate" in result.stderr


# -- goals ---------------------------------------------------------------------------------------

def test_sync_seeds_goals_but_leaves_goals_edited_in_the_browser_alone(app, db, tmp_path):
    from advocacy.core.clock import utcnow
    from advocacy.learning.services.goals import update_goal

    root = standard_tree(tmp_path)
    synced(app, root)
    reach = db.session.scalar(select(Goal).where(Goal.slug == "reach"))
    talent = db.session.scalar(select(Goal).where(Goal.slug == "talent"))
    update_goal(reach, dict(name="Reach, as marketing sees it", why="w", kpi="k", unit="u", measure=None,
                            baseline=1, baseline_date=reach.baseline_date, target=50), utcnow())
    db.session.commit()

    write(root, "en/goals.toml", GOALS_EN.replace("Reach new people", "Reach, from the files")
          .replace("Attract talent", "Attract great people"))
    synced(app, root)

    db.session.refresh(reach)
    db.session.refresh(talent)
    assert reach.name == "Reach, as marketing sees it" and reach.target == 50
    assert talent.name == "Attract great people"


def test_a_goal_an_admin_deleted_from_nothing_is_created_again_only_when_missing(app, db, tmp_path):
    root = standard_tree(tmp_path)
    synced(app, root)
    db.session.execute(Goal.__table__.delete().where(Goal.slug == "talent"))
    db.session.commit()
    assert "Synced content: 1 changed" in synced(app, root).stdout
    assert count(Goal) == 2


# -- the quizzes feature's hook ------------------------------------------------------------------

def test_sync_quiz_is_called_for_every_course_and_language_and_its_count_is_added(app, db, tmp_path, monkeypatch):
    from advocacy.learning.curriculum.errors import ContentError
    import advocacy.learning.curriculum.sync as sync_module

    calls = []

    def fake_sync_quiz(course, quiz_path, settings, language, errors):
        calls.append((course.slug, quiz_path and Path(quiz_path).name, settings, language))
        return 2

    monkeypatch.setattr(sync_module, "sync_quiz", fake_sync_quiz)
    root = standard_tree(tmp_path)
    write_course(root, "en", "basic", "basic", 1, lessons=3, quiz=True)
    result = synced(app, root)

    assert sorted((slug, language, name or "-") for slug, name, _, language in calls) == [
        ("advanced", "en", "-"), ("advanced", "nl", "-"), ("basic", "en", "quiz.gift"), ("basic", "nl", "-"),
        ("expert", "en", "-"), ("expert", "nl", "-")]
    basic_en = next(c for c in calls if c[0] == "basic" and c[3] == "en")
    assert basic_en[2] == {"questions": 2, "pass_mark": 50, "attempts_before_cooldown": 2, "cooldown_hours": 24,
                           "valid_months": 12}
    assert next(c for c in calls if c[0] == "basic" and c[3] == "nl")[2] == {}
    assert "Synced content:" in result.stdout
    changed_without = int(result.stdout.split("content: ")[1].split()[0])

    calls.clear()
    assert "Synced content: 12 changed" in synced(app, root).stdout  # 6 calls x 2, nothing else changed
    assert changed_without > 12

    def failing_sync_quiz(course, quiz_path, settings, language, errors):
        errors.append(ContentError("x/quiz.gift", 7, "bad question"))
        return 1

    monkeypatch.setattr(sync_module, "sync_quiz", failing_sync_quiz)
    write_lesson(root, "en", "basic", "01-lesson-1.md", "Changed")
    before = snapshot(db)
    result = sync(app, root)
    assert result.exit_code == 1 and "x/quiz.gift:7: bad question" in result.stderr
    assert snapshot(db) == before


def test_a_course_with_a_quiz_syncs_with_the_real_quiz_loader_and_is_idempotent(app, db, tmp_path):
    root = standard_tree(tmp_path)
    write_course(root, "en", "basic", "basic", 1, lessons=3, quiz=True)
    synced(app, root)
    assert "Synced content: 0 changed" in synced(app, root).stdout


def test_the_real_curriculum_loads_and_a_second_run_changes_nothing(app, db):
    root = Path(__file__).resolve().parents[2] / "advocacy" / "content"
    first = sync(app, root)
    assert first.exit_code == 0, first.output
    assert count(Course) >= 3
    assert "Synced content: 0 changed" in sync(app, root).stdout

"""Files and browser both first-class: export then sync changes nothing; a course published in
the browser is left alone by a sync of older files (named, with why) unless --force; quiz
settings are set once per course."""
from pathlib import Path

from sqlalchemy import select

from advocacy.learning.models.courses import Course, Lesson, LessonVersion

from ..conftest import login
from ..courses.factories import QUIZ_TABLE, standard_tree, sync, synced, write, write_course

SHIPPED = Path(__file__).resolve().parents[2] / "advocacy" / "content"


def export(app, folder: Path):
    return app.test_cli_runner().invoke(args=["content", "export", str(folder)])


def test_export_then_sync_of_the_shipped_curriculum_changes_nothing(app, db, tmp_path):
    synced(app, SHIPPED)
    result = export(app, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out/en/basic/course.md").is_file() and (tmp_path / "out/nl/basic/quiz.gift").is_file()
    again = sync(app, tmp_path / "out")
    assert again.exit_code == 0, again.output
    assert "Synced content: 0 changed" in again.output


def test_export_refuses_a_folder_with_files_in_it(app, db, tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "x").write_text("x")
    assert export(app, tmp_path / "busy").exit_code != 0


def test_a_translation_may_not_set_its_own_quiz_settings(app, db, tmp_path):
    root = standard_tree(tmp_path / "content")
    write_course(root, "en", "advanced", "advanced", 2, lessons=2, quiz=True)
    text = (root / "nl/basic/course.md").read_text().replace("+++\nIntro", QUIZ_TABLE + "+++\nIntro")
    write(root, "nl/basic/course.md", text)
    result = sync(app, root)
    assert result.exit_code == 1
    assert "quiz settings are set once per course, in the English course.md" in result.stderr


def test_a_dutch_quiz_takes_the_english_settings(app, db, tmp_path):
    root = standard_tree(tmp_path / "content")
    write_course(root, "en", "advanced", "advanced", 2, lessons=2, quiz=True)
    write_course(root, "nl", "advanced", "advanced", 2, lessons=2, quiz=True)
    nl = (root / "nl/advanced/course.md").read_text().replace(QUIZ_TABLE, "\n")
    write(root, "nl/advanced/course.md", nl)
    synced(app, root)
    from advocacy.learning.models.quizzes import Quiz

    dutch = db.session.scalar(select(Quiz).where(Quiz.language == "nl"))
    assert dutch.versions[-1].pass_mark == 50 and dutch.versions[-1].questions_per_attempt == 2


def test_sync_leaves_a_browser_published_course_alone_until_forced(app, db, tmp_path, client, author):
    root = standard_tree(tmp_path / "content")
    synced(app, root)
    login(client, author)
    response = client.post("/studio/courses/basic/lessons/lesson-1/en",
                           data=dict(revision=0, title="Edited in the browser", minutes="2", body="New words.",
                                     goals=["reach"], action="save"))
    assert response.status_code == 302
    draft_revision = 1
    assert client.post("/studio/courses/basic/publish", data=dict(revision=draft_revision)).status_code == 302

    write(root, "en/basic/01-lesson-1.md", '+++\ntitle = "Older file"\nminutes = 2\ngoals = ["reach"]\n+++\nOld.\n')
    result = sync(app, root)
    assert result.exit_code == 0, result.output
    assert "Left alone: course 'basic', published in the browser" in result.output and "Abe Author" in result.output
    db.session.rollback()

    def english_title():
        return db.session.scalar(select(LessonVersion.title).join(Lesson).join(Course).where(
            LessonVersion.current, LessonVersion.language == "en", Lesson.slug == "lesson-1", Course.slug == "basic"))

    assert english_title() == "Edited in the browser"
    # a course that is not in the files at all is not retired either
    (root / "en/basic").rename(tmp_path / "gone")
    for path in (root / "nl/basic").glob("*"):
        path.unlink()
    (root / "nl/basic").rmdir()
    assert sync(app, root).exit_code == 0
    db.session.rollback()
    assert db.session.scalar(select(Course).where(Course.slug == "basic")).retired_at is None
    (tmp_path / "gone").rename(root / "en/basic")

    forced = app.test_cli_runner().invoke(args=["content", "sync", "--force", str(root)])
    assert forced.exit_code == 0 and "Left alone" not in forced.output
    db.session.rollback()
    assert english_title() == "Older file"
    assert db.session.scalar(select(Course).where(Course.slug == "basic")).edited_at is None

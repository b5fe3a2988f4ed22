"""`flask quiz export COURSE [--format gift|xml] [--language] [--version] [--output]`."""
from advocacy.learning.banks.gift import parse_gift, parse_gift_bytes, question_to_dict
from advocacy.learning.banks.moodle_xml import parse_moodle_xml

from ..quizzes.factories import SMALL_GIFT


def run(app, *args):
    return app.test_cli_runner().invoke(args=["quiz", "export", *args])


def meaning(questions):
    return [question_to_dict(q) for q in questions]


def test_export_writes_the_bank_as_gift_by_default(app, course):
    result = run(app, "basic")
    assert result.exit_code == 0, result.output
    assert meaning(parse_gift(result.stdout)) == meaning(parse_gift(SMALL_GIFT))


def test_export_writes_moodle_xml_to_a_file(app, course, tmp_path):
    target = tmp_path / "bank.xml"
    result = run(app, "basic", "--format", "xml", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert meaning(parse_moodle_xml(target.read_bytes())) == meaning(parse_gift(SMALL_GIFT))
    assert "6 questions (version 1) written to" in result.stderr


def test_unknown_courses_languages_and_versions_are_clear_errors(app, course):
    assert "no course 'nope'" in run(app, "nope").stderr
    assert "course 'basic' has no quiz in 'nl'" in run(app, "basic", "--language", "nl").stderr
    assert "course 'basic' has no version 7 in 'en'" in run(app, "basic", "--version", "7").stderr
    assert run(app, "basic", "--version", "7").exit_code == 1


def test_the_exported_gift_reads_back_the_same(app, course):
    assert meaning(parse_gift_bytes(run(app, "basic").stdout.encode())) == meaning(parse_gift(SMALL_GIFT))

"""`flask quiz parse` on Moodle XML and `flask quiz convert` between GIFT and Moodle XML."""

import json
from pathlib import Path

import pytest
from flask import Flask

from advocacy.learning.banks.cli import quiz_cli
from advocacy.learning.banks.gift import parse_gift_file
from advocacy.learning.banks.moodle_xml import parse_moodle_xml_file

FIXTURES = Path(__file__).parent / "fixtures" / "moodle"


@pytest.fixture
def runner():
    app = Flask(__name__)
    app.cli.add_command(quiz_cli)
    try:
        return app.test_cli_runner(mix_stderr=False)
    except TypeError:  # click 8.2+ always keeps stderr apart
        return app.test_cli_runner()


def test_parse_reads_moodle_xml(runner):
    result = runner.invoke(args=["quiz", "parse", str(FIXTURES / "moodle_export.xml")])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "8 questions: 1 description, 1 essay, 1 matching, 2 multichoice, 1 numerical, 1 shortanswer, 1 truefalse", "OK"]
    data = json.loads(runner.invoke(args=["quiz", "parse", str(FIXTURES / "moodle_export.xml"), "--json"]).stdout)
    assert data[0]["idnumber"] == "priv-01" and data[3]["case_sensitive"] is True


def test_parse_reports_xml_errors_with_their_line(runner, tmp_path):
    path = tmp_path / "bad.xml"
    path.write_text("<quiz>\n<question type='cloze'><questiontext><text>x</text></questiontext></question>\n</quiz>")
    result = runner.invoke(args=["quiz", "parse", str(path)])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{path}:2: question type 'cloze' is not supported"


def test_convert_gift_to_xml_and_back(runner, tmp_path):
    source = FIXTURES / "moodle_export_shapes.gift"
    xml_path, gift_path = tmp_path / "bank.xml", tmp_path / "bank.gift"
    result = runner.invoke(args=["quiz", "convert", str(source), str(xml_path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"8 questions written to {xml_path}"
    assert parse_moodle_xml_file(xml_path) == parse_gift_file(source)
    assert runner.invoke(args=["quiz", "convert", str(xml_path), str(gift_path)]).exit_code == 0
    assert parse_gift_file(gift_path) == parse_gift_file(source)


def test_convert_says_what_gift_cannot_hold(runner, tmp_path):
    # The Moodle export has a description with general feedback and a case-sensitive short answer.
    result = runner.invoke(args=["quiz", "convert", str(FIXTURES / "moodle_export.xml"), str(tmp_path / "out.gift")])
    assert result.exit_code == 1
    assert "cannot be written as GIFT" in result.stderr
    assert not (tmp_path / "out.gift").exists()

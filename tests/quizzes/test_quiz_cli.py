"""`flask quiz parse FILE [--json]`, run on a bare Flask app with only the quiz group added."""

import json

import pytest
from flask import Flask

from advocacy.learning.banks.cli import quiz_cli

POOL = """\
$CATEGORY: basic

::Why:: Why do we post? {
    =To be found#Yes.
    ~%-50%To sell#No.
    ####Lesson 1
}

::Sun:: The sun is a star. {T#Look again.#Right.}

::Year:: Founded in? {#1999:1}

::Match:: Match them {=a -> 1 =b -> 2 = -> 3}
"""


@pytest.fixture
def runner():
    app = Flask(__name__)
    app.cli.add_command(quiz_cli)
    try:
        return app.test_cli_runner(mix_stderr=False)
    except TypeError:  # click 8.2+ always keeps stderr apart
        return app.test_cli_runner()


@pytest.fixture
def pool(tmp_path):
    path = tmp_path / "quiz.gift"
    path.write_text(POOL, encoding="utf-8")
    return path


def test_json_output(runner, pool):
    result = runner.invoke(args=["quiz", "parse", str(pool), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [q["type"] for q in data] == ["multichoice", "truefalse", "numerical", "matching"]
    assert data[0] == {
        "type": "multichoice", "title": "Why", "text": "Why do we post?", "format": "moodle",
        "category": "basic", "general_feedback": "Lesson 1", "single": True,
        "answers": [
            {"text": "To be found", "fraction": 100, "feedback": "Yes."},
            {"text": "To sell", "fraction": -50, "feedback": "No."},
        ],
    }
    assert data[1]["answers"] == [
        {"text": "true", "fraction": 100, "feedback": "Right."},
        {"text": "false", "fraction": 0, "feedback": "Look again."},
    ]
    assert data[2]["answers"] == [{"value": 1999, "tolerance": 1, "fraction": 100, "feedback": None}]
    assert data[3]["pairs"] == [
        {"question": "a", "answer": "1"}, {"question": "b", "answer": "2"}, {"question": "", "answer": "3"},
    ]


def test_summary_output(runner, pool):
    result = runner.invoke(args=["quiz", "parse", str(pool)])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "4 questions: 1 matching, 1 multichoice, 1 numerical, 1 truefalse",
        "OK",
    ]


def test_errors_go_to_stderr_with_file_and_line(runner, tmp_path):
    path = tmp_path / "bad.gift"
    path.write_text("Fine {T}\n\nNo right answer {~a ~b}\n\nPick {\n  =a\n  ~b\n", encoding="utf-8")
    result = runner.invoke(args=["quiz", "parse", str(path), "--json"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{path}:3: single-choice question needs a right answer marked with '='",
        f"{path}:7: expected '}}' to close the answers opened on line 5",
    ]


def test_non_utf8_file_is_refused(runner, tmp_path):
    path = tmp_path / "latin.gift"
    path.write_bytes("Caf\u00e9? {T}\n".encode("latin-1"))
    result = runner.invoke(args=["quiz", "parse", str(path)])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{path}:1: not UTF-8 (byte 0xe9 at offset 3); save the file as UTF-8"


def test_bom_and_windows_line_endings_are_fine(runner, tmp_path):
    path = tmp_path / "bom.gift"
    path.write_bytes("\ufeff::A:: Caf\u00e9? {T}\r\n\r\n::B:: Tea? {F}\r\n".encode("utf-8"))
    result = runner.invoke(args=["quiz", "parse", str(path), "--json"])
    assert result.exit_code == 0
    assert [(q["title"], q["text"]) for q in json.loads(result.stdout)] == [("A", "Caf\u00e9?"), ("B", "Tea?")]


def test_empty_file_is_ok(runner, tmp_path):
    path = tmp_path / "empty.gift"
    path.write_text("// nothing yet\n", encoding="utf-8")
    result = runner.invoke(args=["quiz", "parse", str(path)])
    assert result.exit_code == 0 and result.stdout.splitlines() == ["0 questions", "OK"]


def test_missing_file_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(args=["quiz", "parse", str(tmp_path / "nope.gift")])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr

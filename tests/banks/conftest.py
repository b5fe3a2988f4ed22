import pytest

from ..quizzes.factories import create_quiz_course


@pytest.fixture
def course(db, tmp_path):
    """The basic course with the six-question test quiz in English (all six drawn)."""
    return create_quiz_course(tmp_path / "content")

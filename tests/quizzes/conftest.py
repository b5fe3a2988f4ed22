import pytest

from .factories import create_quiz_course


@pytest.fixture
def course(db, tmp_path):
    """The basic course with the six-question test quiz (all six drawn, pass mark 80 %)."""
    return create_quiz_course(tmp_path / "content")

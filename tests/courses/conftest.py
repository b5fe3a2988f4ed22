import pytest

from .factories import standard_tree, synced


@pytest.fixture
def curriculum(app, db, tmp_path):
    """The standard test tree (tests/courses/factories.py), loaded. Returns its root folder."""
    root = standard_tree(tmp_path / "content")
    synced(app, root)
    return root

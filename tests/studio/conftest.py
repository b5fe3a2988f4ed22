import pytest

from ..courses.factories import standard_tree, synced, write_course


@pytest.fixture
def curriculum(app, db, tmp_path):
    """The standard test tree with a quiz on `advanced`, loaded."""
    root = standard_tree(tmp_path / "content")
    write_course(root, "en", "advanced", "advanced", 2, lessons=2, quiz=True)
    synced(app, root)
    return root


@pytest.fixture
def world(world, curriculum):
    return world

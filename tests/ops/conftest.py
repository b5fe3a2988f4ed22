"""Apps of their own for the operating tests (logs, metrics, health, Redis down), and a way to read
what the app wrote to stderr without touching the suite's shared app."""
from __future__ import annotations

import io
import json
import logging

import pytest

from advocacy import create_app
from advocacy.core.db import db as _db
from advocacy.core.extensions import limiter

from ..conftest import make_config


@pytest.fixture
def make_app(tmp_path, app):
    """make_app(**config) -> a new app on a scratch SQLite file. The limiter is one object shared by
    every app, so its state (the storage) is put back afterwards for the suite's app."""
    saved = dict(vars(limiter))
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    counter = iter(range(100))

    def _make(**overrides):
        # A debug app made by another test leaves Flask's app logger ("advocacy") at DEBUG, which
        # would let its children's lines past the level under test.
        logging.getLogger("advocacy").setLevel(logging.NOTSET)
        url = "sqlite:///" + str(tmp_path / f"ops{next(counter)}.sqlite3")
        new = create_app(make_config(url, **overrides))
        with new.app_context():
            _db.create_all()
        return new

    yield _make
    vars(limiter).clear()
    vars(limiter).update(saved)
    # A new app replaced the root logger's handler: the suite's one comes back.
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)


class Lines:
    def __init__(self, stream: io.StringIO):
        self.stream = stream

    def text(self) -> list[str]:
        return [line for line in self.stream.getvalue().splitlines() if line]

    def json(self) -> list[dict]:
        return [json.loads(line) for line in self.text()]


@pytest.fixture
def stderr_lines():
    """What the app's log handler writes, captured; call after the app is made."""
    stream = io.StringIO()

    def _capture() -> Lines:
        handler = next(h for h in logging.getLogger().handlers if h.get_name() == "advocacy.stderr")
        handler.setStream(stream)
        return Lines(stream)

    return _capture

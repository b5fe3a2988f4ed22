"""Reading content files: TOML front matter between `+++` lines, and checking its fields.

Every problem becomes a ContentError with the file and the line it is on, so an author can go
straight to it. Nothing here touches the database.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from advocacy.learning.curriculum.errors import ContentError

FENCE = "+++"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TOML_LINE_RE = re.compile(r"at line (\d+)")
KEY_RE = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")
TABLE_RE = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.-]+)\s*\]\]?")


@dataclass
class Document:
    """A parsed content file: its front matter, its body, and where each key was written."""

    path: str
    meta: dict
    body: str = ""
    key_lines: dict[str, int] = field(default_factory=dict)
    start_line: int = 1  # where a missing key is reported: the file's top, or its [[goal]] header

    def line_of(self, key: str | None) -> int:
        return self.key_lines.get(key, self.start_line) if key else self.start_line

    def error(self, errors: list[ContentError], key: str | None, message: str) -> None:
        errors.append(ContentError(self.path, self.line_of(key), message))


def toml_error(path: str, error: tomllib.TOMLDecodeError, first_line: int = 1) -> ContentError:
    """tomllib says 'at line N' in its message (Python 3.11 has no lineno attribute)."""
    match = TOML_LINE_RE.search(str(error))
    line = int(match.group(1)) if match else 1
    message = TOML_LINE_RE.sub("", str(error)).replace("()", "").strip(" (")
    return ContentError(path, first_line + line - 1, f"TOML: {message}")


def key_lines(lines: list[str], first_line: int) -> dict[str, int]:
    """Where each key is written: 'title' at top level, 'quiz.pass_mark' inside [quiz]."""
    found: dict[str, int] = {}
    table = ""
    for number, line in enumerate(lines, start=first_line):
        header = TABLE_RE.match(line)
        if header:
            table = header.group(1)
            found.setdefault(table, number)
            continue
        key = KEY_RE.match(line)
        if key:
            found.setdefault(f"{table}.{key.group(1)}" if table else key.group(1), number)
    return found


def read_text(path: Path, display: str, errors: list[ContentError]) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        errors.append(ContentError(display, 1, "not UTF-8 text"))
    except OSError as error:
        errors.append(ContentError(display, 1, f"cannot read: {error.strerror}"))
    return None


def read_document(path: Path, display: str, errors: list[ContentError]) -> Document | None:
    """Split `+++` front matter from the Markdown body and parse the front matter as TOML."""
    text = read_text(path, display, errors)
    if text is None:
        return None
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != FENCE:
        errors.append(ContentError(display, 1, "front matter missing: the file must start with a line '+++'"))
        return None
    try:
        closing = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == FENCE)
    except StopIteration:
        errors.append(ContentError(display, 1, "front matter is not closed: add a line '+++' after it"))
        return None
    front = lines[1:closing]
    try:
        meta = tomllib.loads("\n".join(front))
    except tomllib.TOMLDecodeError as error:
        errors.append(toml_error(display, error, first_line=2))
        return None
    body = "\n".join(lines[closing + 1:]).strip("\n")
    return Document(display, meta, body.rstrip() + "\n" if body.strip() else "", key_lines(front, 2))


def read_toml(path: Path, display: str, errors: list[ContentError]) -> tuple[dict, list[str]] | None:
    text = read_text(path, display, errors)
    if text is None:
        return None
    try:
        return tomllib.loads(text), text.splitlines()
    except tomllib.TOMLDecodeError as error:
        errors.append(toml_error(display, error))
        return None


class Fields:
    """Typed access to a document's front matter; every problem is recorded with its line."""

    def __init__(self, doc: Document, errors: list[ContentError], prefix: str = "", meta: dict | None = None):
        self.doc, self.errors, self.prefix = doc, errors, prefix
        self.meta = doc.meta if meta is None else meta
        self.ok = True

    def _fail(self, key: str, message: str) -> None:
        self.ok = False
        self.doc.error(self.errors, self.prefix + key, message)

    def _get(self, key: str, required: bool, kind: str):
        if key not in self.meta:
            if required:
                self.ok = False
                self.doc.error(self.errors, None, f"`{self.prefix}{key}` is missing ({kind})")
            return None
        return self.meta[key]

    def text(self, key: str, required: bool = True, max_length: int | None = None, default: str = "") -> str:
        value = self._get(key, required, "text")
        if value is None:
            return default
        if not isinstance(value, str) or (required and not value.strip()):
            self._fail(key, f"`{self.prefix}{key}` must be non-empty text in quotes")
            return default
        if max_length and len(value) > max_length:
            self._fail(key, f"`{self.prefix}{key}` is longer than {max_length} characters")
            return default
        return value.strip()

    def integer(self, key: str, required: bool = True, minimum: int | None = None,
                maximum: int | None = None) -> int | None:
        value = self._get(key, required, "a whole number")
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self._fail(key, f"`{self.prefix}{key}` must be a whole number, not {value!r}")
            return None
        return value if self._in_range(key, value, minimum, maximum) else None

    def number(self, key: str, required: bool = True, minimum: float | None = None,
               maximum: float | None = None) -> float | None:
        value = self._get(key, required, "a number")
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self._fail(key, f"`{self.prefix}{key}` must be a number, not {value!r}")
            return None
        return float(value) if self._in_range(key, value, minimum, maximum) else None

    def _in_range(self, key: str, value, minimum, maximum) -> bool:
        if (minimum is None or value >= minimum) and (maximum is None or value <= maximum):
            return True
        low = "" if minimum is None else f"at least {minimum}"
        high = "" if maximum is None else f"at most {maximum}"
        self._fail(key, f"`{self.prefix}{key}` must be " + " and ".join(p for p in (low, high) if p) + f", not {value}")
        return False

    def boolean(self, key: str, default: bool) -> bool:
        value = self._get(key, False, "true or false")
        if value is None:
            return default
        if not isinstance(value, bool):
            self._fail(key, f"`{self.prefix}{key}` must be true or false, without quotes, not {value!r}")
            return default
        return value

    def day(self, key: str, required: bool = True) -> date | None:
        value = self._get(key, required, "a date such as 2026-01-31")
        if value is None:
            return None
        if isinstance(value, datetime) or not isinstance(value, date):
            self._fail(key, f"`{self.prefix}{key}` must be a date such as 2026-01-31, without quotes")
            return None
        return value

    def slug(self, key: str = "slug") -> str:
        value = self.text(key, max_length=80)
        if value and not SLUG_RE.match(value):
            self._fail(key, f"`{self.prefix}{key}` {value!r} may hold only a-z, 0-9 and single hyphens")
            return ""
        return value

    def slug_list(self, key: str) -> list[str]:
        value = self._get(key, False, "a list")
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self._fail(key, f"`{self.prefix}{key}` must be a list of slugs in quotes, e.g. [\"reach\"]")
            return []
        return value

    def choice(self, key: str, choices, required: bool = True) -> str | None:
        value = self._get(key, required, "one of " + ", ".join(choices))
        if value is None:
            return None
        if value not in choices:
            self._fail(key, f"`{self.prefix}{key}` {value!r} is unknown; use one of: " + ", ".join(choices))
            return None
        return value

    def table(self, key: str) -> dict:
        value = self._get(key, False, "a table")
        if value is None:
            return {}
        if not isinstance(value, dict):
            self._fail(key, f"`{self.prefix}{key}` must be a table: [{key}]")
            return {}
        return value

    def no_unknown_keys(self, allowed) -> None:
        """A typo such as `minuts` would otherwise be silently ignored."""
        for key in self.meta:
            if key not in allowed:
                self._fail(key, f"unknown key `{self.prefix}{key}` (known: {', '.join(sorted(allowed))})")

"""Every interface string has its Dutch translation: the strings are extracted from the code and
templates as `make messages` does, and each must be translated (not empty, not fuzzy) in nl."""
from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "advocacy" / "translations" / "nl" / "LC_MESSAGES" / "messages.po"
METHODS = [("**/templates/**.html", "jinja2"), ("**/templates/**.txt", "jinja2"), ("**.py", "python")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "N_": None}


def extracted() -> set[str]:
    found = set()
    for _filename, _line, message, _comments, _context in extract_from_dir(
            ROOT / "advocacy", METHODS, keywords=KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_interface_string_is_translated_into_dutch():
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    missing = sorted(msgid for msgid in extracted() if msgid and (
        catalogue.get(msgid) is None or not catalogue.get(msgid).string or catalogue.get(msgid).fuzzy))
    assert missing == [], f"{len(missing)} strings without a Dutch translation in {CATALOGUE.name}: {missing[:10]}"


def test_no_string_is_translated_twice():
    """Branches append their strings; a string added on two branches must be kept once."""
    text = CATALOGUE.read_text(encoding="utf-8")
    ids = [line for line in text.splitlines() if line.startswith("msgid ") and line != 'msgid ""']
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert duplicates == []

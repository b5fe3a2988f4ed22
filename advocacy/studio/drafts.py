"""Drafts: reading and changing a course's working copy, the version check, publishing.

Checking and publishing are learning/curriculum's (course_files.py): the same loader and sync as
`flask content sync`; this module only edits file texts and keeps the history.
"""
from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from html.parser import HTMLParser

from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from advocacy.core.clock import utcnow
from advocacy.core.db import db, insert_ignoring_conflict, rows_changed
from advocacy.core.i18n import REFERENCE_LANGUAGE
from advocacy.core.markdown import render
from advocacy.core.organisation import User
from advocacy.learning.banks.gift_export import export_gift
from advocacy.learning.curriculum.course_files import check_course_files, publish_course_files
from advocacy.learning.curriculum.errors import ContentError
from advocacy.learning.curriculum.export import course_files, document, toml_lines
from advocacy.learning.curriculum.frontmatter import key_lines
from advocacy.learning.models.courses import Course, Lesson, LessonVersion
from advocacy.studio.models import CourseDraft, CourseRelease, StudioSettings

LESSON_RE = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
COURSE_KEYS = ("slug", "title", "tier", "summary", "order", "minutes", "goals", "unlocks")
QUIZ_KEYS = ("questions", "pass_mark", "attempts_before_cooldown", "cooldown_hours", "time_limit_minutes",
             "valid_months")
UNSAFE_MESSAGE = ("the text holds HTML that would run or load something (a script, frame, form, on... "
                  "attribute or javascript: link); write it in Markdown instead")
KEY_IN_MESSAGE = re.compile(r"`([a-z_.]+)`")
# Lessons are rendered as trusted Markdown (raw HTML allowed, as in files from the repository).
# Text typed in the browser may not use it to run or load anything. The rendered HTML is read with
# the standard library's parser, which decodes entities in attribute values as a browser does, and
# addresses are compared with every whitespace and control character taken out (browsers ignore
# them inside a scheme: "java&#9;script:" runs).
UNSAFE_TAGS = frozenset({"script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input",
                         "button", "textarea", "select", "style", "meta", "link", "base", "svg", "math",
                         "template", "noscript", "portal"})
ADDRESS_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "background",
                                "srcset", "data", "cite", "longdesc", "lowsrc", "dynsrc", "ping"})
UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\xa0\u1680\u180e\u2000-\u200f\u2028\u2029\u202f\u205f\u3000\ufeff]+")


class _UnsafeHtmlFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.unsafe = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag.lower() in UNSAFE_TAGS:
            self.unsafe = True
        for name, value in attrs:
            name = name.lower()
            squeezed = _INVISIBLE.sub("", value or "").lower()
            if name.startswith("on") or (name == "style" and ("url(" in squeezed or "expression(" in squeezed)):
                self.unsafe = True
            elif name in ADDRESS_ATTRIBUTES and any(scheme in squeezed for scheme in UNSAFE_SCHEMES):
                self.unsafe = True

    handle_startendtag = handle_starttag


def holds_unsafe_html(html: str) -> bool:
    finder = _UnsafeHtmlFinder()
    finder.feed(html)
    finder.close()
    return finder.unsafe


class Conflict(Exception):
    """The draft changed since the form was opened."""

    def __init__(self, draft: CourseDraft):
        self.draft = draft
        by = db.session.get(User, draft.updated_by_id) if draft.updated_by_id else None
        self.by = by.name if by else "?"
        self.at = draft.updated_at


def settings() -> StudioSettings:
    return db.session.get(StudioSettings, 1) or StudioSettings(id=1, four_eyes=False)


def published_course(slug: str) -> Course | None:
    return db.session.scalar(select(Course).where(Course.slug == slug)
                             .options(selectinload(Course.texts), selectinload(Course.goals)))


def draft_of(slug: str) -> CourseDraft | None:
    return db.session.scalar(select(CourseDraft).where(CourseDraft.course_slug == slug))


def current_files(slug: str) -> tuple[CourseDraft | None, dict[str, str]]:
    """The draft and its files, else the published course's files (nothing written)."""
    draft = draft_of(slug)
    if draft is not None:
        return draft, dict(draft.files)
    course = published_course(slug)
    return None, course_files(course) if course is not None else {}


def save(slug: str, revision: int, files: dict[str, str], user: User) -> CourseDraft:
    """Store `files` as the draft, if nobody saved it since `revision` (0: no draft when opened)."""
    draft = draft_of(slug)
    now = utcnow()
    if draft is None:
        if revision != 0:
            raise Conflict(CourseDraft(course_slug=slug, updated_by_id=None, updated_at=now))
        course = published_course(slug)
        base = course_files(course) if course is not None else {}
        # Two first saves in the same instant: the unique slug keeps one, the other is told.
        made = insert_ignoring_conflict(CourseDraft, course_slug=slug, files=dict(files), base_files=base,
                                        revision=1, editor_ids=[user.id], created_at=now, updated_at=now,
                                        updated_by_id=user.id)
        draft = draft_of(slug)
        if not made or draft is None:
            raise Conflict(draft or CourseDraft(course_slug=slug, updated_by_id=None, updated_at=now))
        return draft
    if draft.revision != revision:
        raise Conflict(draft)
    editors = list(draft.editor_ids or [])
    # UPDATE ... WHERE revision = the one the form was opened on: of two saves in the same
    # instant, only one matches the row; the other is told who changed it.
    changed = rows_changed(
        update(CourseDraft).where(CourseDraft.id == draft.id, CourseDraft.revision == revision)
        .values(files=dict(files), revision=revision + 1, updated_at=now, updated_by_id=user.id,
                editor_ids=editors if user.id in editors else [*editors, user.id])
        .execution_options(synchronize_session=False))
    db.session.refresh(draft)
    if changed != 1:
        raise Conflict(draft)
    return draft


def discard(slug: str, revision: int) -> None:
    draft = draft_of(slug)
    if draft is None:
        return
    if draft.revision != revision:
        raise Conflict(draft)
    db.session.delete(draft)
    db.session.flush()


# -- reading and writing file texts ---------------------------------------------------------------

def split(text: str) -> tuple[dict, str]:
    """Front matter and body of a content file; ({}, text) when the front matter does not parse
    (the loader then says why, next to the field)."""
    lines = (text or "").splitlines()
    if not lines or lines[0].strip() != "+++":
        return {}, text or ""
    closing = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "+++"), None)
    if closing is None:
        return {}, text
    try:
        meta = tomllib.loads("\n".join(lines[1:closing]))
    except tomllib.TOMLDecodeError:
        meta = {}
    return meta, "\n".join(lines[closing + 1:]).strip("\n") + "\n"


def as_number(value: str):
    """What the author typed, as TOML: a number when it is one, else text (which the loader refuses
    with its own message)."""
    value = (value or "").strip()
    if re.fullmatch(r"-?\d+", value):
        return int(value)
    if re.fullmatch(r"-?\d+\.\d+", value):
        return float(value)
    return value or None


def course_text(meta: dict, body: str) -> str:
    front = toml_lines({k: meta.get(k) for k in COURSE_KEYS})
    quiz = {k: meta["quiz"][k] for k in QUIZ_KEYS if isinstance(meta.get("quiz"), dict) and k in meta["quiz"]}
    if quiz:
        front += ["", "[quiz]"] + toml_lines(quiz)
    return document(front, body)


def lesson_text(title: str, minutes, goals: list[str], body: str) -> str:
    return document(toml_lines(dict(title=title, minutes=minutes, goals=list(goals))), body)


@dataclass
class LessonEntry:
    slug: str
    position: int
    filename: str
    languages: dict[str, str] = field(default_factory=dict)  # language -> file path in the draft
    title: str = ""


def lessons_in(files: dict[str, str]) -> list[LessonEntry]:
    """The draft's lessons in order, from the English file names (translations by the same name)."""
    entries: dict[str, LessonEntry] = {}
    for path in sorted(files):
        language, _, name = path.partition("/")
        match = LESSON_RE.match(name)
        if not match:
            continue
        entry = entries.setdefault(match.group(2), LessonEntry(match.group(2), int(match.group(1)), name))
        entry.languages[language] = path
        if language == REFERENCE_LANGUAGE:
            entry.position, entry.filename = int(match.group(1)), name
            entry.title = str(split(files[path])[0].get("title", ""))
    return sorted(entries.values(), key=lambda e: (e.position, e.slug))


def lesson_path(files: dict[str, str], lesson_slug: str, language: str) -> str | None:
    entry = next((e for e in lessons_in(files) if e.slug == lesson_slug), None)
    if entry is None:
        return None
    return entry.languages.get(language) or f"{language}/{entry.filename}"


def renumber(files: dict[str, str], order: list[str]) -> dict[str, str]:
    """Every lesson file renamed to its place in `order` (01, 02, ...), in every language."""
    places = {slug: n for n, slug in enumerate(order, 1)}
    renamed: dict[str, str] = {}
    for path, text in files.items():
        language, _, name = path.partition("/")
        match = LESSON_RE.match(name)
        if match and match.group(2) in places:
            path = f"{language}/{places[match.group(2)]:02d}-{match.group(2)}.md"
        renamed[path] = text
    return renamed


def move(files: dict[str, str], lesson_slug: str, step: int) -> dict[str, str]:
    order = [e.slug for e in lessons_in(files)]
    if lesson_slug not in order:
        return files
    i = order.index(lesson_slug)
    j = max(0, min(len(order) - 1, i + step))
    order[i], order[j] = order[j], order[i]
    return renumber(files, order)


def retire(files: dict[str, str], lesson_slug: str) -> dict[str, str]:
    def of(path: str) -> str | None:
        match = LESSON_RE.match(path.partition("/")[2])
        return match.group(2) if match else None

    kept = {p: t for p, t in files.items() if of(p) != lesson_slug}
    return renumber(kept, [e.slug for e in lessons_in(kept)])


def retired_lessons(slug: str, files: dict[str, str]) -> list[tuple[str, str]]:
    """(slug, title) of the published course's lessons that are not in the draft (retired)."""
    course = published_course(slug)
    if course is None:
        return []
    in_draft = {e.slug for e in lessons_in(files)}
    found = []
    for lesson in db.session.scalars(select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position)):
        if lesson.slug in in_draft:
            continue
        version = latest_version(lesson.id, REFERENCE_LANGUAGE)
        found.append((lesson.slug, version.title if version else lesson.slug))
    return found


def latest_version(lesson_id: int, language: str) -> LessonVersion | None:
    return db.session.scalar(select(LessonVersion).where(LessonVersion.lesson_id == lesson_id,
                                                         LessonVersion.language == language)
                             .order_by(LessonVersion.version.desc()).limit(1))


def restore(slug: str, files: dict[str, str], lesson_slug: str) -> dict[str, str]:
    """The retired lesson back at the end, in every language it was written in."""
    course = published_course(slug)
    lesson = course and db.session.scalar(select(Lesson).where(Lesson.course_id == course.id,
                                                               Lesson.slug == lesson_slug)
                                          .options(selectinload(Lesson.goals)))
    if not lesson or any(e.slug == lesson_slug for e in lessons_in(files)):
        return files
    position = len(lessons_in(files)) + 1
    restored = dict(files)
    for language in {v.language for v in db.session.scalars(
            select(LessonVersion).where(LessonVersion.lesson_id == lesson.id))}:
        if f"{language}/course.md" not in files:
            continue
        version = latest_version(lesson.id, language)
        if version is not None:
            restored[f"{language}/{position:02d}-{lesson_slug}.md"] = lesson_text(
                version.title, version.minutes, [g.slug for g in lesson.goals], version.body)
    return restored


# -- errors next to their field -------------------------------------------------------------------

def field_of(files: dict[str, str], error: ContentError) -> str:
    """The form field an error belongs to: the key on its line, or named in its message, else body."""
    text = files.get(error.path, "")
    lines = text.splitlines()
    closing = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "+++"), 0)
    by_line = {line: key for key, line in key_lines(lines[1:closing], 2).items()}
    key = by_line.get(error.line)
    if key is None or key == "quiz":
        named = KEY_IN_MESSAGE.search(error.message)
        key = named.group(1) if named else ("quiz" if key == "quiz" else None)
    if key is None:
        return "body" if error.line > closing else "form"
    return key.replace(".", "_")


def errors_by_file(files: dict[str, str], errors: list[ContentError]) -> dict[str, dict[str, list[str]]]:
    """path -> field -> messages."""
    grouped: dict[str, dict[str, list[str]]] = {}
    for error in errors:
        grouped.setdefault(error.path, {}).setdefault(field_of(files, error), []).append(error.message)
    return grouped


def unsafe_html(files: dict[str, str]) -> list[ContentError]:
    """Markdown files whose rendering would hold a script, a frame, a form, an event handler or a
    javascript:/data: address."""
    found = []
    for path, text in sorted(files.items()):
        if not path.endswith(".md"):
            continue
        lines = text.splitlines()
        closing = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "+++"), 0)
        if holds_unsafe_html(str(render(split(text)[1], trusted=True))):
            found.append(ContentError(path, closing + 2, UNSAFE_MESSAGE))
    return found


def check(slug: str, files: dict[str, str]) -> dict[str, dict[str, list[str]]]:
    return errors_by_file(files, unsafe_html(files) + check_course_files(slug, files))


# -- publishing and history -----------------------------------------------------------------------

class NotAllowed(Exception):
    """Four eyes: whoever saved the draft may not publish it."""


def may_publish(draft: CourseDraft, user: User) -> bool:
    return not settings().four_eyes or user.id not in (draft.editor_ids or [])


def publish(slug: str, revision: int, user: User):
    """Publish the draft (the loader's errors, or the new release). The caller commits."""
    draft = draft_of(slug)
    if draft is None:
        return [], None
    if draft.revision != revision:
        raise Conflict(draft)
    if not may_publish(draft, user):
        raise NotAllowed()
    files = dict(draft.files)
    unsafe = unsafe_html(files)
    if unsafe:
        return unsafe, None
    result = publish_course_files(slug, files, user.id)
    if result.errors:
        return result.errors, None
    number = (db.session.scalar(select(func.max(CourseRelease.number)).where(CourseRelease.course_slug == slug))
              or 0) + 1
    release = CourseRelease(course_slug=slug, number=number, files=files, previous_files=dict(draft.base_files),
                            changed=result.changed, published_at=utcnow(), published_by_id=user.id,
                            editor_ids=list(draft.editor_ids))
    db.session.add(release)
    db.session.delete(draft)
    db.session.flush()
    return [], release


def releases_of(slug: str) -> list[CourseRelease]:
    return list(db.session.scalars(select(CourseRelease).where(CourseRelease.course_slug == slug)
                                   .order_by(CourseRelease.number.desc())))


@dataclass
class FileDiff:
    path: str
    state: str  # added, removed, changed
    lines: list[tuple[str, str]]  # (kind, text): kind is "+", "-", " " or "@"


def compare(before: dict[str, str], after: dict[str, str]) -> list[FileDiff]:
    diffs = []
    for path in sorted(set(before) | set(after)):
        old, new = before.get(path), after.get(path)
        if old == new:
            continue
        state = "added" if old is None else "removed" if new is None else "changed"
        lines: list[tuple[str, str]] = []
        for line in difflib.unified_diff((old or "").splitlines(), (new or "").splitlines(), lineterm="", n=2):
            if line.startswith(("---", "+++ ")) and not lines:
                continue
            if line.startswith("@@"):
                lines.append(("@", line))
            else:
                lines.append((line[:1] or " ", line[1:]))
        diffs.append(FileDiff(path, state, lines))
    return diffs


def take_bank_import(course: Course, language: str, questions: list, actor_id: int) -> bool:
    """A quiz bank imported on the bank pages (learning/services/banks.py asks first): when the
    course has an open draft, or four eyes are required, the questions become the draft's quiz file
    for `language` and are published with the draft; otherwise (False) the bank pages publish them
    at once. So an import never publishes someone's unfinished lessons, and a draft published later
    never brings back the bank it was opened with."""
    draft = draft_of(course.slug)
    if draft is None and not settings().four_eyes:
        return False
    user = db.session.get(User, actor_id)
    assert user is not None
    _draft, files = current_files(course.slug)
    files[f"{language}/quiz.gift"] = export_gift(questions)
    save(course.slug, draft.revision if draft is not None else 0, files, user)
    return True

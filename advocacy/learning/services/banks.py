"""Quiz banks for authors: list them, read one, preview an uploaded GIFT or Moodle XML file, publish
a new version, export, and the item analysis of a version.

Publishing goes through learning/bank_store.py, the versioning `flask content sync` uses, so a bank
published in the browser and one synced from files are the same thing. An upload waits between
preview and confirmation as a blob under a random token that opens it only with the uploader's id:
the confirm step publishes exactly what was previewed. Nothing here commits.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from advocacy.core import audit, blobs
from advocacy.core.blobs import Blob
from advocacy.core.clock import utcnow
from advocacy.core.db import db
from advocacy.core.jobs import crontab, periodic, run_once
from advocacy.learning.bank_store import PoolFinding, check_settings, pool_findings, pool_problems, store_version
from advocacy.learning.banks import cues as bank_cues
from advocacy.learning.banks import item_analysis
from advocacy.learning.banks.gift import (
    GiftError,
    GiftErrorItem,
    Question,
    parse_gift_bytes,
    question_from_dict,
)
from advocacy.learning.banks.gift_export import export_gift
from advocacy.learning.banks.moodle_xml import parse_moodle_xml, to_moodle_xml
from advocacy.learning.models.banks import BankUpload
from advocacy.learning.models.courses import Course
from advocacy.learning.models.quizzes import Attempt, Quiz, QuizQuestion, QuizVersion
from advocacy.learning.rules.grading import QuizSettings

KEEP_SECONDS = 3600  # an upload waits an hour for its confirmation
MAX_BYTES = 2 * 1024 * 1024
EXPORT_TYPES = {"gift": ("text/plain; charset=utf-8", "gift"), "xml": ("application/xml", "xml")}


class BankRefused(ValueError):
    """Publishing is not possible; `problems` are (line, message) pairs for the author."""

    def __init__(self, problems: list[tuple[int, str]]):
        super().__init__("; ".join(message for _, message in problems))
        self.problems = problems


# --- reading banks -----------------------------------------------------------------------------


@dataclass
class BankRow:
    course: Course
    quiz: Quiz
    version: QuizVersion | None
    pool: int


def banks() -> list[BankRow]:
    """Every course's quiz in every language with its newest version and pool size, in course order
    (three queries, however many banks and versions there are)."""
    quizzes = db.session.scalars(select(Quiz).join(Course).where(Course.retired_at.is_(None))
                                 .options(selectinload(Quiz.course).selectinload(Course.texts))
                                 .order_by(Course.order, Course.slug, Quiz.language)).all()
    newest = (select(QuizVersion.quiz_id, func.max(QuizVersion.number).label("number"))
              .group_by(QuizVersion.quiz_id).subquery())
    versions = {v.quiz_id: v for v in db.session.scalars(
        select(QuizVersion).join(newest, (newest.c.quiz_id == QuizVersion.quiz_id)
                                 & (newest.c.number == QuizVersion.number)))}
    pools = dict(db.session.execute(select(QuizQuestion.version_id, func.count(QuizQuestion.id))
                                    .where(QuizQuestion.version_id.in_([v.id for v in versions.values()]))
                                    .group_by(QuizQuestion.version_id)).all())
    return [BankRow(quiz.course, quiz, versions.get(quiz.id),
                    pools.get(versions[quiz.id].id, 0) if quiz.id in versions else 0) for quiz in quizzes]


def course_by_slug(slug: str) -> Course | None:
    return db.session.scalar(select(Course).where(Course.slug == slug))


def quizzes_of(course: Course) -> dict[str, Quiz]:
    return {q.language: q for q in db.session.scalars(select(Quiz).where(Quiz.course_id == course.id)
                                                      .order_by(Quiz.language))}


def version_of(quiz: Quiz, number: int | None) -> QuizVersion | None:
    """Version `number` of the quiz, or its newest when None."""
    if not quiz.versions:
        return None
    if number is None:
        return quiz.versions[-1]
    return next((v for v in quiz.versions if v.number == number), None)


def question_dicts(version: QuizVersion) -> list[dict]:
    return [q.data for q in version.questions]


def cues_of(questions: list[dict], draw: int | None) -> tuple[list, list, dict]:
    """(cues per question index, the bank's own cues, the summary) for a bank's quality panel."""
    found = bank_cues.bank_cues(questions, draw)
    per_question: list[list] = [[] for _ in questions]
    for cue in found:
        if cue.question_index is not None:
            per_question[cue.question_index].append(cue)
    return per_question, [c for c in found if c.question_index is None], bank_cues.bank_summary(questions, draw)


# --- export ------------------------------------------------------------------------------------


def export_bank(version: QuizVersion, kind: str) -> bytes:
    """The version's questions as GIFT or Moodle XML (ValueError when the format cannot hold one)."""
    questions = [question_from_dict(q.data) for q in version.questions]
    return to_moodle_xml(questions) if kind == "xml" else export_gift(questions).encode("utf-8")


def export_name(course: Course, quiz: Quiz, version: QuizVersion, kind: str) -> str:
    return f"{course.slug}-{quiz.language}-v{version.number}.{EXPORT_TYPES[kind][1]}"


# --- preview -----------------------------------------------------------------------------------


@dataclass
class Preview:
    """What an uploaded file would publish: the questions, or the problems that stop it."""

    questions: list[Question] = field(default_factory=list)
    errors: list[GiftErrorItem] = field(default_factory=list)   # the file cannot be read: line and message
    refused: list[tuple[Question, PoolFinding]] = field(default_factory=list)  # read, but no pool can hold it
    problems: list[tuple[str, dict]] = field(default_factory=list)  # bank-level (BANK_PROBLEMS codes)

    @property
    def gradable(self) -> list[Question]:
        refused = {id(q) for q, _ in self.refused}
        return [q for q in self.questions if id(q) not in refused]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.refused and not self.problems and bool(self.questions)


def kind_of(filename: str) -> str:
    return "xml" if filename.lower().endswith(".xml") else "gift"


def read_bank_file(data: bytes, kind: str, filename: str) -> list[Question]:
    """The questions of a GIFT or Moodle XML file; GiftError with every problem and its line."""
    return parse_moodle_xml(data, filename) if kind == "xml" else parse_gift_bytes(data, filename)


def settings_for(course: Course, language: str) -> QuizSettings | None:
    """The settings a new version keeps: the quiz's newest version's, else the course's [quiz] table."""
    quiz = quizzes_of(course).get(language)
    version = version_of(quiz, None) if quiz else None
    if version is not None:
        return version.settings
    texts = {t.language: t for t in course.texts}
    table = (texts.get(language) or texts.get("en"))
    parsed, _problems = check_settings(dict(table.quiz_settings or {})) if table and table.quiz_settings else (None, [])
    return parsed


def preview(course: Course, language: str, data: bytes, kind: str, filename: str) -> Preview:
    result = Preview()
    try:
        result.questions = read_bank_file(data, kind, filename)
    except GiftError as error:
        result.errors = list(error.errors)
        return result
    by_line: dict[int, PoolFinding] = {}
    for finding in pool_findings(result.questions):
        by_line.setdefault(finding.line, finding)
    result.refused = [(q, by_line[q.line]) for q in result.questions if q.line in by_line]
    result.problems = bank_problems(course, language, result.gradable)
    return result


# What stops a whole bank (codes, with the values a page fills into its translated sentence).
BANK_PROBLEMS = {
    "no_settings": "the course has no quiz settings in this language yet: set them in course.md first",
    "no_questions": "the file holds no question a certification quiz can grade",
    "pool_too_small": "the pool has {pool} questions but the quiz draws {draw} per attempt",
    "published_meanwhile": "another version of this bank was published a moment ago; look at it and try again",
}


def bank_problems(course: Course, language: str, questions: list[Question]) -> list[tuple[str, dict]]:
    settings = settings_for(course, language)
    if settings is None:
        return [("no_settings", {})]
    if not questions:
        return [("no_questions", {})]
    if len(questions) < settings.questions:
        return [("pool_too_small", {"pool": len(questions), "draw": settings.questions})]
    return []


# --- publishing --------------------------------------------------------------------------------


# The Studio (a feature above learning) keeps course drafts that hold quiz files too. So that an
# imported bank and a draft never publish past each other, and a second author's approval holds
# for both, an import goes to the Studio first: it takes the questions into the course's draft
# (and answers True) when a draft is open or four eyes are required; otherwise it is published here.
DraftTaker = Callable[[Course, str, list[Question], int], bool]
_draft_takers: list[DraftTaker] = []


def route_imports_through(taker: DraftTaker) -> None:
    """Register the Studio's draft taker (once per process; a later one replaces it)."""
    _draft_takers[:] = [taker]


def taken_into_draft(course: Course, language: str, questions: list[Question], actor_id: int) -> bool:
    return any(taker(course, language, questions, actor_id) for taker in _draft_takers)


def publish_bank(course: Course, language: str, questions: list[Question], actor_id: int | None,
                 source: str = "") -> QuizVersion | None:
    """Make `questions` the newest version of the course's quiz in `language`, keeping its settings,
    through the same versioning as `flask content sync`; an audit entry says who and from what.
    Returns the new version, or None when the pool and settings are unchanged (nothing written).
    BankRefused lists the problems (an ungradable or repeated question, a pool too small)."""
    problems = pool_problems(questions) + [(0, BANK_PROBLEMS[code].format(**values))
                                           for code, values in bank_problems(course, language, questions)]
    if problems:
        raise BankRefused(problems)
    settings = settings_for(course, language)
    assert settings is not None  # bank_problems said so
    try:
        with db.session.begin_nested():  # a version number taken a moment ago by another author
            changed = store_version(course, language, settings, questions)
            db.session.flush()
    except IntegrityError:
        raise BankRefused([(0, BANK_PROBLEMS["published_meanwhile"])]) from None
    if not changed:
        return None
    # Published from the browser: a later `flask content sync` of older files leaves the course alone.
    course.edited_at, course.edited_by_id = utcnow(), actor_id
    version = version_of(quizzes_of(course)[language], None)
    assert version is not None
    audit.record("quiz_bank_published", f"{course.slug} ({language}): version {version.number}, "
                 f"{len(questions)} questions" + (f", from {source}" if source else ""), actor_id=actor_id)
    return version


# --- the upload between preview and confirmation -----------------------------------------------


def store_upload(course: Course, language: str, data: bytes, filename: str, user_id: int) -> str:
    now = utcnow()
    remove_stale_uploads(now)
    token = secrets.token_urlsafe(32)
    db.session.add(BankUpload(token=token, user_id=user_id, course_id=course.id, language=language,
                              kind=kind_of(filename), filename=filename[:200],
                              blob_hash=blobs.put(data, "text/plain"), created_at=now))
    db.session.flush()
    return token


def waiting_upload(token: str, user_id: int, course: Course) -> tuple[BankUpload, bytes] | None:
    """This person's upload for this course under `token`, with its bytes, if it still waits."""
    if not token or len(token) > 64:
        return None
    cutoff = utcnow() - timedelta(seconds=KEEP_SECONDS)
    row = db.session.execute(select(BankUpload, Blob.data).join(Blob, Blob.hash == BankUpload.blob_hash)
                             .where(BankUpload.token == token, BankUpload.user_id == user_id,
                                    BankUpload.course_id == course.id, BankUpload.created_at > cutoff)).first()
    return (row[0], row[1]) if row else None


def discard_upload(upload: BankUpload) -> None:
    digest = upload.blob_hash
    db.session.delete(upload)
    db.session.flush()
    blobs.discard([digest])


def remove_stale_uploads(now: datetime | None = None) -> int:
    cutoff = (now or utcnow()) - timedelta(seconds=KEEP_SECONDS)
    hashes = list(db.session.scalars(delete(BankUpload).where(BankUpload.created_at <= cutoff)
                                     .returning(BankUpload.blob_hash)))
    blobs.discard(hashes)
    return len(hashes)


@periodic("learning.expire_bank_uploads", crontab(minute="35"))
def expire_bank_uploads() -> None:
    """Quiz files left unconfirmed for an hour go (each upload also clears the stale ones)."""
    run_once("learning.expire_bank_uploads", f"{utcnow():%Y-%m-%dT%H}", remove_stale_uploads)


def uses_upload(digest: str) -> bool:
    return db.session.scalar(select(BankUpload.token).where(BankUpload.blob_hash == digest).limit(1)) is not None


# --- item analysis -----------------------------------------------------------------------------


def _response(kind: str, item_id: int, result: dict) -> item_analysis.Response:
    response = result.get("response") or {}
    if kind in ("multichoice", "truefalse"):
        chosen: object = list(response.get("chosen", [])) or None
    elif kind == "matching":
        chosen = [tuple(pair) for pair in response.get("matches", [])] or None
    else:
        chosen = response.get("text") or None
    return item_analysis.Response(str(item_id), float(result.get("fraction", 0)), chosen)


def analysis_of(version: QuizVersion) -> tuple[item_analysis.BankAnalysis | None, dict[str, dict]]:
    """The item analysis of one version from its graded attempts (timed-out ones were not graded),
    and its questions by the key the analysis uses. Nobody's name goes in: attempts are totals."""
    questions = {str(q.id): q.data for q in version.questions}
    records = []
    for items, results, score in db.session.execute(
            select(Attempt.items, Attempt.results, Attempt.score)
            .where(Attempt.quiz_version_id == version.id, Attempt.submitted_at.is_not(None),
                   Attempt.results.is_not(None)).order_by(Attempt.id)):
        if not results:
            continue
        responses = [_response(questions[str(item["id"])]["type"], item["id"], result)
                     for item, result in zip(items, results) if str(item["id"]) in questions]
        records.append(item_analysis.AttemptRecord(float(score or 0), tuple(responses)))
    return item_analysis.analyse(records, questions, version.number), questions

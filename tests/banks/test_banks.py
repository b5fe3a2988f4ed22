"""Quiz banks in the browser: the bank page, GIFT and Moodle XML import (preview, then confirm),
export, and the round trip of real Moodle files."""
import io
import re
from pathlib import Path

from sqlalchemy import select

from advocacy.core.audit import AuditEntry
from advocacy.core.db import db
from advocacy.learning.banks.gift import export_gift, parse_gift, parse_gift_bytes, question_to_dict
from advocacy.learning.banks.moodle_xml import parse_moodle_xml
from advocacy.learning.models.banks import BankUpload
from advocacy.learning.models.quizzes import Quiz, QuizVersion
from advocacy.studio import drafts
from advocacy.studio.models import CourseDraft, StudioSettings

from ..conftest import login
from ..quizzes.factories import SMALL_GIFT, create_course, create_quiz_course, load_quiz, start

MOODLE = Path(__file__).parent.parent / "quizzes" / "fixtures" / "moodle"
FIXTURES = Path(__file__).parent / "fixtures"


def text(response) -> str:
    return response.get_data(as_text=True)


def meaning(questions) -> list[dict]:
    """What a question means, without where it stood in its file."""
    return [question_to_dict(q) for q in questions]


def versions(course, language="en") -> list[int]:
    quiz = db.session.scalar(select(Quiz).where(Quiz.course_id == course.id, Quiz.language == language))
    return [] if quiz is None else [v.number for v in quiz.versions]


def upload(client, slug, data: bytes, name: str, language="en"):
    return client.post(f"/studio/banks/{slug}/upload", data={"file": (io.BytesIO(data), name), "language": language},
                       content_type="multipart/form-data")


def token_of(response) -> str:
    assert response.status_code == 303, response.status_code
    return re.search(r"/upload/([A-Za-z0-9_-]+)$", response.headers["Location"]).group(1)


# -- the bank page ---------------------------------------------------------------------------------


def test_the_list_shows_every_bank_with_its_version(client, course, author):
    login(client, author)
    page = text(client.get("/studio/banks"))
    assert "Social media basics" in page and "/studio/banks/basic?language=en" in page
    assert re.search(r'<td class="num">1</td>\s*<td class="num">6</td>', page)  # version 1, six questions


def test_the_bank_page_shows_questions_by_type_as_learners_see_them_with_cues(client, course, author):
    login(client, author)
    page = text(client.get("/studio/banks/basic"))
    for heading in ("Multiple choice (2)", "True/false (1)", "Short answer (1)", "Matching (1)", "Numerical (1)"):
        assert heading in page
    # the learner's fieldset, from the quiz's own template, disabled
    assert '<fieldset class="question"' in page and "disabled" in page
    assert "What is the capital of the Netherlands?" in page
    # the answer key beside it, and the cues
    assert "Yes, Amsterdam is the capital." in page
    assert "The pool has 6 questions for 6 drawn: have at least 12 so attempts differ." in page
    assert "1 of 1 answers have no feedback." in page  # the numerical question's one answer


def test_the_cues_are_translated(client, course, author):
    author.language = "nl"
    db.session.commit()
    login(client, author)
    page = text(client.get("/studio/banks/basic"))
    assert "De pool heeft 6 vragen voor 6 getrokken" in page


# -- import: preview, then confirm --------------------------------------------------------------------


def test_a_file_with_errors_shows_each_with_its_line_and_publishes_nothing(client, course, author):
    login(client, author)
    response = upload(client, "basic", b"::A:: One {=yes ~no}\n\n::B:: Two {=yes ~no\n", "broken.gift")
    page = text(client.get(response.headers["Location"]))
    assert "Line 3:" in page and "cannot be read" in page
    assert "Publish these questions" not in page
    assert versions(course) == [1]


def test_a_real_moodle_export_shows_what_a_quiz_cannot_grade_and_why(client, course, author):
    login(client, author)
    token = token_of(upload(client, "basic", (MOODLE / "moodle_export_shapes.gift").read_bytes(), "export.gift"))
    page = text(client.get(f"/studio/banks/basic/upload/{token}"))
    assert "Essay (1)" in page and "Description (1)" in page
    assert "A certification quiz cannot grade essay questions" in page
    assert "Publish these questions" not in page
    # confirming anyway publishes nothing
    assert client.post(f"/studio/banks/basic/upload/{token}").status_code == 422
    assert versions(course) == [1]


def test_confirming_publishes_the_file_kept_on_the_server_as_a_new_version(client, course, author):
    login(client, author)
    every = parse_gift((MOODLE / "moodle_export_shapes.gift").read_text())
    gradable = export_gift([q for q in every if q.type not in ("essay", "description")])
    questions = parse_gift(gradable)
    assert len(questions) == 6
    token = token_of(upload(client, "basic", gradable.encode(), "gradable.gift"))
    page = text(client.get(f"/studio/banks/basic/upload/{token}"))
    assert "6 questions read." in page and "Publish these questions" in page
    # a body posted with the confirmation is ignored: the kept file is what counts
    response = client.post(f"/studio/banks/basic/upload/{token}", data={"file": "::X:: evil {=a ~b}"})
    assert response.status_code == 303
    assert versions(course) == [1, 2]
    version = db.session.scalar(select(QuizVersion).where(QuizVersion.number == 2))
    assert [q.data for q in version.questions] == meaning(questions)
    assert version.questions_per_attempt == 6 and version.pass_mark == 80  # settings kept
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "quiz_bank_published"))
    assert entry.actor_id == author.id and "basic (en): version 2, 6 questions, from gradable.gift" in entry.detail
    # the upload is gone: confirming twice does nothing more
    assert db.session.scalar(select(BankUpload)) is None
    assert client.post(f"/studio/banks/basic/upload/{token}").status_code == 404


def test_the_same_bank_again_changes_nothing(client, course, author):
    login(client, author)
    export = client.get("/studio/banks/basic/export.gift").get_data()
    token = token_of(upload(client, "basic", export, "same.gift"))
    response = client.post(f"/studio/banks/basic/upload/{token}", follow_redirects=True)
    assert "Nothing changed" in text(response)
    assert versions(course) == [1]


def test_someone_elses_upload_is_not_found(client, course, author, admin):
    login(client, author)
    token = token_of(upload(client, "basic", client.get("/studio/banks/basic/export.gift").get_data(), "a.gift"))
    login(client, admin)
    assert client.get(f"/studio/banks/basic/upload/{token}").status_code == 404
    assert client.post(f"/studio/banks/basic/upload/{token}").status_code == 404


def test_a_pool_smaller_than_the_draw_count_is_refused(client, course, author):
    login(client, author)
    token = token_of(upload(client, "basic", b"::A:: One {=yes ~no}\n\n::B:: Two {=yes ~no}\n", "small.gift"))
    page = text(client.get(f"/studio/banks/basic/upload/{token}"))
    assert "The pool has 2 questions but the quiz draws 6 per attempt." in page
    assert client.post(f"/studio/banks/basic/upload/{token}").status_code == 422
    assert versions(course) == [1]


def test_confirming_needs_the_csrf_token(client, course, author, csrf_on):
    login(client, author)
    export = client.get("/studio/banks/basic/export.gift").get_data()
    page = text(client.get("/studio/banks/basic"))
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/studio/banks/basic/upload", data={"file": (io.BytesIO(export), "a.gift"),
                                                               "language": "en", "csrf_token": csrf},
                           content_type="multipart/form-data")
    token = token_of(response)
    assert client.post(f"/studio/banks/basic/upload/{token}").status_code == 400
    assert versions(course) == [1]


def test_an_attempt_keeps_its_version_when_a_bank_is_published(client, course, author, employee):
    attempt = start(employee, course)
    login(client, author)
    gift = client.get("/studio/banks/basic/export.gift").get_data().decode()
    token = token_of(upload(client, "basic", gift.replace("Amsterdam", "Amsterdam (NL)").encode(), "b.gift"))
    assert client.post(f"/studio/banks/basic/upload/{token}").status_code == 303
    assert versions(course) == [1, 2]
    db.session.refresh(attempt)
    assert attempt.quiz_version.number == 1


def test_scripts_in_an_uploaded_file_are_not_run(client, course, author):
    login(client, author)
    evil = b"::T:: <script>alert(1)</script> Pick {=<img src=x onerror=alert(2)>yes ~no}\n"
    token = token_of(upload(client, "basic", evil, "evil.gift"))
    page = text(client.get(f"/studio/banks/basic/upload/{token}"))
    assert "<script>alert(1)" not in page and "onerror=" not in page


# -- export and the round trip of real Moodle files ----------------------------------------------------


def test_a_real_moodle_gift_export_imports_and_exports_back_unchanged_in_meaning(client, db, tmp_path, author):
    """fuhrmanator_shortAnswerNotMatching.gift is a real Moodle export (see its README)."""
    course = create_course("moodle", "basic")
    data = (MOODLE / "fuhrmanator_shortAnswerNotMatching.gift").read_bytes()
    original = parse_gift_bytes(data)
    load_quiz(course, tmp_path / "moodle", text=seed_gift(len(original)), questions=len(original))
    db.session.commit()
    login(client, author)
    token = token_of(upload(client, "moodle", data, "moodle.gift"))
    assert client.post(f"/studio/banks/moodle/upload/{token}").status_code == 303
    gift = client.get("/studio/banks/moodle/export.gift")
    assert gift.status_code == 200 and "moodle-en-v2.gift" in gift.headers["Content-Disposition"]
    assert meaning(parse_gift_bytes(gift.get_data())) == meaning(original)
    xml = client.get("/studio/banks/moodle/export.xml")
    assert xml.headers["Content-Type"].startswith("application/xml")
    assert meaning(parse_moodle_xml(xml.get_data())) == meaning(original)


def test_a_moodle_xml_export_imports_and_exports_back_unchanged_in_meaning(client, db, tmp_path, author):
    course = create_course("moodle", "basic")
    data = (FIXTURES / "moodle_export_gradable.xml").read_bytes()
    original = parse_moodle_xml(data)
    load_quiz(course, tmp_path / "moodle", text=seed_gift(1), questions=1)
    db.session.commit()
    login(client, author)
    token = token_of(upload(client, "moodle", data, "bank.xml"))
    page = text(client.get(f"/studio/banks/moodle/upload/{token}"))
    assert "6 questions read." in page
    assert client.post(f"/studio/banks/moodle/upload/{token}").status_code == 303
    assert meaning(parse_moodle_xml(client.get("/studio/banks/moodle/export.xml").get_data())) == meaning(original)
    # GIFT has no way to say a short answer is case-sensitive (Moodle XML does): a clear refusal
    refused = client.get("/studio/banks/moodle/export.gift", follow_redirects=True)
    assert "This bank cannot be written in that format" in text(refused) and "case-sensitive" in text(refused)


def test_an_old_version_can_be_shown_and_downloaded(client, course, author, tmp_path):
    load_quiz(course, tmp_path / "content" / "basic", text=seed_gift(2), questions=2)
    db.session.commit()
    login(client, author)
    assert "What is the capital" in text(client.get("/studio/banks/basic?version=1"))
    assert "What is the capital" not in text(client.get("/studio/banks/basic?version=2"))
    assert b"capital" in client.get("/studio/banks/basic/export.gift?version=1").get_data()
    assert client.get("/studio/banks/basic/export.gift?version=99").status_code == 404
    assert client.get("/studio/banks/basic/export.gift?version=99999999999999").status_code == 404


def seed_gift(count: int) -> str:
    return "\n".join(f"::Seed {n}:: Is {n} a seed number? {{T}}\n" for n in range(1, count + 1))


def test_the_quiz_start_page_links_to_the_bank_for_authors_only(client, course, author, employee):
    login(client, author)
    assert "/studio/banks/basic?language=en" in text(client.get("/courses/basic/quiz"))
    login(client, employee)
    assert "/studio/banks" not in text(client.get("/courses/basic/quiz"))


def test_an_upload_left_unconfirmed_expires_after_an_hour(client, course, author, frozen):
    from datetime import timedelta

    from advocacy.core.blobs import Blob
    from advocacy.learning.services.banks import remove_stale_uploads

    from ..conftest import START

    frozen(START)
    login(client, author)
    token = token_of(upload(client, "basic", client.get("/studio/banks/basic/export.gift").get_data(), "a.gift"))
    frozen(START + timedelta(minutes=61))
    assert client.get(f"/studio/banks/basic/upload/{token}").status_code == 404
    assert remove_stale_uploads() == 1
    db.session.commit()
    assert db.session.scalar(select(BankUpload)) is None and db.session.scalar(select(Blob)) is None


def test_the_list_needs_the_same_queries_for_one_bank_or_many(client, db, tmp_path, author):
    from ..courses.factories import QueryCounter

    create_quiz_course(tmp_path / "a", slug="one")
    login(client, author)
    client.get("/studio/banks")
    with QueryCounter(db.engine) as one:
        assert client.get("/studio/banks").status_code == 200
    for n in range(2, 5):
        course = create_quiz_course(tmp_path / f"c{n}", slug=f"course-{n}")
        load_quiz(course, tmp_path / f"c{n}" / "v2", text=seed_gift(6))
        db.session.commit()
    client.get("/studio/banks")  # the organisation's settings are read again once the content changed
    with QueryCounter(db.engine) as many:
        page = client.get("/studio/banks").get_data(as_text=True)
    assert page.count("/studio/banks/course-") == 3
    assert len(many.statements) == len(one.statements)


def test_hostile_files_are_refused_with_a_reason_and_publish_nothing(client, course, author):
    login(client, author)
    latin1 = upload(client, "basic", "::Café:: Koffie? {T}".encode("latin-1"), "latin1.gift")
    assert "not UTF-8" in text(client.get(latin1.headers["Location"]))
    bomb = (b'<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            b"<quiz><question type=\"truefalse\"><name><text>&b;</text></name></question></quiz>")
    page = text(client.get(upload(client, "basic", bomb, "bomb.xml").headers["Location"]))
    assert "cannot be read" in page and "aaaaaaaaaaaaaaaaaaaa" not in page
    assert versions(course) == [1]


def test_a_language_we_do_not_have_is_refused(client, course, author):
    login(client, author)
    response = upload(client, "basic", b"::A:: One {T}\n", "a.gift", language="xx")
    assert response.status_code == 303 and "/upload/" not in response.headers["Location"]
    assert db.session.scalar(select(BankUpload)) is None


def test_an_upload_for_one_course_does_not_open_under_another(client, course, author, tmp_path):
    create_quiz_course(tmp_path / "two", slug="two")
    login(client, author)
    token = token_of(upload(client, "basic", client.get("/studio/banks/basic/export.gift").get_data(), "a.gift"))
    assert client.get(f"/studio/banks/two/upload/{token}").status_code == 404
    assert client.post(f"/studio/banks/two/upload/{token}").status_code == 404
    assert client.get("/studio/banks/basic/upload/" + "a" * 500).status_code == 404


def test_a_large_bank_is_shown_eight_questions_a_page_by_type(client, db, tmp_path, author):
    course = create_course("big", "basic")
    load_quiz(course, tmp_path / "big", text=seed_gift(18) + "\n\n::Capital:: The capital? {=Amsterdam ~Utrecht}\n",
              questions=5)
    db.session.commit()
    login(client, author)
    first = text(client.get("/studio/banks/big"))
    assert first.count('class="card bank-question"') == 8
    assert "Multiple choice (1)" in first and "True/false (18)" in first  # counts over the whole bank
    assert "Page 1 of 3" in first and "Next questions" in first
    assert re.search(r'href="/studio/banks/big\?[^"]*page=1[^"]*#type-truefalse"', first)  # where the type starts
    last = text(client.get("/studio/banks/big?page=3"))
    assert last.count('class="card bank-question"') == 3 and "Seed 18" in last
    assert text(client.get("/studio/banks/big?page=999999999999")).count('class="card bank-question"') == 3


def test_a_bank_published_by_someone_else_meanwhile_is_a_clear_refusal(db, course, author):
    """Two authors confirm at once: the second finds version 2 taken (the database's unique version
    number decides) and gets a refusal it can show, not an error page; nothing of theirs is kept."""
    from sqlalchemy import insert

    from advocacy.learning.services.banks import BankRefused, publish_bank

    quiz = db.session.scalar(select(Quiz))
    first = quiz.versions[-1]  # loaded now, as the request loaded it before the other author's commit
    with db.engine.begin() as other:
        other.execute(insert(QuizVersion).values(
            quiz_id=quiz.id, number=2, content_hash="x" * 64, questions_per_attempt=6, pass_mark=80,
            attempts_before_cooldown=2, cooldown_hours=24, valid_months=12, created_at=first.created_at))
    questions = parse_gift(SMALL_GIFT.replace("Amsterdam", "Amsterdam (NL)"))
    try:
        publish_bank(course, "en", questions, author.id)
    except BankRefused as refused:
        assert "published a moment ago" in str(refused)
    else:
        raise AssertionError("publishing over a version number taken meanwhile was not refused")
    db.session.rollback()
    assert versions(course) == [1, 2]
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "quiz_bank_published")) is None


def _gradable_upload(client) -> str:
    every = parse_gift((MOODLE / "moodle_export_shapes.gift").read_text())
    gradable = export_gift([q for q in every if q.type not in ("essay", "description")])
    return token_of(upload(client, "basic", gradable.encode(), "gradable.gift"))


def test_with_four_eyes_an_import_waits_in_the_draft_for_a_second_author(client, course, author, admin):
    """The Studio's rule holds for imports too: the one who brought the questions does not publish them."""
    db.session.add(StudioSettings(id=1, four_eyes=True))
    db.session.commit()
    login(client, author)
    response = client.post(f"/studio/banks/basic/upload/{_gradable_upload(client)}", follow_redirects=True)
    assert "draft in the Studio" in text(response)
    assert versions(course) == [1]  # nothing published yet
    draft = db.session.scalar(select(CourseDraft).where(CourseDraft.course_slug == "basic"))
    assert draft.editor_ids == [author.id] and "::" in draft.files["en/quiz.gift"]
    client.post("/studio/courses/basic/publish", data={"revision": draft.revision})  # refused: told why
    assert versions(course) == [1]
    assert not drafts.may_publish(draft, author) and drafts.may_publish(draft, admin)  # the second author


def test_an_import_into_a_course_with_an_open_draft_joins_the_draft(client, course, author):
    """Publishing at once would go past the draft: its older quiz file would later bring the old bank back."""
    _draft, files = drafts.current_files("basic")
    drafts.save("basic", 0, files, author)
    db.session.commit()
    login(client, author)
    client.post(f"/studio/banks/basic/upload/{_gradable_upload(client)}")
    assert versions(course) == [1]
    draft = db.session.scalar(select(CourseDraft).where(CourseDraft.course_slug == "basic"))
    assert draft.revision == 2 and len(parse_gift(draft.files["en/quiz.gift"])) == 6

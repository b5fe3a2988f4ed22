"""The question bank editor: an author adds a question of every type the quizzes grade, edits one,
deletes one, sees a validation error next to its field, publishes, and the quiz holds the questions;
every route by role; a save on an older revision is refused."""
import pytest

from advocacy.core.db import db
from advocacy.learning.pages.banks import PER_PAGE
from advocacy.learning.services import banks as bank_services
from advocacy.studio import drafts

from ..access import Row, cases, check
from ..conftest import login
from .test_access import authors
from .test_story import details, revision, write_course

QUIZ = "/studio/courses/advanced/quiz/en"
ROWS = 6


def rows(*answers: dict) -> dict:
    data = {}
    for i in range(ROWS):
        values = answers[i] if i < len(answers) else {}
        for name in ("answer", "item", "weight", "feedback", "value", "tolerance", "low", "high"):
            data[f"{name}_{i}"] = values.get(name, "")
    return data


def question(slug: str, kind: str | None = None, number: int | None = None, language: str = "en",
             action: str = "save", **fields):
    data = dict(revision=revision(slug), title="", text="", general_feedback="", several="one", truth="true",
                right_feedback="", wrong_feedback="", action=action)
    data.update(rows(*fields.pop("answers", ())))
    data.update(fields)
    if number is None:
        return f"/studio/courses/{slug}/quiz/{language}/new/{kind}", data
    return f"/studio/courses/{slug}/quiz/{language}/{number}", data


def post(client, slug, kind=None, number=None, **fields):
    url, data = question(slug, kind, number, **fields)
    return client.post(url, data=data)


EVERY_TYPE = [
    ("multichoice", dict(text="Which post length works best?", general_feedback="Short posts are read.",
                         answers=[dict(answer="Short", weight="100", feedback="Yes."),
                                  dict(answer="Very long", feedback="Too long."),
                                  dict(answer="Only hashtags", feedback="No.")])),
    ("multichoice", dict(text="Which help people share?", several="several", general_feedback="Both do.",
                         answers=[dict(answer="A picture", weight="50", feedback="Yes."),
                                  dict(answer="A clear ask", weight="50", feedback="Yes."),
                                  dict(answer="A wall of text", weight="-100", feedback="No.")])),
    ("truefalse", dict(text="Posts with an image get more attention.", truth="true", right_feedback="Right.",
                       wrong_feedback="They do.", general_feedback="Images help.")),
    ("shortanswer", dict(text="Which network is for professionals?", general_feedback="LinkedIn.",
                         answers=[dict(answer="LinkedIn", feedback="Yes."), dict(answer="Linked in", weight="50")])),
    ("matching", dict(text="Match the network with its audience.", general_feedback="See lesson 1.",
                      answers=[dict(item="LinkedIn", answer="Professionals"), dict(item="Instagram", answer="Pictures"),
                               dict(item="Mastodon", answer="The fediverse"), dict(answer="Fax users")])),
    ("numerical", dict(text="How many characters fit a post on X?", general_feedback="280.",
                       answers=[dict(value="280", feedback="Exactly."),
                                dict(low="250", high="300", weight="50", feedback="Close.")])),
]


def test_an_author_writes_every_type_edits_deletes_and_publishes(client, world, author):
    login(client, author)
    write_course(client)
    assert details(client, "web", quiz_questions="2", quiz_pass_mark="50", quiz_attempts_before_cooldown="2",
                   quiz_cooldown_hours="24", quiz_valid_months="12").status_code == 302
    for kind, fields in EVERY_TYPE:
        response = post(client, "web", kind, **fields)
        assert response.status_code == 302, response.text
    page = client.get("/studio/courses/web/quiz/en")
    assert page.status_code == 200
    assert page.text.count('class="card bank-question"') == 6
    assert "How many characters" in page.text and "Fax users" in page.text
    _draft, files = drafts.current_files("web")
    assert "=280#Exactly." in files["en/quiz.gift"] and "=%50%275:25#Close." in files["en/quiz.gift"]  # range: middle:half

    # a preview, as the learner sees it, saves nothing
    before = revision("web")
    response = post(client, "web", number=3, action="preview", text="Images are optional.", truth="false")
    assert response.status_code == 200 and "Images are optional." in response.text
    assert 'disabled type="radio"' in response.text and revision("web") == before

    # edit one: the form shows it, the save changes it
    form = client.get("/studio/courses/web/quiz/en/4")
    assert form.status_code == 200 and 'value="LinkedIn"' in form.text
    response = post(client, "web", number=4, text="Which network do recruiters use?", general_feedback="LinkedIn.",
                    answers=[dict(answer="LinkedIn", feedback="Yes.")])
    assert response.status_code == 302
    assert "Which network do recruiters use?" in client.get("/studio/courses/web/quiz/en").text

    # delete one
    response = client.post("/studio/courses/web/quiz/en/2/delete", data=dict(revision=revision("web")))
    assert response.status_code == 302
    page = client.get("/studio/courses/web/quiz/en")
    assert "Which help people share?" not in page.text and page.text.count('class="card bank-question"') == 5

    # validation next to the field: nothing saved
    before = revision("web")
    response = post(client, "web", "numerical", text="", answers=[dict(value="lots")])
    assert response.status_code == 422
    assert 'id="text-error">Write the question.' in response.text
    assert 'id="value_0-error">Write a number' in response.text
    response = post(client, "web", "multichoice", text="Pick", answers=[dict(answer="A"), dict(answer="B")])
    assert response.status_code == 422 and "Give one option the weight 100" in response.text
    response = post(client, "web", "multichoice", text="Pick", several="several",
                    answers=[dict(answer="A", weight="30"), dict(answer="B", weight="30")])
    assert response.status_code == 422 and 'id="answers-error"' in response.text
    assert revision("web") == before

    # publishing makes the quiz with these questions (Dutch copies the English bank)
    _draft, files = drafts.current_files("web")
    files["nl/quiz.gift"] = files["en/quiz.gift"]
    drafts.save("web", revision("web"), files, author)
    db.session.commit()
    response = client.post("/studio/courses/web/publish", data=dict(revision=revision("web")))
    assert response.status_code == 302, response.text
    course = bank_services.course_by_slug("web")
    version = bank_services.version_of(bank_services.quizzes_of(course)["en"], None)
    published = bank_services.question_dicts(version)
    assert [q["type"] for q in published] == ["multichoice", "truefalse", "shortanswer", "matching", "numerical"]
    assert published[2]["text"] == "Which network do recruiters use?"
    assert published[4]["answers"][1] == {"value": 275, "tolerance": 25, "fraction": 50, "feedback": "Close."}


def test_a_save_on_an_older_revision_is_refused_and_keeps_the_text(client, world, author, admin):
    login(client, author)
    url, data = question("advanced", "truefalse", text="Stale question.")
    _draft, files = drafts.current_files("advanced")
    drafts.save("advanced", 0, files, admin)  # someone else saved the draft since the form was opened
    db.session.commit()
    response = client.post(url, data=data)
    assert response.status_code == 409
    assert "changed by" in response.text and "Stale question." in response.text
    assert "Stale question." not in drafts.current_files("advanced")[1]["en/quiz.gift"]
    stale = client.post(f"{QUIZ}/1/delete", data=dict(revision=0))
    assert stale.status_code == 302
    assert drafts.current_files("advanced")[1]["en/quiz.gift"] == files["en/quiz.gift"]


def test_scripts_in_questions_are_escaped(client, world, author):
    login(client, author)
    response = post(client, "advanced", "truefalse", text="<script>alert(1)</script>")
    assert response.status_code == 302
    assert "<script>alert(1)" not in client.get(QUIZ).text  # sanitised as in the learner's quiz
    number = client.get(QUIZ).text.count('class="card bank-question"')
    form = client.get(f"{QUIZ}/{number}")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in form.text and "<script>alert(1)" not in form.text


NEW = dict(revision=0, text="Is it?", truth="true", several="one", action="save", **rows())
ACCESS = [
    Row("GET", QUIZ, rule="/studio/courses/<slug>/quiz/<language>", **authors(200)),
    Row("GET", "/studio/courses/advanced/quiz/xx", rule="/studio/courses/<slug>/quiz/<language>", **authors(404)),
    Row("GET", QUIZ + "/new/numerical", rule="/studio/courses/<slug>/quiz/<language>/new/<kind>", **authors(200)),
    Row("GET", QUIZ + "/new/essay", rule="/studio/courses/<slug>/quiz/<language>/new/<kind>", **authors(404)),
    Row("POST", QUIZ + "/new/truefalse", data=NEW, rule="/studio/courses/<slug>/quiz/<language>/new/<kind>",
        **authors(302)),
    Row("GET", QUIZ + "/2", rule="/studio/courses/<slug>/quiz/<language>/<int:number>", **authors(200)),
    Row("GET", QUIZ + "/2147483647", rule="/studio/courses/<slug>/quiz/<language>/<int:number>", **authors(404)),
    Row("POST", QUIZ + "/2", data=NEW, rule="/studio/courses/<slug>/quiz/<language>/<int:number>", **authors(302)),
    Row("POST", QUIZ + "/1/delete", data={"revision": 0},
        rule="/studio/courses/<slug>/quiz/<language>/<int:number>/delete", **authors(302)),
]


@pytest.mark.parametrize("row, role", cases(ACCESS))
def test_access(client, world, row, role):
    check(client, world, row, role)


def test_a_question_with_more_answers_than_the_form_holds_is_not_cut_short(client, world, author):
    login(client, author)
    _draft, files = drafts.current_files("advanced")
    files["en/quiz.gift"] += "\nMany? {=a ~b ~c ~d ~e ~f ~g}\n"
    drafts.save("advanced", 0, files, author)
    db.session.commit()
    response = client.get(f"{QUIZ}/3")
    assert response.status_code == 302
    assert "more than 6 answers" in client.get(QUIZ).text


def test_a_long_bank_is_listed_a_page_at_a_time_with_the_file_s_own_numbers(client, world, author):
    login(client, author)
    write_course(client)
    for n in range(1, PER_PAGE + 3):
        assert post(client, "web", "truefalse", text=f"Statement number {n}.", truth="true").status_code == 302
    first = client.get("/studio/courses/web/quiz/en")
    assert first.text.count('class="card bank-question"') == PER_PAGE
    assert "Statement number 1." in first.text and "Page 1 of 2" in first.text
    second = client.get("/studio/courses/web/quiz/en?page=2")
    assert second.text.count('class="card bank-question"') == 2
    last = PER_PAGE + 2
    assert f"Statement number {last}." in second.text
    assert f'href="/studio/courses/web/quiz/en/{last}"' in second.text  # edit links keep the file's numbers
    assert client.get("/studio/courses/web/quiz/en?page=999999999999").status_code in (200, 404)

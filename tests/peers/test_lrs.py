"""Ralph, the learning record store: statements POSTed over xAPI 1.0.3 with basic auth, read back."""
from __future__ import annotations

import json
import uuid

import pytest

pytestmark = pytest.mark.peers
requests = pytest.importorskip("requests", reason="requests is not installed: make peers")

XAPI_HEADERS = {"X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"}
EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"


def statement(lesson: int, email: str = "alice@example.com") -> dict:
    return {"id": str(uuid.uuid4()),
            "actor": {"objectType": "Agent", "mbox": f"mailto:{email}"},
            "verb": {"id": EXPERIENCED, "display": {"en-US": "experienced"}},
            "object": {"objectType": "Activity", "id": f"http://advocacy.example.com/lessons/{lesson}"},
            "timestamp": "2026-03-02T09:30:00+00:00"}


def post(lrs, statements: list[dict], auth=None) -> requests.Response:
    return requests.post(f"{lrs.endpoint}statements", data=json.dumps(statements), headers=XAPI_HEADERS,
                         auth=auth or (lrs.username, lrs.password), timeout=10)


@pytest.fixture(scope="module")
def lrs(start_session_peer):
    return start_session_peer.lrs()


def test_a_statement_posted_is_read_back_with_ralph_as_authority(lrs):
    sent = statement(1)
    answer = post(lrs, [sent])
    assert answer.status_code == 200 and answer.json() == [sent["id"]]
    [stored] = [found for found in lrs.statements() if found["id"] == sent["id"]]
    assert stored["actor"] == sent["actor"] and stored["verb"]["id"] == EXPERIENCED
    assert stored["object"]["id"] == sent["object"]["id"]
    assert stored["authority"]["mbox"] == lrs.authority_mbox and "stored" in stored


def test_later_posts_are_stored_too_and_the_data_file_grows(lrs):
    """Ralph 5.1.0's FS backend refused every POST after the first; serve_ralph.py makes it append."""
    before = len(lrs.statements())
    for lesson in (2, 3):
        assert post(lrs, [statement(lesson)]).status_code == 200
    assert len(lrs.statements()) == before + 2
    assert len(lrs.data_file.read_text().splitlines()) == before + 2


def test_a_resent_statement_is_stored_once(lrs):
    """A retry of the same statement answers 204 (nothing new); another statement under a known id 409."""
    sent = statement(4)
    assert post(lrs, [sent]).status_code == 200
    assert post(lrs, [sent]).status_code == 204
    assert post(lrs, [{**statement(5), "id": sent["id"]}]).status_code == 409
    assert [found["id"] for found in lrs.statements()].count(sent["id"]) == 1


def test_a_wrong_password_is_refused(lrs):
    answer = post(lrs, [statement(5)], auth=(lrs.username, "wrong"))
    assert answer.status_code == 401
    assert answer.json() and statement(5)["object"]["id"] not in {s["object"]["id"] for s in lrs.statements()}


def test_a_statement_ralph_cannot_validate_is_refused(lrs):
    """Ralph checks the actor's address: reserved domains such as .test are refused (422)."""
    answer = post(lrs, [statement(6, email="alice@advocacy.test")])
    assert answer.status_code == 422


def test_reading_back_follows_the_more_links(start_peer):
    lrs = start_peer.lrs()
    batch = [statement(lesson) for lesson in range(130)]  # Ralph pages by 100
    assert post(lrs, batch).status_code == 200
    first_page = requests.get(f"{lrs.endpoint}statements", headers=XAPI_HEADERS,
                              auth=(lrs.username, lrs.password), timeout=10).json()
    assert len(first_page["statements"]) == 100 and first_page["more"]
    assert [found["id"] for found in lrs.statements()] == [sent["id"] for sent in batch]


def test_filters_are_passed_to_ralph(lrs):
    sent = statement(7, email="bob@example.com")
    post(lrs, [sent])
    found = lrs.statements(agent=json.dumps({"mbox": "mailto:bob@example.com"}))
    assert [item["id"] for item in found] == [sent["id"]]

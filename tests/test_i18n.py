from .conftest import login


def test_the_browser_language_is_used_when_the_person_has_not_chosen(client, db):
    html = client.get("/login", headers={"Accept-Language": "nl-NL,nl;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="nl">' in html
    assert "Inloggen" in html


def test_a_persons_choice_beats_the_browser(client, db, employee):
    login(client, employee)
    client.post("/language", data={"language": "nl"})
    assert employee.language == "nl"
    html = client.get("/account/password", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="nl">' in html


def test_an_unknown_language_is_refused(client, db, employee):
    login(client, employee)
    assert client.post("/language", data={"language": "xx"}).status_code == 400

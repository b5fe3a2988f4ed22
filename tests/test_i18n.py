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


def test_template_strings_follow_a_forced_locale_and_escape_their_values(app, db):
    """Templates translate through a per-request shortcut (web.request_translations): it must
    follow force_locale (e-mails in the recipient's language) and keep Jinja's newstyle rules."""
    from flask import render_template_string
    from flask_babel import force_locale

    page = "{{ _('Log out') }}|{{ _('Hello, %(name)s', name=who) }}|{{ ngettext('%(num)d post waiting', '%(num)d posts waiting', 2) }}"
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert render_template_string(page, who="<b>") == "Log out|Hello, &lt;b&gt;|2 posts waiting"
        with force_locale("nl"):
            dutch = render_template_string(page, who="Eva")
        assert render_template_string(page, who="Eva") == "Log out|Hello, Eva|2 posts waiting"
    assert dutch.startswith("Uitloggen|Hoi Eva|2 ")
    assert dutch != "Log out|Hello, Eva|2 posts waiting"


def test_the_language_form_on_every_page_marks_the_current_language(client, db, employee):
    login(client, employee)
    client.post("/language", data={"language": "nl"})
    html = client.get("/home").get_data(as_text=True)
    assert '<option selected value="nl">Nederlands</option>' in html
    assert '<option value="en">English</option>' in html
    assert '<input name="next" type="hidden" value="/home">' in html


def test_lazy_labels_follow_the_request_language_and_a_forced_locale(app, db):
    from flask_babel import force_locale
    from flask_babel import lazy_gettext as _l

    label = _l("Log out")
    # Each request its own app context, as in production (the test's own one would be reused).
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "nl"}):
        assert str(label) == "Uitloggen"
        with force_locale("en"):
            assert str(label) == "Log out"
        assert str(label) == "Uitloggen"
    with app.app_context(), app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert str(label) == "Log out"

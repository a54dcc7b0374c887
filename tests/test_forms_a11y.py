"""Forms beyond axe (issue 9, finding 14): input purpose, required/optional marks, messages that
name their field, and an error summary that shows those messages as they are."""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from wtforms.validators import DataRequired, InputRequired

from kb.forms import KBForm, fill_choices
from tests.support.accounts import csrf, login, make_user, submit, valid_submission

GENERIC = {
    None,
    "",
    "Vul dit veld in.",
    "Dit veld is verplicht.",
    "This field is required.",
}


def _input(html: str, name: str) -> str:
    match = re.search(rf'<(?:input|select|textarea)\b[^>]*\bname="{name}"[^>]*>', html)
    assert match, f"no control named {name}"
    return match.group(0)


def _label(html: str, control_id: str) -> str:
    match = re.search(rf'<label\b[^>]*\bfor="{control_id}"[^>]*>(.*?)</label>', html, re.S)
    assert match, f"no label for {control_id}"
    return _text(match.group(1))


def _text(fragment: str) -> str:
    return html_lib.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def _all_form_classes(base: type = KBForm) -> Iterator[type]:
    for sub in base.__subclasses__():
        yield sub
        yield from _all_form_classes(sub)


@pytest.mark.parametrize(
    ("url", "name", "autocomplete", "input_type"),
    [
        ("/registreren", "name", "name", "text"),
        ("/registreren", "organisation", "organization", "text"),
        ("/registreren", "email", "email", "email"),
        ("/registreren", "password", "new-password", "password"),
        ("/registreren", "password_confirm", "new-password", "password"),
        ("/inloggen", "email", "email", "email"),
        ("/inloggen", "password", "current-password", "password"),
        ("/wachtwoord-vergeten", "email", "email", "email"),
        ("/voorbeeld-indienen", "contact_name", "name", "text"),
        ("/voorbeeld-indienen", "contact_email", "email", "email"),
        ("/voorbeeld-indienen", "organisation", "organization", "text"),
    ],
)
def test_personal_fields_declare_their_purpose(
    client: FlaskClient, url: str, name: str, autocomplete: str, input_type: str
) -> None:
    control = _input(client.get(url).get_data(as_text=True), name)
    assert f'autocomplete="{autocomplete}"' in control
    assert f'type="{input_type}"' in control


def test_the_editor_does_not_autofill_someone_elses_contact_details(app: Flask) -> None:
    submit(app.test_client(), valid_submission())
    editor = app.test_client()
    make_user(app, role="editor", email_address="eva@example.nl")
    login(editor, "eva@example.nl")
    html = editor.get("/redactie/inzending/1").get_data(as_text=True)
    for name in ("contact_name", "contact_email", "organisation"):
        assert 'autocomplete="off"' in _input(html, name), name


def test_required_fields_are_required_and_optional_ones_say_so(client: FlaskClient) -> None:
    html = client.get("/registreren").get_data(as_text=True)
    assert "velden met ‘(niet verplicht)’" in html
    for name in ("name", "organisation", "email", "password", "password_confirm"):
        assert 'aria-required="true"' in _input(html, name), name
        assert " required" not in _input(html, name), name
        assert "niet verplicht" not in _label(html, name), name
    assert "required" not in _input(html, "region")
    assert _label(html, "region") == "Regio (niet verplicht)"

    html = client.get("/voorbeeld-indienen").get_data(as_text=True)
    for name in ("title", "region", "summary", "approach", "contact_email", "consent"):
        assert 'aria-required="true"' in _input(html, name), name
        assert " required" not in _input(html, name), name
        assert "niet verplicht" not in _label(html, name), name
    assert "(niet verplicht)" in _label(html, "attachments")
    legends = dict(
        (m.group(1), _text(m.group(2)))
        for m in re.finditer(r'<fieldset[^>]*id="(\w+)"[^>]*>\s*<legend[^>]*>(.*?)</legend>', html)
    )
    assert legends["themes"] == "Thema's (één tot vijf)"
    assert legends["advice"].endswith("(niet verplicht)")
    assert legends["sectors"] == "Sectoren (niet verplicht)"


def test_every_required_field_of_every_form_has_a_message_of_its_own(app: Flask) -> None:
    # The mechanism, not a list: a new form or field with a generic message fails here.
    import kb.accounts.forms  # noqa: F401  (register the form classes)
    import kb.submissions.forms  # noqa: F401

    checked = 0
    with app.test_request_context():
        for form_class in _all_form_classes():
            form = fill_choices(form_class(meta={"csrf": False}))
            messages: list[str] = []
            for field in form:
                for validator in field.validators:
                    if isinstance(validator, DataRequired | InputRequired):
                        assert validator.message not in GENERIC, (form_class, field.name)
                        messages.append(validator.message)
                        checked += 1
            assert len(messages) == len(set(messages)), (form_class, messages)
    assert checked >= 20


def test_empty_forms_get_one_specific_message_per_field_and_no_stray_punctuation(
    client: FlaskClient,
) -> None:
    response = client.post("/registreren", data={"csrf_token": csrf(client, "/registreren")})
    html = response.get_data(as_text=True)
    expected = {
        "name": "Vul uw naam in.",
        "organisation": "Vul de naam van uw organisatie in.",
        "email": "Vul uw e-mailadres in.",
        "password": "Kies een wachtwoord.",
        "password_confirm": "Vul het wachtwoord nog een keer in.",
    }
    for name, message in expected.items():
        assert f'id="{name}-error"><p>{message}</p>' in html, name
        assert f'<a class="utrecht-link utrecht-link--html-a" href="#{name}">{message}</a>' in html
    assert 'aria-describedby="email-error"' in _input(html, "email")
    assert 'aria-invalid="true"' in _input(html, "email")


def test_consent_error_in_the_summary_has_no_stray_colon(client: FlaskClient) -> None:
    response = submit(client, valid_submission(consent=""))
    html = response.get_data(as_text=True)
    summary = re.search(
        r'<div class="utrecht-alert utrecht-alert--error error-summary".*?</ul>', html, re.S
    )
    assert summary, "no error summary"
    text = _text(summary.group(0))
    assert "Vink de toestemming aan" in text
    assert ".:" not in text and "kennisbank.:" not in html

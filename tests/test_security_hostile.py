"""Hostile input in every field: never a server error, never live markup, nothing valid lost.

Each payload goes into one field of an otherwise valid submission; the submission is stored
verbatim, then shown on the status page, the editor's review page, and (once published) the
article page and the API. None of them may contain a script, an event handler or a javascript:
link that came from the input.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import EnvironBuilder

from kb.models import Submission, db
from tests.support.accounts import (
    csrf,
    login,
    make_user,
    publish,
    status_token,
    submit,
    valid_submission,
)
from tests.support.app import make_app

PAYLOADS = [
    "<script>alert('xss')</script>",
    '<img src=x onerror="alert(1)">',
    "[klik hier](javascript:alert(1))",
    '<a href="javascript:alert(1)">link</a>',
    '"><svg onload=alert(1)>',
    "{{ 7 * 7 }} {% raw %}",
    '<iframe src="data:text/html,<script>alert(1)</script>"></iframe>',
    "' OR 1=1; DROP TABLE submission; --",
]
FIELDS = ["title", "summary", "background", "approach", "results", "lessons", "partners",
          "contact_name", "organisation"]  # fmt: skip

DANGEROUS_TAGS = {"script", "iframe", "svg", "object", "embed", "img", "frame", "base", "math"}


class _Elements(HTMLParser):
    """Collect every element and attribute the way a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def assert_inert(html: str, where: str) -> None:
    """Fail if the page carries markup that came alive from the input."""
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        values = dict(attrs)
        if tag in ("script", "img") and (values.get("src") or "").startswith("/static/"):
            continue  # the site's own script file and logo
        if tag == "svg" and values.get("class") == "kb-kind__icon":
            continue  # the site's own kind pictogram (a <use> of /static/img/kinds.svg)
        if tag == "use":
            assert (values.get("href") or "").startswith("/static/"), f"<use> on {where}"
        assert tag not in DANGEROUS_TAGS, f"<{tag}> on {where}"
        for name, value in attrs:
            assert not name.startswith("on"), f"event handler {name} on {where}"
            if name in ("href", "src", "action", "formaction"):
                target = (value or "").strip().lower().replace("\t", "").replace("\n", "")
                assert not target.startswith(("javascript:", "data:")), f"{name} on {where}"
    assert ">49<" not in html and " 49 " not in html, f"template evaluated on {where}"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Flask, FlaskClient]:
    app = make_app(tmp_path_factory.mktemp("hostile"), SUBMISSIONS_PER_ADDRESS=10_000)
    editor = make_user(app, role="editor")
    client = app.test_client()
    login(client, editor.email)
    return app, client


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("field", FIELDS)
def test_hostile_field_is_stored_verbatim_and_rendered_inert(
    world: tuple[Flask, FlaskClient], field: str, payload: str
) -> None:
    app, editor = world
    value = payload if field != "title" else f"Titel {payload}"
    response = submit(app.test_client(), valid_submission(**{field: value}))
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:500]
    if 'id="title-error"' in html or "Eén regel" in html:
        pytest.fail("a one-line payload was refused")
    token = status_token(html)
    with app.app_context():
        row = db.session.scalar(select(Submission).order_by(Submission.id.desc()))
        assert getattr(row, field) == value.strip()  # nothing lost, nothing rewritten
        submission_id = row.id
    status = app.test_client().get(f"/inzending/{token}")
    assert status.status_code == 200
    assert_inert(status.get_data(as_text=True), "status page")
    review = editor.get(f"/redactie/inzending/{submission_id}")
    assert review.status_code == 200
    assert_inert(review.get_data(as_text=True), "review page")
    published = publish(editor, submission_id)
    assert published.status_code == 303
    with app.app_context():
        slug = db.session.get(Submission, submission_id).article.slug
    article = app.test_client().get(f"/artikel/{slug}")
    assert article.status_code == 200
    assert_inert(article.get_data(as_text=True), "article page")
    api = app.test_client().get(f"/api/v1/articles/{slug}").get_json()
    assert_inert(api["body_html"], "API body_html")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_preview_is_inert(world: tuple[Flask, FlaskClient], payload: str) -> None:
    app, _ = world
    data = valid_submission(background=payload, approach=payload, actie="voorbeeld")
    response = submit(app.test_client(), data)
    assert response.status_code == 200
    assert_inert(response.get_data(as_text=True), "preview")


@pytest.mark.parametrize(
    "address", ["<script>@x.nl", "a@b.nl\r\nBcc: c@d.nl", "javascript:alert(1)", "x" * 300]
)
def test_hostile_email_is_refused_with_a_message(
    world: tuple[Flask, FlaskClient], address: str
) -> None:
    app, _ = world
    with app.app_context():
        before = db.session.scalar(select(func.count(Submission.id)))
    response = submit(app.test_client(), valid_submission(contact_email=address))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="contact_email-error"' in html
    assert_inert(html, "form")
    with app.app_context():
        assert db.session.scalar(select(func.count(Submission.id))) == before


@pytest.mark.parametrize(
    ("field", "value"),
    [("themes", "bestaat-niet"), ("region", "<script>"), ("advice", "99"), ("sectors", "x")],
)
def test_tampered_choices_are_refused_in_dutch(
    world: tuple[Flask, FlaskClient], field: str, value: str
) -> None:
    app, _ = world
    response = submit(app.test_client(), valid_submission(**{field: value}))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error"' in html
    assert "Kies een van de mogelijkheden uit de lijst." in html or "Kies de regio" in html


def test_line_breaks_in_a_one_line_field_are_refused(world: tuple[Flask, FlaskClient]) -> None:
    app, _ = world
    response = submit(app.test_client(), valid_submission(title="Titel\r\nBcc: x@y.nl"))
    assert "Schrijf ‘Titel’ op één regel, zonder regeleinden." in response.get_data(as_text=True)


def test_very_long_field_beyond_the_form_limit_gets_the_dutch_413(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    client = app.test_client()
    big = "x" * (app.config["MAX_FORM_MEMORY_SIZE"] + 10)
    data = valid_submission(approach=big, csrf_token=csrf(client, "/voorbeeld-indienen"))
    # The test client spools a body this large to a temporary file and leaves it open when
    # the request is refused before the end: build the request here and close its stream.
    request = EnvironBuilder(
        path="/voorbeeld-indienen", method="POST", data=data, content_type="multipart/form-data"
    ).get_request()
    try:
        response = client.open(request)
    finally:
        request.environ["wsgi.input"].close()
    assert response.status_code == 413
    assert "Te groot" in response.get_data(as_text=True)

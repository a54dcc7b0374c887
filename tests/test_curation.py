"""The editors' workflow: queue, edit, send back, resubmit, reject, publish; every step mailed."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from kb import search
from kb.models import Article, Submission, SubmissionEvent, db
from tests.support.accounts import (
    PDF_BYTES,
    csrf,
    login,
    make_user,
    publish,
    status_token,
    submit,
    valid_submission,
)
from tests.support.app import make_app
from tests.support.mail import Mailbox, body, mail_config

REGION = "jet@regio-utrecht.nl"


@pytest.fixture
def app(tmp_path: Path, mailbox: Mailbox) -> Flask:
    return make_app(tmp_path, **mail_config(mailbox))


@pytest.fixture
def editor(app: Flask) -> FlaskClient:
    user = make_user(app, role="editor", name="Eva Redacteur")
    client = app.test_client()
    login(client, user.email)
    return client


def _submit(app: Flask, **changes: object) -> tuple[int, str]:
    html = submit(app.test_client(), valid_submission(**changes), [(PDF_BYTES, "bijlage.pdf")])
    token = status_token(html.get_data(as_text=True))
    with app.app_context():
        return db.session.scalar(select(func.max(Submission.id))), token


def _post(client: FlaskClient, url: str, page: str, **data: object):
    # Any page carries a token for the session (the logout button), even without other forms.
    return client.post(url, data={"csrf_token": csrf(client, "/redactie/"), **data})


def _events(app: Flask, submission_id: int) -> list[tuple[str, str | None]]:
    with app.app_context():
        rows = db.session.scalars(
            select(SubmissionEvent)
            .where(SubmissionEvent.submission_id == submission_id)
            .order_by(SubmissionEvent.id)
        )
        return [(e.action, e.actor.name if e.actor else None) for e in rows]


def test_queue_lists_open_submissions_oldest_first_with_counts(
    app: Flask, editor: FlaskClient
) -> None:
    first, _ = _submit(app, title="Eerste voorbeeld")
    second, _ = _submit(app, title="Tweede voorbeeld")
    with app.app_context():
        # Make the second one older: the queue must sort on time, not on id.
        row = db.session.get(Submission, second)
        row.created_at = row.created_at - timedelta(days=1)
        db.session.commit()
    html = editor.get("/redactie/").get_data(as_text=True)
    assert html.index("Tweede voorbeeld") < html.index("Eerste voorbeeld")
    assert re.search(r'Te beoordelen <span class="count">2</span>', html)
    assert re.search(r'Gepubliceerd <span class="count">0</span>', html)


def test_review_page_shows_sanitised_preview_and_attachments(
    app: Flask, editor: FlaskClient
) -> None:
    submission_id, _ = _submit(app)
    html = editor.get(f"/redactie/inzending/{submission_id}").get_data(as_text=True)
    assert "<strong>maanden</strong>" in html
    assert "bijlage.pdf" in html and "/redactie/bijlage/" in html
    with app.app_context():
        attachment = db.session.get(Submission, submission_id).attachments[0]
    with editor.get(f"/redactie/bijlage/{attachment.id}") as download:
        assert download.headers["Content-Disposition"].startswith("attachment;")
        assert download.data == PDF_BYTES


def test_editor_edits_fields_and_taxonomy_and_the_region_hears_of_it(
    app: Flask, editor: FlaskClient, mailbox: Mailbox
) -> None:
    submission_id, _ = _submit(app)
    page = f"/redactie/inzending/{submission_id}"
    data = valid_submission(title="Betere titel", themes=["monitoring"], sectors=["vo", "mbo"])
    data.pop("consent"), data.pop("actie")
    response = _post(editor, page, page, **data)
    assert response.status_code == 303
    with app.app_context():
        row = db.session.get(Submission, submission_id)
        assert row.title == "Betere titel" and row.themes == ["monitoring"]
        assert row.sectors == ["vo", "mbo"]
        assert row.events[-1].message == "Gewijzigd: titel, thema's, sectoren"
    assert _events(app, submission_id)[-1] == ("edited", "Eva Redacteur")
    message = mailbox.wait_for(lambda m: "Bewerkt door de redactie" in m["Subject"])
    assert REGION in message["To"] and "titel, thema's, sectoren" in body(message)


def test_invalid_edit_shows_dutch_errors_and_keeps_the_input(
    app: Flask, editor: FlaskClient
) -> None:
    submission_id, _ = _submit(app)
    page = f"/redactie/inzending/{submission_id}"
    data = valid_submission(title="", summary="Nieuwe samenvatting", themes=[])
    response = _post(editor, page, page, **data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Kies minstens één thema." in html and "Nieuwe samenvatting" in html


def test_send_back_answer_resubmit_and_publish(
    app: Flask, editor: FlaskClient, mailbox: Mailbox
) -> None:
    submission_id, token = _submit(app)
    page = f"/redactie/inzending/{submission_id}"
    question = "Hoeveel leerlingen bereikte u? <script>alert(1)</script>"
    response = _post(editor, f"{page}/terugsturen", page, **{"vraag-message": question})
    assert response.status_code == 303
    mail = mailbox.wait_for(lambda m: "Vraag over uw inzending" in m["Subject"])
    assert question in body(mail) and REGION in mail["To"]

    region = app.test_client()
    status_page = f"/inzending/{token}"
    html = region.get(status_page).get_data(as_text=True)
    assert "teruggestuurd met een vraag" in html
    assert "Hoeveel leerlingen bereikte u? &lt;script&gt;" in html
    answer = valid_submission(answer="Ongeveer 300 leerlingen.", results="300 leerlingen bereikt.")
    answer.pop("consent"), answer.pop("actie")
    response = region.post(
        status_page, data={"csrf_token": csrf(region, status_page), **answer},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 303
    assert "ingediend" in region.get(status_page).get_data(as_text=True)
    mailbox.wait_for(lambda m: m["Subject"].startswith("Aangevuld"))
    with app.app_context():
        row = db.session.get(Submission, submission_id)
        assert row.status == "submitted" and row.results == "300 leerlingen bereikt."
        assert "Ongeveer 300 leerlingen." in row.events[-1].message

    response = publish(editor, submission_id)
    assert response.status_code == 303
    with app.app_context():
        row = db.session.get(Submission, submission_id)
        article = row.article
        assert row.status == "published" and article.origin == "submission"
        assert article.is_published and article.kind.slug == "praktijkvoorbeeld"
        assert article.citations[0].organisation == "Samenwerkingsverband Utrecht PO"
        assert "## Resultaten\n\n300 leerlingen bereikt." in article.body_md
        assert [r.slug for r in article.regions] == ["utrecht"]
        slug = article.slug
        assert article.id in search.search("schoolmaatschappelijk").ids
    assert [a for a, _ in _events(app, submission_id)] == [
        "submitted", "returned", "resubmitted", "published"
    ]  # fmt: skip
    api = app.test_client().get(f"/api/v1/articles/{slug}").get_json()
    assert api["origin"] == "submission"
    assert api["sources"][0]["publisher"] == "Samenwerkingsverband Utrecht PO"
    html = app.test_client().get(f"/artikel/{slug}").get_data(as_text=True)
    assert "Ingezonden door Samenwerkingsverband Utrecht PO" in html
    published_mail = mailbox.wait_for(lambda m: m["Subject"].startswith("Gepubliceerd"))
    assert f"/artikel/{slug}" in body(published_mail)
    assert "gepubliceerd" in region.get(status_page).get_data(as_text=True)


def test_publishing_twice_makes_one_article(app: Flask, editor: FlaskClient) -> None:
    submission_id, _ = _submit(app)
    page = f"/redactie/inzending/{submission_id}"
    publish(editor, submission_id)
    response = publish(editor, submission_id)
    assert response.status_code == 303
    assert "Niet gepubliceerd" in editor.get(page).get_data(as_text=True)
    with app.app_context():
        count = select(func.count(Article.id)).where(Article.origin == "submission")
        assert db.session.scalar(count) == 1


def test_reject_with_reason_is_mailed_and_shown(
    app: Flask, editor: FlaskClient, mailbox: Mailbox
) -> None:
    submission_id, token = _submit(app)
    page = f"/redactie/inzending/{submission_id}"
    empty = _post(editor, f"{page}/afwijzen", page, **{"reden-message": ""})
    assert "Schrijf de reden van afwijzing voor de indiener." in empty.get_data(as_text=True)
    _post(editor, f"{page}/afwijzen", page, **{"reden-message": "Dit is geen praktijkvoorbeeld."})
    mail = mailbox.wait_for(lambda m: m["Subject"].startswith("Niet gepubliceerd"))
    assert "Dit is geen praktijkvoorbeeld." in body(mail)
    html = app.test_client().get(f"/inzending/{token}").get_data(as_text=True)
    assert "afgewezen" in html and "Dit is geen praktijkvoorbeeld." in html
    # A rejected submission can no longer be published or edited.
    publish(editor, submission_id)
    with app.app_context():
        assert db.session.get(Submission, submission_id).status == "rejected"


def test_a_returned_submission_cannot_be_resubmitted_twice(app: Flask, editor: FlaskClient) -> None:
    submission_id, token = _submit(app)
    page = f"/redactie/inzending/{submission_id}"
    _post(editor, f"{page}/terugsturen", page, **{"vraag-message": "Vraag?"})
    region = app.test_client()
    status_page = f"/inzending/{token}"
    answer = valid_submission(answer="Antwoord.")
    first = region.post(status_page, data={"csrf_token": csrf(region, status_page), **answer})
    assert first.status_code == 303
    again = region.post(status_page, data={"csrf_token": csrf(region), **answer})
    assert again.status_code == 303
    assert [a for a, _ in _events(app, submission_id)].count("resubmitted") == 1


def test_publish_needs_themes_and_region(app: Flask, editor: FlaskClient) -> None:
    submission_id, _ = _submit(app)
    with app.app_context():
        row = db.session.get(Submission, submission_id)
        row.themes, row.region = [], None
        db.session.commit()
    page = f"/redactie/inzending/{submission_id}"
    publish(editor, submission_id)
    html = editor.get(page).get_data(as_text=True)
    assert "Kies een regio." in html and "Kies één tot vijf thema" in html
    with app.app_context():
        assert db.session.get(Submission, submission_id).status == "submitted"


def test_times_are_shown_in_dutch_local_time() -> None:
    from datetime import datetime

    from kb.formatting import local_datetime

    assert local_datetime(datetime(2026, 11, 22, 10, 0)) == "22 november 2026 11:00"
    assert local_datetime(datetime(2026, 7, 1, 10, 0)) == "1 juli 2026 12:00"


def test_members_follow_and_answer_their_own_submissions_without_the_token(
    app: Flask, editor: FlaskClient, mailbox: Mailbox
) -> None:
    member = make_user(app, email_address="lid@example.nl", name="Lid Lidsma")
    client = app.test_client()
    login(client, member.email)
    submit(client, valid_submission(title="Mijn eigen voorbeeld"), [(PDF_BYTES, "eigen.pdf")])
    overview = client.get("/mijn-inzendingen").get_data(as_text=True)
    own = re.search(r'href="(/mijn-inzendingen/\d+)">Mijn eigen voorbeeld', overview).group(1)
    submission_id = int(own.rsplit("/", 1)[1])
    page = f"/redactie/inzending/{submission_id}"
    _post(editor, f"{page}/terugsturen", page, **{"vraag-message": "Welke school?"})
    mail = mailbox.wait_for(lambda m: "Vraag over uw inzending" in m["Subject"])
    assert "lid@example.nl" in mail["To"] and f"http://127.0.0.1:5000{own}" in body(mail)
    html = client.get(own).get_data(as_text=True)
    assert "Welke school?" in html and "eigen.pdf" in html
    attachment = re.search(rf'href="({own}/bijlage/\d+)"', html).group(1)
    with client.get(attachment) as download:
        assert download.data == PDF_BYTES
    answer = valid_submission(title="Mijn eigen voorbeeld", answer="De Regenboog.")
    response = client.post(own, data={"csrf_token": csrf(client), **answer})
    assert response.status_code == 303
    assert _events(app, submission_id)[-1][0] == "resubmitted"
    # Nobody else can see it, and anonymous visitors are sent to the login page.
    stranger = app.test_client()
    login(stranger, make_user(app, email_address="ander@example.nl").email)
    assert stranger.get(own).status_code == 404
    assert stranger.get(attachment).status_code == 404
    assert app.test_client().get(own).status_code == 302
    assert app.test_client().get("/mijn-inzendingen").status_code == 302


def test_the_queue_is_paged(tmp_path) -> None:
    import secrets

    from kb.models import Submission, db
    from tests.support.accounts import login, make_user
    from tests.support.app import make_app

    app = make_app(tmp_path, EDITOR_QUEUE_PER_PAGE=2)
    with app.app_context():
        db.session.add_all([Submission(token_hash=secrets.token_hex(32), status="submitted",
                                       title=f"Voorbeeld {n}") for n in range(5)])  # fmt: skip
        db.session.commit()
    client = app.test_client()
    login(client, make_user(app, role="editor").email)
    first = client.get("/redactie/").get_data(as_text=True)
    last = client.get("/redactie/?status=open&pagina=3").get_data(as_text=True)
    assert "Voorbeeld 0" in first and "Voorbeeld 2" not in first and 'rel="next"' in first
    assert "Voorbeeld 4" in last and "Voorbeeld 0" not in last

"""The regions' submission form: storing, confirming, validating, spam limits, attachments."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from kb.models import Attachment, Submission, SubmissionEvent, db
from kb.submissions.workflow import hash_token
from tests.support.accounts import (
    PDF_BYTES,
    docx_bytes,
    login,
    make_user,
    odt_bytes,
    status_token,
    submit,
    valid_submission,
)
from tests.support.app import make_app
from tests.support.mail import Mailbox, body, mail_config

EDITORS = "redactie@kennisbank.test"


@pytest.fixture
def app(tmp_path: Path, mailbox: Mailbox) -> Flask:
    return make_app(tmp_path, EDITOR_EMAILS=EDITORS, **mail_config(mailbox))


def _count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Submission.id)))


def test_anonymous_submission_is_stored_confirmed_and_announced(
    app: Flask, mailbox: Mailbox
) -> None:
    editor = make_user(app, role="editor", email_address="editor@example.nl")
    client = app.test_client()
    response = submit(client, valid_submission(), files=[(PDF_BYTES, "verslag.pdf")])
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Bedankt voor uw voorbeeld" in html
    assert response.headers["Cache-Control"] == "private, no-store"
    token = status_token(html)
    with app.app_context():
        row = db.session.scalar(select(Submission))
        assert row.token_hash == hash_token(token) and token not in row.token_hash
        assert row.status == "submitted" and row.consent
        assert row.region.slug == "utrecht" and row.advice == [2]
        assert [a.filename for a in row.attachments] == ["verslag.pdf"]
        assert row.attachments[0].content_type == "application/pdf"
        assert [e.action for e in row.events] == ["submitted"]
    confirmation = mailbox.wait_for(lambda m: "jet@regio-utrecht.nl" in m["To"])
    assert confirmation["Subject"].startswith("Ontvangen:")
    assert status_token(body(confirmation)) == token
    for address in (EDITORS, editor.email):
        notice = mailbox.wait_for(lambda m, a=address: a in m["To"])
        assert "Nieuwe inzending" in notice["Subject"] and "/redactie/inzending/" in body(notice)
    status = client.get(f"/inzending/{token}")
    assert "ingediend" in status.get_data(as_text=True)
    assert status.headers["Referrer-Policy"] == "no-referrer"


def test_every_missing_field_gets_a_dutch_message_and_nothing_is_stored(app: Flask) -> None:
    response = submit(app.test_client(), {"actie": "verzenden"})
    html = response.get_data(as_text=True)
    # Each field says what is missing for that field, never a generic "Vul dit veld in.".
    expected = {
        "title": "Geef de titel van het voorbeeld op.",
        "region": "Kies de regio van het voorbeeld.",
        "summary": "Vat het voorbeeld samen in twee of drie zinnen.",
        "background": "Beschrijf de aanleiding: waarom begon u hiermee?",
        "approach": "Beschrijf de aanpak: wat doet u en met wie?",
        "results": "Beschrijf de resultaten, of schrijf dat ze nog niet bekend zijn.",
        "lessons": "Beschrijf de lessen: wat zou u een andere regio meegeven?",
        "partners": "Noem de betrokken partners.",
        "contact_name": "Vul de naam van de contactpersoon in.",
        "contact_email": "Vul het e-mailadres van de contactpersoon in.",
        "organisation": "Vul de naam van de organisatie in.",
        "themes": "Kies minstens één thema.",
        "consent": "Vink de toestemming aan: zonder toestemming kunnen we het voorbeeld niet",
    }
    for name, message in expected.items():
        assert re.search(rf'id="{name}-error"><p>{re.escape(message)}', html), name
        assert re.search(rf'<a [^>]*href="#{name}">{re.escape(message)}', html), name
    assert "Vul dit veld in" not in html
    assert 'class="utrecht-alert utrecht-alert--error error-summary"' in html
    assert _count(app) == 0


def test_everything_typed_is_kept_after_an_error(app: Flask) -> None:
    data = valid_submission(contact_email="geen-adres", title="Mijn <b>titel</b> & meer")
    response = submit(app.test_client(), data, files=[(PDF_BYTES, "plan.pdf")])
    html = response.get_data(as_text=True)
    assert "Vul een geldig e-mailadres in" in html
    assert 'value="Mijn &lt;b&gt;titel&lt;/b&gt; &amp; meer"' in html
    assert "Leerlingen wachtten **maanden** op hulp." in html
    theme = r'checked class="[^"]*" id="themes-2" name="themes" type="checkbox" value="inter'
    assert re.search(theme, html)
    assert '<option selected value="utrecht">' in html
    assert 'value="geen-adres"' in html
    # An invalid form writes no attachment to disk: the file is named and must be chosen again.
    assert "plan.pdf: nog niet bewaard" in html
    assert not list((Path(app.config["UPLOAD_DIR"]) / "pending").glob("*"))
    # A valid form that comes back (here: the preview) keeps it server-side.
    client = app.test_client()
    preview = submit(client, valid_submission(actie="voorbeeld"), files=[(PDF_BYTES, "plan.pdf")])
    html = preview.get_data(as_text=True)
    assert "plan.pdf" in html and "hoeft deze niet opnieuw te kiezen" in html
    pending = re.search(r'name="pending" type="hidden" value="([^"]+)"', html).group(1)
    fixed = valid_submission(title="Mijn titel", pending=pending)
    assert "Bedankt" in submit(client, fixed).get_data(as_text=True)
    with app.app_context():
        files = db.session.scalars(select(Attachment)).all()
        assert [f.filename for f in files] == ["plan.pdf"]
        stored = Path(app.config["UPLOAD_DIR"]) / files[0].stored_name
        assert stored.read_bytes() == PDF_BYTES
    assert not list((Path(app.config["UPLOAD_DIR"]) / "pending").glob("*"))


def test_a_pending_attachment_can_be_removed(app: Flask) -> None:
    preview = valid_submission(actie="voorbeeld")
    first = submit(app.test_client(), preview, files=[(PDF_BYTES, "a.pdf")])
    html = first.get_data(as_text=True)
    pending = re.search(r'name="pending" type="hidden" value="([^"]+)"', html).group(1)
    ident = re.search(r'name="verwijder_bijlage" value="(\w+)"', html).group(1)
    data = valid_submission(pending=pending, verwijder_bijlage=ident)
    submit(app.test_client(), data)
    with app.app_context():
        assert db.session.scalar(select(func.count(Attachment.id))) == 0


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"MZ\x90\x00 windows program", "virus.pdf"),
        (b"<html><script>alert(1)</script></html>", "pagina.pdf"),
        (b"<svg onload=alert(1)>", "plaatje.svg"),
        (PDF_BYTES, "verslag.exe"),
        (b"PK\x03\x04 not really a zip", "nep.docx"),
        (docx_bytes(), "document.pdf"),
        (b"", "leeg.pdf"),
    ],
)
def test_wrong_file_types_are_refused_with_the_rest_kept(
    app: Flask, content: bytes, name: str
) -> None:
    response = submit(app.test_client(), valid_submission(), files=[(content, name)])
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="attachments-error"' in html and name in html
    assert "Schoolmaatschappelijk werk in Utrecht-West" in html
    assert _count(app) == 0
    assert not list((Path(app.config["UPLOAD_DIR"]) / "pending").glob("*"))


def test_oversized_attachment_is_refused_in_dutch(tmp_path: Path) -> None:
    app = make_app(tmp_path, MAX_UPLOAD_BYTES=1024)
    big = PDF_BYTES + b"0" * 2048
    response = submit(app.test_client(), valid_submission(), files=[(big, "groot.pdf")])
    assert (
        "groot.pdf: het bestand is te groot. Een bijlage mag hoogstens 1 kB zijn; alle bijlagen "
        "samen hoogstens 12 MB."
    ) in response.get_data(as_text=True)
    assert _count(app) == 0


def test_too_large_request_gets_the_dutch_413_page(tmp_path: Path) -> None:
    app = make_app(tmp_path, MAX_CONTENT_LENGTH=50_000)
    big = PDF_BYTES + b"0" * 60_000
    response = submit(app.test_client(), valid_submission(), files=[(big, "groot.pdf")])
    assert response.status_code == 413
    assert "Te groot" in response.get_data(as_text=True)


def test_oversized_text_field_gets_a_message_and_is_kept(app: Flask) -> None:
    long_text = "woord " * 4000  # 24,000 characters, over the 20,000 limit
    response = submit(app.test_client(), valid_submission(approach=long_text))
    html = response.get_data(as_text=True)
    assert "Maak de aanpak korter: hoogstens 20000 tekens." in html
    assert long_text.strip() in html
    assert _count(app) == 0


def test_preview_renders_markdown_and_shows_similar_articles(app: Flask) -> None:
    data = valid_submission(actie="voorbeeld", title="OKé-op-school jeugdhulp traint op school")
    response = submit(app.test_client(), data)
    html = response.get_data(as_text=True)
    assert "Zo ziet uw voorbeeld eruit" in html
    assert "<strong>maanden</strong>" in html
    assert "Lijkt op" in html and "/artikel/oke-op-school-test" in html
    assert _count(app) == 0


def test_honeypot_submission_is_not_stored(app: Flask, mailbox: Mailbox) -> None:
    response = submit(app.test_client(), valid_submission(website="http://spam.example"))
    assert response.status_code == 200 and "Bedankt" in response.get_data(as_text=True)
    assert "/inzending/" not in response.get_data(as_text=True)
    assert _count(app) == 0
    assert not mailbox.messages


def test_submissions_are_rate_limited_per_address_without_losing_the_text(tmp_path: Path) -> None:
    app = make_app(tmp_path, SUBMISSIONS_PER_ADDRESS=2)
    for n in range(2):
        response = submit(app.test_client(), valid_submission(title=f"Voorbeeld {n}"))
        assert response.status_code == 200
    response = submit(app.test_client(), valid_submission(title="Derde voorbeeld"))
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "probeer het over een uur opnieuw" in html and 'value="Derde voorbeeld"' in html
    assert _count(app) == 2


def test_members_get_their_details_prefilled(app: Flask) -> None:
    user = make_user(app, email_address="lid@example.nl", name="Lid Lidsma", organisation="SWV")
    client = app.test_client()
    login(client, user.email)
    html = client.get("/voorbeeld-indienen").get_data(as_text=True)
    assert 'value="Lid Lidsma"' in html and 'value="lid@example.nl"' in html
    submit(client, valid_submission())
    with app.app_context():
        assert db.session.scalar(select(Submission)).submitter_id == user.id


def test_anonymous_submissions_can_be_switched_off(tmp_path: Path) -> None:
    app = make_app(tmp_path, ANONYMOUS_SUBMISSIONS=False)
    response = app.test_client().get("/voorbeeld-indienen")
    assert response.status_code == 302
    assert response.headers["Location"] == "/inloggen?next=/voorbeeld-indienen"


def test_status_page_needs_the_exact_token(app: Flask) -> None:
    token = status_token(submit(app.test_client(), valid_submission()).get_data(as_text=True))
    client = app.test_client()
    assert client.get(f"/inzending/{token}").status_code == 200
    assert client.get(f"/inzending/{token[:-1]}x").status_code == 404
    assert client.get("/inzending/" + "a" * 500).status_code == 404


def test_attachments_download_only_as_attachment_and_only_with_their_token(app: Flask) -> None:
    document = docx_bytes()  # built once: the zip carries the time it was made
    files = [(document, "Plan van aanpak.docx")]
    token = status_token(submit(app.test_client(), valid_submission(), files).get_data(True))
    other = status_token(submit(app.test_client(), valid_submission()).get_data(as_text=True))
    with app.app_context():
        attachment_id = db.session.scalar(select(Attachment.id))
    client = app.test_client()
    with client.get(f"/inzending/{token}/bijlage/{attachment_id}") as response:
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response.headers["Content-Security-Policy"]
        assert response.data == document
    assert client.get(f"/inzending/{other}/bijlage/{attachment_id}").status_code == 404


def test_no_submission_without_csrf(app: Flask) -> None:
    response = app.test_client().post("/voorbeeld-indienen", data=valid_submission())
    assert response.status_code == 400
    assert _count(app) == 0


def test_an_smtp_failure_never_loses_a_submission(tmp_path: Path) -> None:
    app = make_app(tmp_path, MAIL_HOST="127.0.0.1", MAIL_PORT=1, MAIL_TIMEOUT=1)
    response = submit(app.test_client(), valid_submission())
    assert response.status_code == 200 and "/inzending/" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(SubmissionEvent.id))) == 1


def test_live_similar_hint_returns_matching_articles_as_json(app: Flask) -> None:
    client = app.test_client()
    data = client.get("/voorbeeld-indienen/lijkt-op?titel=OKé-op-school jeugdhulp").get_json()
    assert "/artikel/oke-op-school-test" in [r["url"] for r in data["results"]]
    assert client.get("/voorbeeld-indienen/lijkt-op?titel=").get_json() == {"results": []}


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (PDF_BYTES, "verslag.PDF", "application/pdf"),
        (docx_bytes(), "plan.docx",
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (odt_bytes(), "notulen.odt", "application/vnd.oasis.opendocument.text"),
    ],
)  # fmt: skip
def test_pdf_docx_and_odt_are_accepted_by_content(
    app: Flask, content: bytes, name: str, content_type: str
) -> None:
    response = submit(app.test_client(), valid_submission(), files=[(content, name)])
    assert "Bedankt" in response.get_data(as_text=True)
    with app.app_context():
        row = db.session.scalar(select(Attachment))
        assert (row.filename, row.content_type, row.size) == (name, content_type, len(content))
        assert not (Path(app.config["UPLOAD_DIR"]) / "pending" / row.stored_name).exists()
        assert "static" not in str(Path(app.config["UPLOAD_DIR"]).resolve())

"""Attachments on the published article: the submitter allows, the editor confirms, the article
lists and serves only those, and only while it is published."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from kb import publishing
from kb.models import Article, Attachment, Submission, User, db
from tests.support.accounts import (
    PDF_BYTES,
    csrf,
    docx_bytes,
    login,
    make_user,
    publish,
    submission_form_tokens,
    valid_submission,
)
from tests.support.app import make_app

PENDING = re.compile(r'name="pending" type="hidden" value="([^"]+)"')
PUBLIC_BOX = re.compile(
    r'id="openbaar-bijlage-(\w+)" name="openbaar_bijlage" value="\w+"( checked)?'
)


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return make_app(tmp_path)


@pytest.fixture
def editor(app: Flask) -> FlaskClient:
    user = make_user(app, role="editor", name="Eva Redacteur")
    client = app.test_client()
    login(client, user.email)
    return client


def _post_form(client: FlaskClient, data: dict, files: list | None = None):
    payload = dict(data)
    if files:
        payload["attachments"] = [(io.BytesIO(content), name) for content, name in files]
    return client.post("/voorbeeld-indienen", data=payload, content_type="multipart/form-data")


def _choose_per_file(app: Flask) -> int:
    """Preview with two files marked public, then send with only the PDF still ticked."""
    client = app.test_client()
    tokens = submission_form_tokens(client)
    data = valid_submission(actie="voorbeeld", attachments_public="y") | tokens
    preview = _post_form(client, data, [(PDF_BYTES, "verslag.pdf"), (docx_bytes(), "intern.docx")])
    html = preview.get_data(as_text=True)
    boxes = PUBLIC_BOX.findall(html)
    assert len(boxes) == 2 and all(checked for _id, checked in boxes)  # the choice is shown
    pdf_id, docx_id = (ident for ident, _ in boxes)
    pending = PENDING.search(html).group(1)

    # An error (no title) keeps each file's choice as sent: the PDF ticked, the DOCX not.
    data = valid_submission(title="", pending=pending, openbaar_bijlage=[pdf_id]) | tokens
    data.pop("attachments_public", None)
    error = _post_form(client, data).get_data(as_text=True)
    assert "Geef de titel van het voorbeeld op." in error
    assert dict(PUBLIC_BOX.findall(error)) == {pdf_id: " checked", docx_id: ""}

    data = valid_submission(pending=pending, openbaar_bijlage=[pdf_id]) | tokens
    assert _post_form(client, data).status_code == 303
    with app.app_context():
        return db.session.scalar(select(func.max(Submission.id)))


def test_the_new_files_checkbox_is_kept_when_the_form_comes_back(app: Flask) -> None:
    client = app.test_client()
    data = valid_submission(title="", attachments_public="y") | submission_form_tokens(client)
    html = _post_form(client, data).get_data(as_text=True)
    box = re.search(r"<input[^>]*id=\"attachments_public\"[^>]*>", html).group(0)
    assert "checked" in box


def test_the_submitter_chooses_per_file_and_the_editor_confirms(
    app: Flask, editor: FlaskClient
) -> None:
    submission_id = _choose_per_file(app)
    with app.app_context():
        rows = {a.filename: a for a in db.session.get(Submission, submission_id).attachments}
        assert rows["verslag.pdf"].may_publish and not rows["intern.docx"].may_publish
        pdf, docx = rows["verslag.pdf"].id, rows["intern.docx"].id
    page = f"/redactie/inzending/{submission_id}"
    html = editor.get(page).get_data(as_text=True)
    assert f'name="publiceer_bijlage" value="{pdf}"' in html
    assert f'name="publiceer_bijlage" value="{docx}"' not in html
    assert "de indiener wil deze bijlage niet gepubliceerd zien" in html

    # Even a forged post cannot confirm the file the submitter kept private.
    response = editor.post(
        f"{page}/bijlagen",
        data={"csrf_token": csrf(editor, page), "publiceer_bijlage": [str(pdf), str(docx)]},
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Attachment, pdf).confirmed
        assert not db.session.get(Attachment, docx).confirmed
    confirm = editor.get(f"{page}/publiceren").get_data(as_text=True)
    assert "Downloads bij het artikel" in confirm and "verslag.pdf" in confirm
    assert "intern.docx" not in confirm


def _published(app: Flask, editor: FlaskClient) -> tuple[str, int, int, int]:
    submission_id = _choose_per_file(app)
    page = f"/redactie/inzending/{submission_id}"
    with app.app_context():
        rows = {a.filename: a.id for a in db.session.get(Submission, submission_id).attachments}
    editor.post(
        f"{page}/bijlagen",
        data={"csrf_token": csrf(editor, page), "publiceer_bijlage": [str(rows["verslag.pdf"])]},
    )
    assert publish(editor, submission_id).status_code == 303
    with app.app_context():
        slug = db.session.get(Submission, submission_id).article.slug
    return slug, submission_id, rows["verslag.pdf"], rows["intern.docx"]


def test_the_article_lists_and_serves_only_confirmed_files_while_published(
    app: Flask, editor: FlaskClient
) -> None:
    slug, submission_id, pdf, docx = _published(app, editor)
    reader = app.test_client()
    html = reader.get(f"/artikel/{slug}").get_data(as_text=True)
    assert "Downloads" in html
    assert f'href="/artikel/{slug}/bijlage/{pdf}" download>verslag.pdf' in html
    assert "(PDF, 1 kB)" in html
    assert "intern.docx" not in html

    download = reader.get(f"/artikel/{slug}/bijlage/{pdf}")
    assert download.status_code == 200 and download.data == PDF_BYTES
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    download.close()
    # The private file: not from this article, not through any other published article.
    assert reader.get(f"/artikel/{slug}/bijlage/{docx}").status_code == 404
    assert reader.get(f"/artikel/oogo-test/bijlage/{pdf}").status_code == 404
    # The editors' route stays closed to readers.
    assert reader.get(f"/redactie/bijlage/{docx}").status_code == 302

    # Withdrawn by the editor: gone from the page and the route at once (the page is cached).
    page = f"/redactie/inzending/{submission_id}"
    editor.post(f"{page}/bijlagen", data={"csrf_token": csrf(editor, page)})
    assert "verslag.pdf" not in reader.get(f"/artikel/{slug}").get_data(as_text=True)
    assert reader.get(f"/artikel/{slug}/bijlage/{pdf}").status_code == 404

    # Confirmed again, then the article goes offline: the file is private again.
    editor.post(f"{page}/bijlagen", data={"csrf_token": csrf(editor, page),
                                          "publiceer_bijlage": [str(pdf)]})  # fmt: skip
    again = reader.get(f"/artikel/{slug}/bijlage/{pdf}")
    assert again.status_code == 200
    again.close()
    with app.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == slug))
        someone = db.session.scalar(select(User).where(User.role == "editor"))
        publishing.set_article_status(article, "unpublished", someone)
    assert reader.get(f"/artikel/{slug}/bijlage/{pdf}").status_code == 404

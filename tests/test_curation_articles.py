"""Editors edit published articles online: every change a revision, restorable; offline/online."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from kb import search
from kb.models import Article, ArticleRevision, db
from tests.support.accounts import csrf, login, make_user
from tests.support.app import make_app

SLUG = "oogo-test"
PAGE = f"/redactie/artikelen/{SLUG}"


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return make_app(tmp_path)


@pytest.fixture
def editor(app: Flask) -> FlaskClient:
    client = app.test_client()
    login(client, make_user(app, role="editor", name="Eva Redacteur").email)
    return client


def _form(app: Flask, **changes: object) -> dict[str, object]:
    with app.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == SLUG))
        data: dict[str, object] = {
            "title": article.title,
            "kind": article.kind.slug,
            "summary": article.summary,
            "body_md": article.body_md,
            "reference_date": article.reference_date,
            "themes": [t.slug for t in article.themes],
            "advice": [str(a.number) for a in article.advice],
            "sectors": [s.slug for s in article.sectors],
            "regions": [r.slug for r in article.regions],
        }
    data.update(changes)
    return data


def _article(app: Flask) -> Article:
    with app.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == SLUG))
        db.session.expunge(article)
        return article


def test_edit_keeps_the_old_version_and_updates_page_api_and_search(
    app: Flask, editor: FlaskClient
) -> None:
    old_title = _article(app).title
    body = _form(app)["body_md"] + "\n\nNieuwe alinea over de zeldzame kwartiermaker."
    data = _form(app, title="OOGO, bijgewerkt", body_md=body, note="Alinea toegevoegd")
    response = editor.post(PAGE, data={"csrf_token": csrf(editor, PAGE), **data})
    assert response.status_code == 303
    article = _article(app)
    assert article.title == "OOGO, bijgewerkt" and article.edited_online_at is not None
    assert "kwartiermaker" in app.test_client().get(f"/artikel/{SLUG}").get_data(as_text=True)
    assert app.test_client().get(f"/api/v1/articles/{SLUG}").get_json()["title"] == (
        "OOGO, bijgewerkt"
    )
    with app.app_context():
        assert article.id in search.search("kwartiermaker").ids
        revision = db.session.scalar(select(ArticleRevision))
        assert revision.data["title"] == old_title
        assert revision.author.name == "Eva Redacteur" and revision.note == "Alinea toegevoegd"
    history = editor.get(f"{PAGE}/versies").get_data(as_text=True)
    assert "Eva Redacteur" in history and "Alinea toegevoegd" in history


def test_saving_without_changes_makes_no_revision(app: Flask, editor: FlaskClient) -> None:
    editor.post(PAGE, data={"csrf_token": csrf(editor, PAGE), **_form(app)})
    with app.app_context():
        assert db.session.scalar(select(ArticleRevision)) is None


def test_an_older_revision_can_be_viewed_and_restored(app: Flask, editor: FlaskClient) -> None:
    original = _article(app)
    editor.post(PAGE, data={"csrf_token": csrf(editor, PAGE), **_form(app, title="Versie 2")})
    editor.post(PAGE, data={"csrf_token": csrf(editor, PAGE), **_form(app, title="Versie 3")})
    with app.app_context():
        first = db.session.scalar(select(ArticleRevision).order_by(ArticleRevision.id))
        first_id = first.id
    view = editor.get(f"{PAGE}/versies/{first_id}").get_data(as_text=True)
    assert original.title in view and "Deze versie herstellen" in view
    response = editor.post(
        f"{PAGE}/versies/{first_id}/herstellen", data={"csrf_token": csrf(editor, PAGE)}
    )
    assert response.status_code == 303
    assert _article(app).title == original.title
    with app.app_context():
        titles = [r.data["title"] for r in db.session.scalars(select(ArticleRevision))]
    assert titles == [original.title, "Versie 2", "Versie 3"]


def test_invalid_edit_is_refused_in_dutch_and_kept(app: Flask, editor: FlaskClient) -> None:
    data = _form(app, title="", themes=[], reference_date="juni", body_md="Nieuwe **tekst**")
    response = editor.post(PAGE, data={"csrf_token": csrf(editor, PAGE), **data})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="title-error"><p>Geef het artikel een titel.</p>' in html
    assert "Kies minstens één thema." in html
    assert "Schrijf de peildatum als jjjj of jjjj-mm" in html and "Nieuwe **tekst**" in html
    assert _article(app).title != ""


def test_take_offline_and_back_online(app: Flask, editor: FlaskClient) -> None:
    post = {"csrf_token": csrf(editor, PAGE)}
    article_id = _article(app).id
    with app.app_context():
        assert article_id in search.search("oogo").ids
    editor.post(f"{PAGE}/status", data={**post, "status": "unpublished"})
    assert app.test_client().get(f"/artikel/{SLUG}").status_code == 404
    with app.app_context():
        assert article_id not in search.search("oogo").ids
    editor.post(f"{PAGE}/status", data={**post, "status": "published"})
    assert app.test_client().get(f"/artikel/{SLUG}").status_code == 200


def test_the_article_editor_says_what_the_sanitiser_removed(app) -> None:
    from tests.support.accounts import csrf, login, make_user

    client = app.test_client()
    login(client, make_user(app, role="editor").email)
    url = "/redactie/artikelen/oogo-test"
    page = client.get(url).get_data(as_text=True)
    assert "Niet overgenomen" not in page
    form = {"csrf_token": csrf(client, url), "title": "Het OOGO uitgelegd (test)",
            "kind": "achtergrond", "summary": "Het overleg tussen gemeenten en "
            "samenwerkingsverbanden, uitgelegd voor wie er nieuw in is.",
            "body_md": "Zie [dit](javascript:alert(1)) en ![x](data:image/png;base64,AAAA).",
            "reference_date": "2019", "themes": ["bestuurlijke-afspraken"]}  # fmt: skip
    saved = client.post(url, data=form, follow_redirects=True).get_data(as_text=True)
    assert "Niet overgenomen uit de tekst" in saved and "javascript:" in saved

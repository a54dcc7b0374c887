"""The "Meer weten" fields: stored by a sync, kept by online edits, rendered at the end of the
article page and in the API; the editor's note only on the editor's edit page."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from kb import publishing
from kb.models import Article, ArticleRevision, Source, User, db
from tests.support.accounts import login, make_user
from tests.support.app import load_content

SLUG = "oogo-test"
MORE_INFO = """organisations: [Ingrado, "Ouders & Onderwijs"]
contact: "de coördinator thuiszittersaanpak van de testgemeente"
editor_note: "Geheime notitie: tabel 3 van het NJi-document is door elkaar geraakt."
"""
EXTRA_LINK = """  - title: "Ingrado, vereniging voor leerplicht en RMC"
    url: https://www.ingrado.nl/
"""


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.anchors: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.anchors.append(dict(attrs))


def _more_info(html: str) -> str:
    """Return the "Meer weten" section of a page (fails when there is none)."""
    match = re.search(r'<section class="more-info".*?</section>', html, flags=re.DOTALL)
    assert match, "no Meer weten block"
    return match.group(0)


def _anchors(fragment: str) -> list[dict[str, str | None]]:
    parser = _Anchors()
    parser.feed(fragment)
    return parser.anchors


@pytest.fixture
def app(empty_app: Flask, content_dir: Path) -> Flask:
    """The fixture content with oogo-test carrying every Meer weten field."""
    path = content_dir / "articles" / f"{SLUG}.md"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "    url: https://www.nji.nl\n", "    url: https://www.nji.nl\n" + EXTRA_LINK
    )
    path.write_text(text.replace("\n---\n", "\n" + MORE_INFO + "---\n", 1), encoding="utf-8")
    load_content(empty_app)
    return empty_app


def test_sync_stores_links_organisations_contact_editor_note_and_source_url(app: Flask) -> None:
    with app.app_context():
        article = db.session.scalar(select(Article).filter_by(slug=SLUG))
        assert article.external_links == [
            {"title": "Nederlands Jeugdinstituut", "url": "https://www.nji.nl"},
            {
                "title": "Ingrado, vereniging voor leerplicht en RMC",
                "url": "https://www.ingrado.nl/",
            },
        ]
        assert article.organisations == ["Ingrado", "Ouders & Onderwijs"]
        assert article.contact == "de coördinator thuiszittersaanpak van de testgemeente"
        assert article.editor_note.startswith("Geheime notitie")
        assert db.session.get(Source, "nji-2019-sterke-netwerken").url == "https://www.nji.nl"


def test_article_page_ends_with_meer_weten_and_never_shows_the_editor_note(app: Flask) -> None:
    html = app.test_client().get(f"/artikel/{SLUG}").get_data(as_text=True)
    block = _more_info(html)
    assert '<h2 id="meer-weten-kop" class="utrecht-heading-2">Meer weten</h2>' in block
    # The original publication with publisher, year and its web address.
    assert "<cite>Sterke netwerken rond kwetsbare jongeren." in block
    assert "Nederlands Jeugdinstituut, 2019." in block
    anchors = _anchors(block)
    assert [a["href"] for a in anchors] == ["https://www.nji.nl", "https://www.ingrado.nl/"]
    # The link to the publisher is not repeated under Links; every external link is plain.
    assert all(a["rel"] == "noopener" and "target" not in a for a in anchors)
    assert "Ingrado, vereniging voor leerplicht en RMC</a>" in block
    assert '<li class="utrecht-unordered-list__item">Ouders &amp; Onderwijs</li>' in block
    assert "kan terecht bij de coördinator thuiszittersaanpak van de testgemeente." in block
    assert "Geheime notitie" not in html


def test_api_gives_links_organisations_contact_and_source_url_but_no_editor_note(
    app: Flask,
) -> None:
    data = app.test_client().get(f"/api/v1/articles/{SLUG}").get_json()
    assert data["links"][1] == {
        "title": "Ingrado, vereniging voor leerplicht en RMC",
        "url": "https://www.ingrado.nl/",
    }
    assert data["organisations"] == ["Ingrado", "Ouders & Onderwijs"]
    assert data["contact"] == "de coördinator thuiszittersaanpak van de testgemeente"
    assert data["sources"][0]["url"] == "https://www.nji.nl"
    assert "editor_note" not in data and "Geheime notitie" not in str(data)


def test_editor_sees_the_editor_note_on_the_edit_page(app: Flask) -> None:
    client = app.test_client()
    login(client, make_user(app, role="editor").email)
    page = client.get(f"/redactie/artikelen/{SLUG}").get_data(as_text=True)
    assert "Notitie voor de redactie" in page and "Geheime notitie" in page


def test_online_edit_keeps_the_more_info_and_a_revision_holds_it(app: Flask) -> None:
    editor = make_user(app, role="editor")
    with app.app_context():
        article = db.session.scalar(select(Article).filter_by(slug=SLUG))
        state = publishing.article_state(article)
        for name in ("external_links", "organisations", "contact", "editor_note"):
            state.pop(name)  # the edit form has no such fields
        state["title"] = "Het OOGO, online bewerkt"
        assert publishing.edit_article(article, state, db.session.get(User, editor.id))
        article = db.session.scalar(select(Article).filter_by(slug=SLUG))
        assert article.organisations == ["Ingrado", "Ouders & Onderwijs"]
        assert len(article.external_links) == 2 and article.contact and article.editor_note
        revision = db.session.scalars(
            select(ArticleRevision).filter_by(article_id=article.id)
        ).one()
        assert revision.data["organisations"] == ["Ingrado", "Ouders & Onderwijs"]
        assert revision.data["external_links"][1]["url"] == "https://www.ingrado.nl/"


def test_every_real_article_has_meer_weten_with_an_external_link(content_app: Flask) -> None:
    client = content_app.test_client()
    with content_app.app_context():
        slugs = list(db.session.scalars(select(Article.slug).filter_by(status="published")))
    assert len(slugs) > 150
    missing = []
    for slug in slugs:
        block = _more_info(client.get(f"/artikel/{slug}").get_data(as_text=True))
        hrefs = [a["href"] or "" for a in _anchors(block) if a.get("rel") == "noopener"]
        if not any(href.startswith("https://") for href in hrefs):
            missing.append(slug)
    assert missing == []

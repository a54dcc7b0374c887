"""Atom feeds: valid for a real parser, the same articles as their pages, stable ids and dates."""

from __future__ import annotations

from datetime import timedelta

import feedparser
import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb import publishing
from kb.models import Article, db

FEEDS = [
    ("/feed", "/"),
    ("/thema/preventief-jeugdbeleid/feed", "/thema/preventief-jeugdbeleid"),
    ("/advies/1/feed", "/advies/1"),
    ("/regio/almere/feed", "/regio/almere"),
    ("/soort/praktijkvoorbeeld/feed", "/soort/praktijkvoorbeeld"),
]


def _parse(client: FlaskClient, url: str) -> feedparser.FeedParserDict:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.content_type == "application/atom+xml; charset=utf-8"
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


@pytest.mark.parametrize(("feed_url", "page_url"), FEEDS)
def test_every_feed_is_valid_atom_pointing_at_its_page(
    client: FlaskClient, app: Flask, feed_url: str, page_url: str
) -> None:
    parsed = _parse(client, feed_url)
    base = app.config["BASE_URL"].rstrip("/")
    links = {link.rel: link.href for link in parsed.feed.links}
    assert links["self"] == base + feed_url
    assert links["alternate"] == base + page_url
    assert parsed.feed.language == "nl"
    for entry in parsed.entries:
        assert entry.id.startswith("tag:")
        assert entry.link.startswith(base + "/artikel/")
        assert entry.summary


def test_a_browse_feed_lists_the_same_articles_as_its_page(client: FlaskClient, app: Flask) -> None:
    with app.app_context():
        expected = {
            a.slug
            for a in db.session.scalars(db.select(Article).where(Article.status == "published"))
            if any(r.slug == "almere" for r in a.regions)
        }
    parsed = _parse(client, "/regio/almere/feed")
    slugs = {entry.link.rsplit("/", 1)[1] for entry in parsed.entries}
    assert expected and slugs == expected


def test_entries_keep_their_id_and_show_the_real_change_date(
    client: FlaskClient, app: Flask
) -> None:
    with app.app_context():  # the content was loaded a moment ago: make that yesterday
        for row in db.session.scalars(db.select(Article)):
            row.updated_at -= timedelta(days=1)
        db.session.commit()
    before = {e.link: e for e in _parse(client, "/feed").entries}
    with app.app_context():
        article = db.session.scalar(db.select(Article).where(Article.slug == "oogo-test"))
        state = publishing.article_state(article) | {"title": "OOGO, herzien"}
        assert publishing.edit_article(article, state, author=None, note="test")
        changed = article.updated_at
    after = _parse(client, "/feed")
    first = after.entries[0]
    assert first.title == "OOGO, herzien"  # newest change first
    assert first.id == before[first.link].id  # the id survives the edit
    assert first.updated_parsed[:6] == changed.timetuple()[:6]
    assert first.updated_parsed > before[first.link].updated_parsed


def test_unpublished_articles_leave_the_feed(client: FlaskClient, app: Flask) -> None:
    with app.app_context():
        article = db.session.scalar(db.select(Article).where(Article.slug == "oogo-test"))
        publishing.unpublish(article)
        publishing.commit_and_index()
    slugs = {e.link.rsplit("/", 1)[1] for e in _parse(client, "/feed").entries}
    assert "oogo-test" not in slugs


@pytest.mark.parametrize(
    "url", ["/thema/bestaat-niet/feed", "/advies/9/feed", "/regio/atlantis/feed", "/soort/x/feed"]
)
def test_unknown_selection_has_no_feed(client: FlaskClient, url: str) -> None:
    assert client.get(url).status_code == 404


def test_feed_ignores_the_host_the_client_sends(client: FlaskClient, app: Flask) -> None:
    response = client.get("/feed", headers={"Host": "aanvaller.example"})
    assert b"aanvaller.example" not in response.data


def test_a_cop_feed_lists_the_articles_on_its_themes(content_app: Flask) -> None:
    client = content_app.test_client()
    parsed = _parse(client, "/artikel/cop-monitoring/feed")
    with content_app.app_context():
        cop = db.session.scalar(db.select(Article).where(Article.slug == "cop-monitoring"))
        themes = {t.slug for t in cop.themes}
        expected = {
            a.slug
            for a in db.session.scalars(db.select(Article))
            if a.status == "published" and themes & {t.slug for t in a.themes}
        }
        not_a_cop = next(
            a.slug
            for a in db.session.scalars(db.select(Article))
            if a.status == "published" and a.kind.slug != cop.kind.slug
        )
    slugs = {entry.link.rsplit("/", 1)[1] for entry in parsed.entries}
    assert slugs and slugs <= expected
    assert len(slugs) == min(len(expected), 50)
    assert client.get(f"/artikel/{not_a_cop}/feed").status_code == 404


def test_a_search_feed_returns_the_same_items_as_the_search_page(client: FlaskClient) -> None:
    query = "q=jeugdhulp&sort=nieuw"
    page = client.get(f"/zoeken?{query}").get_data(as_text=True)
    api = client.get(f"/api/v1/search?{query}").json
    parsed = _parse(client, f"/zoeken/feed?{query}")
    assert [e.link.rsplit("/", 1)[1] for e in parsed.entries] == [r["slug"] for r in api["results"]]
    assert f'href="/zoeken/feed?{query.replace("&", "&amp;")}"' in page  # linked in the head
    assert parsed.feed.title.startswith("Zoeken: jeugdhulp")


def test_polling_a_search_feed_is_not_logged_as_a_search(client: FlaskClient, app: Flask) -> None:
    from kb import search
    from kb.models import SearchLog

    client.get("/zoeken/feed?q=oogo")
    search.flush_search_log()
    with app.app_context():
        assert db.session.query(SearchLog).count() == 0

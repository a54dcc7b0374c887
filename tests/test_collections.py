"""Leeslijsten: editors build, annotate and reorder them; readers see them, removed items too."""

from __future__ import annotations

import feedparser
from flask import Flask
from flask.testing import FlaskClient

from kb import collections, publishing
from kb.models import Article, Collection, db
from tests.support.accounts import csrf, login, make_user


def _editor(app: Flask) -> FlaskClient:
    client = app.test_client()
    login(client, make_user(app, role="editor").email)
    return client


def _make(editor: FlaskClient, title: str = "Starten met OOGO", **fields) -> str:
    url = "/redactie/leeslijsten/"
    data = {
        "csrf_token": csrf(editor, url),
        "title": title,
        "description": "Voor wie begint.",
        "context_kind": "advice",
        "context_key": "4",
        "published": "y",
    } | fields
    response = editor.post(url, data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.location.rsplit("/", 1)[1]


def _add(editor: FlaskClient, slug: str, article: str) -> None:
    token = csrf(editor, f"/redactie/leeslijsten/{slug}")
    response = editor.post("/redactie/leeslijsten/kies/toevoegen",
                           data={"csrf_token": token, "collection": slug, "article": article,
                                 "back": "article"})  # fmt: skip
    assert response.status_code == 303 and response.location.endswith(f"/artikel/{article}")


def _order(app: Flask, slug: str) -> list[str]:
    with app.app_context():
        return [i.article_slug for i in collections.by_slug(slug).items]


def test_an_editor_builds_and_reorders_a_collection_with_buttons(app: Flask) -> None:
    editor = _editor(app)
    slug = _make(editor)
    assert slug == "starten-met-oogo"
    for article in ("oogo-test", "regioportret-testregio", "oke-op-school-test"):
        _add(editor, slug, article)
    _add(editor, slug, "oogo-test")  # twice: still once
    assert _order(app, slug) == ["oogo-test", "regioportret-testregio", "oke-op-school-test"]
    with app.app_context():
        last = collections.by_slug(slug).items[-1].id
    token = csrf(editor, f"/redactie/leeslijsten/{slug}")
    editor.post(f"/redactie/leeslijsten/{slug}/items/{last}/omhoog", data={"csrf_token": token})
    editor.post(f"/redactie/leeslijsten/{slug}/items/{last}/omhoog", data={"csrf_token": token})
    assert _order(app, slug) == ["oke-op-school-test", "oogo-test", "regioportret-testregio"]
    editor.post(
        f"/redactie/leeslijsten/{slug}/items/{last}/notitie",
        data={"csrf_token": token, "note": "Begin hier: een concreet voorbeeld."},
    )
    page = app.test_client().get(f"/leeslijst/{slug}").get_data(as_text=True)
    assert page.index("OKé") < page.index("OOGO uitgelegd")
    assert "Begin hier: een concreet voorbeeld." in page


def test_a_removed_article_stays_visible_as_unavailable(app: Flask) -> None:
    editor = _editor(app)
    slug = _make(editor)
    _add(editor, slug, "oogo-test")
    _add(editor, slug, "oke-op-school-test")
    with app.app_context():
        article = db.session.scalar(db.select(Article).where(Article.slug == "oogo-test"))
        publishing.unpublish(article)
        publishing.commit_and_index()
    page = app.test_client().get(f"/leeslijst/{slug}").get_data(as_text=True)
    assert "oogo-test" in page and "(niet meer beschikbaar)" in page
    feed = feedparser.parse(app.test_client().get(f"/leeslijst/{slug}/feed").data)
    assert not feed.bozo
    assert [e.link.rsplit("/", 1)[1] for e in feed.entries] == ["oke-op-school-test"]


def test_the_collection_belongs_to_its_advies_page(app: Flask) -> None:
    editor = _editor(app)
    slug = _make(editor)
    _add(editor, slug, "oogo-test")
    with app.app_context():
        assert [c.slug for c in collections.for_context("advice", "4")] == [slug]
        assert [c.slug for c in collections.containing("oogo-test")] == [slug]


def test_unpublished_collections_are_not_public(app: Flask) -> None:
    editor = _editor(app)
    slug = _make(editor, title="Concept", published="")
    assert app.test_client().get(f"/leeslijst/{slug}").status_code == 404
    assert editor.get(f"/redactie/leeslijsten/{slug}").status_code == 200


def test_only_editors_shape_collections(app: Flask) -> None:
    with app.app_context():
        db.session.add(Collection(slug="x", title="X", context_kind="free", context_key=""))
        db.session.commit()
    member = app.test_client()
    login(member, make_user(app).email)
    assert member.get("/redactie/leeslijsten/").status_code == 403
    token = csrf(member, "/mijn-kennisbank")
    assert (
        member.post(
            "/redactie/leeslijsten/x/toevoegen", data={"csrf_token": token, "article": "oogo-test"}
        ).status_code
        == 403
    )


def test_an_item_of_another_collection_cannot_be_moved_through_this_one(app: Flask) -> None:
    editor = _editor(app)
    first, second = _make(editor, title="Een"), _make(editor, title="Twee")
    _add(editor, second, "oogo-test")
    with app.app_context():
        item = collections.by_slug(second).items[0].id
    token = csrf(editor, f"/redactie/leeslijsten/{first}")
    response = editor.post(
        f"/redactie/leeslijsten/{first}/items/{item}/verwijderen", data={"csrf_token": token}
    )
    assert response.status_code == 404
    assert _order(app, second) == ["oogo-test"]


def test_a_member_follows_a_collection_and_hears_of_its_articles(app: Flask) -> None:
    from kb import follows
    from kb.models import Follow, User

    editor = _editor(app)
    slug = _make(editor)
    _add(editor, slug, "oogo-test")
    member = app.test_client()
    login(member, make_user(app, email_address="lezer@school.nl").email)
    page = member.get(f"/leeslijst/{slug}").get_data(as_text=True)
    assert 'name="kind" type="hidden" value="collection"' in page
    response = member.post("/volgen", data={"csrf_token": csrf(member, f"/leeslijst/{slug}"),
                                            "kind": "collection", "target": slug,
                                            "frequency": "weekly"})  # fmt: skip
    assert response.status_code == 303 and response.location.endswith(f"/leeslijst/{slug}")
    with app.app_context():
        article = db.session.scalar(db.select(Article).where(Article.slug == "oogo-test"))
        state = publishing.article_state(article) | {"title": "OOGO, met nieuwe afspraken"}
        assert publishing.edit_article(article, state, author=None, note="test")
        user = db.session.scalar(db.select(User).where(User.email == "lezer@school.nl"))
        [followed] = follows.overview(user)
        assert followed.follow.kind == "collection"
        assert [a.title for a in followed.new] == ["OOGO, met nieuwe afspraken"]
        assert db.session.query(Follow).count() == 1

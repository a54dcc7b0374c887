"""Discussions: topics and replies, quotes, files, article cards, edits with history, soft
deletes, unread markers, ordering, the first-post review, the rate limit and hostile input."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from sqlalchemy import func, select

from kb import groups
from kb.models import User, db
from tests.support.accounts import PDF_BYTES, login, make_user
from tests.support.app import make_app
from tests.support.groups import (
    action,
    add_member,
    form_token,
    make_group,
    reply,
    start_topic,
    topic_id_from,
)
from tests.test_security_hostile import PAYLOADS, assert_inert


@pytest.fixture
def app(tmp_path) -> Flask:
    """The fixture app with the first-post review off (tested on its own below)."""
    return make_app(tmp_path, GROUP_FIRST_POST_REVIEW_HOURS=0)


@pytest.fixture
def setup(app: Flask):
    """A group with a begeleider (editor), two members, and a logged-in client for each."""
    editor = make_user(app, "editor", name="Els Begeleider")
    ann, bob = make_user(app, name="Ann Lid"), make_user(app, name="Bob de Bouwer")
    slug = make_group(app, editor, "request")
    add_member(app, slug, ann)
    add_member(app, slug, bob)
    clients = {}
    for name, user in (("editor", editor), ("ann", ann), ("bob", bob)):
        clients[name] = app.test_client()
        login(clients[name], user.email)
    return slug, clients, {"editor": editor, "ann": ann, "bob": bob}


def _posts(app: Flask, topic_id: int) -> list[groups.Post]:
    with app.app_context():
        rows = db.session.scalars(
            select(groups.Post).where(groups.Post.topic_id == topic_id).order_by(groups.Post.id)
        ).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def test_a_topic_a_reply_with_a_quote_and_a_mention(app: Flask, setup) -> None:
    slug, clients, users = setup
    response = start_topic(clients["ann"], slug, "Thuiszitters in de regio",
                           "Hoe pakken jullie **thuiszitters** aan?")  # fmt: skip
    assert response.status_code == 303
    topic_id = topic_id_from(response)
    first = _posts(app, topic_id)[0]
    response = reply(clients["bob"], slug, topic_id, "Goede vraag @ann lid, zie hieronder.",
                     quote_of=str(first.id))  # fmt: skip
    assert response.status_code == 303 and "#bericht-" in response.location
    page = clients["ann"].get(f"/groepen/{slug}/onderwerp/{topic_id}").get_data(as_text=True)
    assert "<strong>thuiszitters</strong>" in page
    assert "Ann Lid schreef:" in page and "Goede vraag" in page
    second = _posts(app, topic_id)[1]
    assert second.quote_of_id == first.id
    with app.app_context():
        mentioned = db.session.scalars(
            select(groups.Mention.user_id).where(groups.Mention.post_id == second.id)
        ).all()
        assert mentioned == [users["ann"].id]
        topic = db.session.get(groups.Topic, topic_id)
        assert topic.post_count == 2 and topic.last_activity_at >= second.created_at
        assert "thuiszitter" in first.search_terms  # the Dutch analysis, stored with the post


def test_a_file_is_stored_checked_and_served_to_members_only(app: Flask, setup) -> None:
    slug, clients, _users = setup
    response = start_topic(clients["ann"], slug, "Met een verslag", "Zie bijlage.",
                           attachments=(io.BytesIO(PDF_BYTES), "verslag.pdf"))  # fmt: skip
    assert response.status_code == 303
    topic_id = topic_id_from(response)
    with app.app_context():
        item = db.session.scalar(select(groups.PostAttachment))
        url = f"/groepen/{slug}/bijlage/{item.id}"
    page = clients["bob"].get(f"/groepen/{slug}/onderwerp/{topic_id}").get_data(as_text=True)
    assert url in page and "verslag.pdf" in page
    with clients["bob"].get(url) as download:
        assert download.status_code == 200 and download.data == PDF_BYTES
        assert download.headers["Content-Disposition"].startswith("attachment;")
        assert download.headers["Cache-Control"] == "private, no-store"
    outsider = app.test_client()
    login(outsider, make_user(app).email)
    assert outsider.get(url).status_code == 403
    assert app.test_client().get(url).status_code == 302  # to the login page

    # A file that is not what its name says is refused; what was typed stays.
    response = start_topic(clients["ann"], slug, "Nep-PDF", "Mijn tekst blijft staan.",
                           attachments=(io.BytesIO(b"MZ\x90 not a pdf"), "nep.pdf"))  # fmt: skip
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "alleen PDF-, DOCX-, ODT-, PNG- en JPEG-bestanden" in text
    assert "Mijn tekst blijft staan." in text


def test_article_links_show_as_cards(app: Flask, setup) -> None:
    slug, clients, _users = setup
    response = start_topic(clients["ann"], slug, "Lees dit",
                           "Zie [OKé](oke-op-school-test.md) en "
                           "https://kennisbank.test/artikel/oogo-test")  # fmt: skip
    page = clients["bob"].get(response.location).get_data(as_text=True)
    assert page.count('class="kb-card ') == 2
    assert 'href="/artikel/oke-op-school-test"' in page


def test_editing_keeps_the_history_and_only_the_author_edits(app: Flask, setup) -> None:
    slug, clients, _users = setup
    topic_id = topic_id_from(start_topic(clients["ann"], slug, "Versies", "Eerste tekst."))
    post = _posts(app, topic_id)[0]
    url = f"/groepen/{slug}/bericht/{post.id}/bewerken"
    assert clients["bob"].get(url).status_code == 403
    response = clients["ann"].post(url, data={"csrf_token": form_token(clients["ann"], url)[
        "csrf_token"], "body": "Tweede tekst."})  # fmt: skip
    assert response.status_code == 303
    history = clients["ann"].get(f"/groepen/{slug}/bericht/{post.id}/versies")
    assert "Eerste tekst." in history.get_data(as_text=True)
    page = clients["bob"].get(f"/groepen/{slug}/onderwerp/{topic_id}").get_data(as_text=True)
    assert "Tweede tekst." in page and "Eerste tekst." not in page and "bewerkt" in page


def test_a_delete_is_soft_and_a_begeleider_restores_it(app: Flask, setup) -> None:
    slug, clients, _users = setup
    topic_id = topic_id_from(start_topic(clients["ann"], slug, "Weg ermee", "Oeps, te veel."))
    post = _posts(app, topic_id)[0]
    page = f"/groepen/{slug}/onderwerp/{topic_id}"
    assert action(clients["bob"], f"/groepen/{slug}/bericht/{post.id}/verwijderen",
                  page).status_code == 403  # fmt: skip
    assert action(clients["ann"], f"/groepen/{slug}/bericht/{post.id}/verwijderen",
                  page).status_code == 303  # fmt: skip
    text = clients["bob"].get(page).get_data(as_text=True)
    assert "Dit bericht is verwijderd." in text and "Oeps, te veel." not in text
    assert _posts(app, topic_id)[0].deleted_at is not None  # still stored
    restore = f"/groepen/{slug}/bericht/{post.id}/moderatie/herstellen"
    assert action(clients["ann"], restore, page).status_code == 403
    assert action(clients["editor"], restore, page).status_code == 303
    assert "Oeps, te veel." in clients["bob"].get(page).get_data(as_text=True)


def test_topics_sort_by_activity_pinned_first_with_unread_markers(app: Flask, setup) -> None:
    slug, clients, _users = setup
    old = topic_id_from(start_topic(clients["ann"], slug, "Oude vraag", "Eerst."))
    new = topic_id_from(start_topic(clients["ann"], slug, "Verse vraag", "Daarna."))
    group_page = f"/groepen/{slug}"
    text = clients["bob"].get(group_page).get_data(as_text=True)
    assert text.index("Verse vraag") < text.index("Oude vraag")
    assert text.count(">nieuw</span>") == 2
    clients["bob"].get(f"/groepen/{slug}/onderwerp/{old}")
    text = clients["bob"].get(group_page).get_data(as_text=True)
    assert text.count(">nieuw</span>") == 1
    reply(clients["ann"], slug, old, "Een reactie maakt het oude weer actief.")
    text = clients["bob"].get(group_page).get_data(as_text=True)
    assert text.index("Oude vraag") < text.index("Verse vraag")
    assert text.count(">nieuw</span>") == 2  # the reply is new for Bob
    pin = f"/groepen/{slug}/onderwerp/{new}/moderatie/vastzetten"
    assert action(clients["ann"], pin, group_page).status_code == 403
    assert action(clients["editor"], pin, group_page).status_code == 303
    text = clients["bob"].get(group_page).get_data(as_text=True)
    assert text.index("Verse vraag") < text.index("Oude vraag")


def test_a_locked_topic_takes_no_replies(app: Flask, setup) -> None:
    slug, clients, _users = setup
    topic_id = topic_id_from(start_topic(clients["ann"], slug, "Klaar", "Afgerond."))
    page = f"/groepen/{slug}/onderwerp/{topic_id}"
    action(clients["editor"], f"{page}/moderatie/sluiten", page)
    form = form_token(clients["bob"], page)
    response = clients["bob"].post(page, data={**form, "body": "Toch nog iets."})
    assert response.status_code == 403 and "gesloten" in response.get_data(as_text=True)
    assert len(_posts(app, topic_id)) == 1


def test_the_same_form_sent_twice_stores_one_post(app: Flask, setup) -> None:
    slug, clients, _users = setup
    topic_id = topic_id_from(start_topic(clients["ann"], slug, "Dubbel", "Eén keer."))
    page = f"/groepen/{slug}/onderwerp/{topic_id}"
    form = form_token(clients["bob"], page)
    first = clients["bob"].post(page, data={**form, "body": "Dubbelklik."})
    second = clients["bob"].post(page, data={**form, "body": "Dubbelklik."})
    assert first.status_code == second.status_code == 303
    assert first.location == second.location
    assert [p.body for p in _posts(app, topic_id)] == ["Eén keer.", "Dubbelklik."]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_input_in_a_post_stays_inert(app: Flask, setup, payload: str) -> None:
    slug, clients, _users = setup
    response = start_topic(clients["ann"], slug, f"Titel {payload}", f"Tekst {payload}")
    assert response.status_code == 303
    topic_id = topic_id_from(response)
    reply(clients["bob"], slug, topic_id, f"Reactie {payload}",
          quote_of=str(_posts(app, topic_id)[0].id))  # fmt: skip
    for url in (
        f"/groepen/{slug}",
        response.location,
        f"/groepen/{slug}/onderwerp/{topic_id}?citeer={_posts(app, topic_id)[0].id}",
    ):
        page = clients["editor"].get(url)
        assert page.status_code == 200
        assert_inert(page.get_data(as_text=True), url)
    assert _posts(app, topic_id)[0].body == f"Tekst {payload}"  # stored verbatim


def test_a_new_members_first_post_waits_for_a_begeleider(tmp_path) -> None:
    app = make_app(tmp_path, GROUP_FIRST_POST_REVIEW_HOURS=24)
    editor, newcomer, other = make_user(app, "editor"), make_user(app), make_user(app)
    slug = make_group(app, editor, "open")
    add_member(app, slug, newcomer)
    add_member(app, slug, other)
    new_client, other_client, guide = app.test_client(), app.test_client(), app.test_client()
    login(new_client, newcomer.email)
    login(other_client, other.email)
    login(guide, editor.email)
    response = start_topic(new_client, slug, "Mijn eerste vraag", "Hallo allemaal.")
    topic_id = topic_id_from(response)
    assert "wacht op goedkeuring" in new_client.get(response.location).get_data(as_text=True)
    assert "Mijn eerste vraag" not in other_client.get(f"/groepen/{slug}").get_data(as_text=True)
    assert other_client.get(f"/groepen/{slug}/onderwerp/{topic_id}").status_code == 404
    moderation = guide.get(f"/groepen/{slug}/moderatie").get_data(as_text=True)
    assert "Hallo allemaal." in moderation
    post = _posts(app, topic_id)[0]
    approve = f"/groepen/{slug}/bericht/{post.id}/moderatie/goedkeuren"
    assert action(guide, approve, f"/groepen/{slug}/moderatie").status_code == 303
    assert "Mijn eerste vraag" in other_client.get(f"/groepen/{slug}").get_data(as_text=True)
    # Once one post is approved, the next ones go straight in.
    reply(new_client, slug, topic_id, "Tweede bericht.")
    assert not _posts(app, topic_id)[1].pending_review


def test_posting_is_rate_limited_per_member(tmp_path) -> None:
    app = make_app(tmp_path, GROUP_FIRST_POST_REVIEW_HOURS=0, GROUP_POSTS_PER_WINDOW=2)
    editor, member = make_user(app, "editor"), make_user(app)
    slug = make_group(app, editor, "open")
    add_member(app, slug, member)
    client = app.test_client()
    login(client, member.email)
    topic_id = topic_id_from(start_topic(client, slug, "Veel", "Een."))
    assert reply(client, slug, topic_id, "Twee.").status_code == 303
    response = reply(client, slug, topic_id, "Drie blijft in het formulier.")
    assert response.status_code == 429
    text = response.get_data(as_text=True)
    assert "kort na elkaar" in text and "Drie blijft in het formulier." in text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(groups.Post)) == 2
        assert db.session.get(User, member.id) is not None


PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def test_photos_may_go_with_a_post_but_only_real_ones(app: Flask, setup) -> None:
    slug, clients, _users = setup
    response = start_topic(clients["ann"], slug, "Foto's van de dag", "Zie de foto's.",
                           attachments=[(io.BytesIO(PNG_BYTES), "klas.png"),
                                        (io.BytesIO(JPEG_BYTES), "plein.jpeg")])  # fmt: skip
    assert response.status_code == 303
    with app.app_context():
        stored = db.session.execute(
            select(groups.PostAttachment.filename, groups.PostAttachment.content_type)
            .order_by(groups.PostAttachment.id)
        ).all()  # fmt: skip
    assert stored == [("klas.png", "image/png"), ("plein.jpeg", "image/jpeg")]
    # A PDF named .png, or an executable named .jpg, is refused.
    for data, name in ((PDF_BYTES, "stiekem.png"), (b"MZ\x90\x00", "virus.jpg")):
        response = start_topic(clients["ann"], slug, "Nep", "Tekst.",
                               attachments=(io.BytesIO(data), name))  # fmt: skip
        assert response.status_code == 400
        assert "alleen PDF-, DOCX-, ODT-, PNG- en JPEG-bestanden" in response.get_data(as_text=True)


def _statements(app: Flask, client, url: str) -> int:
    from tests.test_page_queries import statements

    assert client.get(url).status_code == 200  # warm the per-process caches
    with statements(app) as seen:
        assert client.get(url).status_code == 200
    return len(seen)


def test_the_topic_and_group_pages_do_not_grow_queries_with_posts(app: Flask, setup) -> None:
    slug, clients, _users = setup
    topic_id = topic_id_from(start_topic(clients["ann"], slug, "Veel berichten", "Een."))
    page, group_page = f"/groepen/{slug}/onderwerp/{topic_id}", f"/groepen/{slug}"
    reply(clients["bob"], slug, topic_id, "Twee, met [OKé](oke-op-school-test.md).",
          attachments=(io.BytesIO(PDF_BYTES), "een.pdf"))  # fmt: skip
    few = _statements(app, clients["editor"], page), _statements(app, clients["editor"], group_page)
    for n in range(6):
        text = f"Nog een, [OKé](oke-op-school-test.md) {n}"
        reply(clients["ann" if n % 2 else "bob"], slug, topic_id, text,
              attachments=(io.BytesIO(PDF_BYTES), f"bijlage-{n}.pdf"))  # fmt: skip
        start_topic(clients["bob"], slug, f"Onderwerp {n}", "Tekst.")
    many = (
        _statements(app, clients["editor"], page),
        _statements(app, clients["editor"], group_page),
    )
    assert many == few

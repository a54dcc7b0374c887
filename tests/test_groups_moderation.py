"""Moderation: "Meld dit bericht", the begeleider's reports, hide and restore, and the record of
every step (who, when)."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from kb import groups
from kb.models import db
from tests.support.accounts import csrf, login, make_user
from tests.support.app import make_app
from tests.support.groups import action, add_member, make_group, start_topic, topic_id_from


@pytest.fixture
def app(tmp_path) -> Flask:
    return make_app(tmp_path, GROUP_FIRST_POST_REVIEW_HOURS=0)


def _report(client, url: str, reason: str):
    return client.post(url, data={"csrf_token": csrf(client, url), "reason": reason})


def test_report_hide_restore_and_the_record(app: Flask) -> None:
    guide = make_user(app, name="Gerda Begeleider")
    author, reporter = make_user(app, name="Aart Auteur"), make_user(app, name="Rita Melder")
    editor = make_user(app, "editor")
    slug = make_group(app, editor, "open")
    add_member(app, slug, guide, role="facilitator")
    add_member(app, slug, author)
    add_member(app, slug, reporter)
    clients = {}
    for name, user in (("guide", guide), ("author", author), ("reporter", reporter)):
        clients[name] = app.test_client()
        login(clients[name], user.email)

    topic_id = topic_id_from(start_topic(clients["author"], slug, "Ruzie", "Een grof bericht."))
    with app.app_context():
        post_id = db.session.scalar(select(groups.Post.id))
    page = f"/groepen/{slug}/onderwerp/{topic_id}"
    report = f"/groepen/{slug}/bericht/{post_id}/melden"
    assert "Meld dit bericht" in clients["reporter"].get(page).get_data(as_text=True)
    response = _report(clients["reporter"], report, "")  # an empty reason: a Dutch message
    assert response.status_code == 200 and "Schrijf waarom" in response.get_data(as_text=True)
    assert _report(clients["reporter"], report, "Beledigend.").status_code == 303

    # Only begeleiders see the reports.
    moderation = f"/groepen/{slug}/moderatie"
    assert clients["author"].get(moderation).status_code == 403
    text = clients["guide"].get(moderation).get_data(as_text=True)
    assert "Beledigend." in text and "Rita Melder" in text and "Een grof bericht." in text

    hide = f"/groepen/{slug}/bericht/{post_id}/moderatie/verbergen"
    assert action(clients["author"], hide, page).status_code == 403
    assert action(clients["guide"], hide, page, note="Tegen de huisregels").status_code == 303
    text = clients["reporter"].get(page).get_data(as_text=True)
    assert "verborgen door een begeleider" in text and "Een grof bericht." not in text
    assert "Geen open meldingen." in clients["guide"].get(moderation).get_data(as_text=True)
    assert "Een grof bericht." in clients["guide"].get(page).get_data(as_text=True)

    restore = f"/groepen/{slug}/bericht/{post_id}/moderatie/terugzetten"
    assert action(clients["guide"], restore, page).status_code == 303
    assert "Een grof bericht." in clients["reporter"].get(page).get_data(as_text=True)

    with app.app_context():
        log = (
            db.session.execute(
                select(groups.ModerationAction)
                .where(groups.ModerationAction.post_id == post_id)
                .order_by(groups.ModerationAction.id)
            )
            .scalars()
            .all()
        )
        assert [(row.action, row.actor_id) for row in log] == [
            ("hide", guide.id), ("restore", guide.id)
        ]  # fmt: skip
        assert log[0].note == "Tegen de huisregels" and log[0].created_at is not None
        assert db.session.scalar(select(groups.PostReport)).resolved_by_id == guide.id
    text = clients["guide"].get(moderation).get_data(as_text=True)
    assert "Bericht verborgen" in text and "Gerda Begeleider" in text


def test_a_report_can_be_settled_without_action(app: Flask) -> None:
    editor, member = make_user(app, "editor"), make_user(app)
    slug = make_group(app, editor, "open")
    add_member(app, slug, member)
    client, guide = app.test_client(), app.test_client()
    login(client, member.email)
    login(guide, editor.email)
    topic_id = topic_id_from(start_topic(guide, slug, "Mededeling", "Niets mis mee."))
    with app.app_context():
        post_id = db.session.scalar(select(groups.Post.id))
    _report(client, f"/groepen/{slug}/bericht/{post_id}/melden", "Twijfel.")
    page = f"/groepen/{slug}/moderatie"
    action(guide, f"/groepen/{slug}/bericht/{post_id}/moderatie/afhandelen", page)
    assert "Geen open meldingen." in guide.get(page).get_data(as_text=True)
    topic = client.get(f"/groepen/{slug}/onderwerp/{topic_id}").get_data(as_text=True)
    assert "Niets mis mee." in topic

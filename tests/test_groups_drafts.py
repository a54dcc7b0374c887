"""From discussion to knowledge: a begeleider turns a topic or reply into a draft practice
example in the editors' queue, with the author's consent recorded and the discussion cited."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from kb import groups
from kb.models import Submission, db
from tests.support.accounts import csrf, login, make_user
from tests.support.app import make_app
from tests.support.groups import add_member, make_group, reply, start_topic, topic_id_from


@pytest.fixture
def app(tmp_path) -> Flask:
    return make_app(tmp_path, GROUP_FIRST_POST_REVIEW_HOURS=0, BASE_URL="http://kennisbank.test")


def test_a_topic_and_a_reply_become_drafts_in_the_review_queue(app: Flask) -> None:
    editor = make_user(app, "editor", name="Els Begeleider")
    author = make_user(app, name="Anna Auteur", organisation="Gemeente Utrecht")
    slug = make_group(app, editor, "open", "CoP Thuiszitters", kind="cop")
    add_member(app, slug, author)
    writer, guide = app.test_client(), app.test_client()
    login(writer, author.email)
    login(guide, editor.email)
    body = "Wij werken met een **vaste** contactpersoon."
    topic_id = topic_id_from(start_topic(writer, slug, "Onze aanpak voor thuiszitters", body))
    reply(writer, slug, topic_id, "Aanvulling: ook de leerplicht zit aan tafel.")
    with app.app_context():
        first, second = db.session.scalars(select(groups.Post.id).order_by(groups.Post.id)).all()

    url = f"/groepen/{slug}/bericht/{first}/praktijkvoorbeeld"
    assert writer.get(url).status_code == 403  # only a begeleider
    page = guide.get(url).get_data(as_text=True)
    assert "Uit de discussie ‘Onze aanpak voor thuiszitters’" in page
    # Without the author's consent nothing is sent.
    response = guide.post(url, data={"csrf_token": csrf(guide, url)})
    assert response.status_code == 200 and "toestemming" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Submission)) is None
    response = guide.post(url, data={"csrf_token": csrf(guide, url), "consent": "y"})
    assert response.status_code == 303
    # The same post twice stays one draft.
    response = guide.post(url, data={"csrf_token": csrf(guide, url), "consent": "y"})
    assert "al als praktijkvoorbeeld ingediend" in response.get_data(as_text=True)
    reply_url = f"/groepen/{slug}/bericht/{second}/praktijkvoorbeeld"
    assert guide.post(reply_url, data={"csrf_token": csrf(guide, reply_url),
                                       "consent": "y"}).status_code == 303  # fmt: skip

    with app.app_context():
        drafts = db.session.scalars(select(Submission).order_by(Submission.id)).all()
        assert [d.status for d in drafts] == ["submitted", "submitted"]
        draft = drafts[0]
        assert draft.title == "Onze aanpak voor thuiszitters"
        assert drafts[1].title == "Onze aanpak voor thuiszitters (reactie van Anna Auteur)"
        assert draft.submitter_id == author.id and draft.consent
        assert draft.contact_name == "Anna Auteur" and draft.organisation == "Gemeente Utrecht"
        assert "CoP Thuiszitters" in draft.background and "Anna Auteur" in draft.background
        assert f"/groepen/{slug}/onderwerp/{topic_id}#bericht-{first}" in draft.background
        assert "**vaste** contactpersoon" in draft.approach
        record = db.session.scalar(
            select(groups.ModerationAction).where(groups.ModerationAction.action == "draft")
        )
        assert record.actor_id == editor.id and record.user_id == author.id
        assert f"Inzending {draft.id}" in record.note and "toestemming" in record.note
    queue = guide.get("/redactie/").get_data(as_text=True)
    assert "Onze aanpak voor thuiszitters" in queue

"""Follows, saved searches, /mijn-kennisbank, `kb send-digests`, unsubscribe and the newsletter.

Mail goes to a real SMTP server on loopback; time moves by passing `now` to send_digests.
"""

from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kb import follows, publishing
from kb.models import Article, Follow, Subscriber, User, db, utcnow
from tests.support.accounts import csrf, login, make_user
from tests.support.mail import Mailbox

WEEK_LATER = timedelta(days=8)


@pytest.fixture
def member(mail_app: Flask) -> User:
    return make_user(mail_app, email_address="lid@gemeente.nl")


def _client(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    assert login(client, user.email).status_code == 302
    return client


def _follow(client: FlaskClient, kind: str, target: str, frequency: str = "weekly"):
    token = csrf(client, "/mijn-kennisbank")
    return client.post("/volgen", data={"csrf_token": token, "kind": kind, "target": target,
                                        "frequency": frequency})  # fmt: skip


def _touch(app: Flask, slug: str, title: str) -> None:
    """Edit an article online (a real change: new revision, new updated_at)."""
    with app.app_context():
        article = db.session.scalar(db.select(Article).where(Article.slug == slug))
        state = publishing.article_state(article) | {"title": title}
        assert publishing.edit_article(article, state, author=None, note="test")


def _send(app: Flask, later: timedelta = WEEK_LATER) -> follows.DigestReport:
    with app.app_context():
        return follows.send_digests(now=utcnow() + later)


def _text(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def test_a_member_follows_a_theme_and_sees_what_is_new(mail_app: Flask, member: User) -> None:
    client = _client(mail_app, member)
    response = _follow(client, "theme", "preventief-jeugdbeleid")
    assert response.status_code == 303
    assert urlsplit(response.location).path == "/thema/preventief-jeugdbeleid"
    page = client.get("/mijn-kennisbank").get_data(as_text=True)
    assert "Positief en preventief jeugdbeleid" in page and "Niets nieuws" in page
    _touch(mail_app, "oke-op-school-test", "OK op school, bijgewerkt")
    page = client.get("/mijn-kennisbank").get_data(as_text=True)
    assert "1 nieuw of gewijzigd" in page and "OK op school, bijgewerkt" in page
    again = client.get("/mijn-kennisbank").get_data(as_text=True)
    assert "Niets nieuws" in again  # seen now


def test_following_twice_keeps_one_follow_and_unknown_targets_are_refused(
    mail_app: Flask, member: User
) -> None:
    client = _client(mail_app, member)
    _follow(client, "region", "almere")
    _follow(client, "region", "almere", "daily")
    assert _follow(client, "region", "atlantis").status_code == 404
    assert _follow(client, "search", "q=x").status_code == 404  # searches go through the form
    with mail_app.app_context():
        rows = db.session.scalars(db.select(Follow)).all()
        assert [(f.kind, f.target, f.frequency) for f in rows] == [("region", "almere", "daily")]


def test_anonymous_visitors_are_sent_to_login(client: FlaskClient) -> None:
    assert client.get("/mijn-kennisbank").status_code == 302
    token = csrf(client, "/inloggen")
    response = client.post("/volgen", data={"csrf_token": token, "kind": "theme",
                                            "target": "preventief-jeugdbeleid"})  # fmt: skip
    assert response.status_code == 302 and "/inloggen" in response.location


def test_a_follow_without_csrf_is_refused(mail_app: Flask, member: User) -> None:
    client = _client(mail_app, member)
    response = client.post("/volgen", data={"kind": "theme", "target": "preventief-jeugdbeleid"})
    assert response.status_code == 400


def test_saving_a_search_needs_a_name_and_keeps_the_search(mail_app: Flask, member: User) -> None:
    client = _client(mail_app, member)
    token = csrf(client, "/mijn-kennisbank")
    query = "q=school&theme=preventief-jeugdbeleid"
    refused = client.post(
        "/zoekopdracht-bewaren",
        data={"csrf_token": token, "query": query, "name": "  ", "frequency": "weekly"},
    )
    assert refused.status_code == 303 and "/zoeken?q=school" in refused.location
    saved = client.post("/zoekopdracht-bewaren", data={"csrf_token": token, "query": query,
                                                       "name": "School en preventie",
                                                       "frequency": "daily"})  # fmt: skip
    assert saved.status_code == 303
    with mail_app.app_context():
        row = db.session.scalar(db.select(Follow))
        assert (row.kind, row.name, row.frequency) == ("search", "School en preventie", "daily")
        assert row.target == "q=school&theme=preventief-jeugdbeleid"
    page = client.get("/mijn-kennisbank").get_data(as_text=True)
    assert "School en preventie" in page


def test_nobody_can_change_someone_elses_follow(mail_app: Flask, member: User) -> None:
    owner = _client(mail_app, member)
    _follow(owner, "theme", "preventief-jeugdbeleid")
    other = _client(mail_app, make_user(mail_app, email_address="ander@gemeente.nl"))
    with mail_app.app_context():
        follow_id = db.session.scalar(db.select(Follow.id))
    token = csrf(other, "/mijn-kennisbank")
    assert other.post(f"/mijn-kennisbank/{follow_id}/verwijderen",
                      data={"csrf_token": token}).status_code == 404  # fmt: skip
    assert (
        other.post(
            f"/mijn-kennisbank/{follow_id}/e-mail", data={"csrf_token": token, "frequency": "never"}
        ).status_code
        == 404
    )
    with mail_app.app_context():
        assert db.session.get(Follow, follow_id).frequency == "weekly"


def test_send_digests_twice_sends_one_mail_with_the_right_items(
    mail_app: Flask, member: User, mailbox: Mailbox
) -> None:
    client = _client(mail_app, member)
    _follow(client, "theme", "preventief-jeugdbeleid")  # oke-op-school-test has it
    _follow(client, "region", "landelijk")  # oogo-test
    token = csrf(client, "/mijn-kennisbank")
    client.post(
        "/zoekopdracht-bewaren",
        data={
            "csrf_token": token,
            "query": "q=OOGO",
            "name": "Alles over OOGO",
            "frequency": "weekly",
        },
    )
    _touch(mail_app, "oke-op-school-test", "OK op school, nieuwe stand")
    _touch(mail_app, "oogo-test", "OOGO, nieuwe stand")
    assert _send(mail_app).sent == 1
    assert _send(mail_app).sent == 0  # run twice, send once
    mails = mailbox.to(member.email)
    assert len(mails) == 1
    text = _text(mails[0])
    assert "OK op school, nieuwe stand" in text and "OOGO, nieuwe stand" in text
    assert "Alles over OOGO" in text  # the saved search is a group of its own
    assert "regioportret" not in text.lower()  # unchanged articles are not listed
    assert mails[0].get_body(("html",)) is not None
    unsubscribe = mails[0]["List-Unsubscribe"].strip("<>")
    assert mails[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in text
    # one click, as a mail client does it (RFC 8058): a POST without session or CSRF token
    anonymous = mail_app.test_client()
    assert anonymous.get(urlsplit(unsubscribe).path).status_code == 200  # GET only asks
    with mail_app.app_context():
        assert {f.frequency for f in db.session.scalars(db.select(Follow))} == {"weekly"}
    assert anonymous.post(urlsplit(unsubscribe).path).status_code == 200
    with mail_app.app_context():
        assert {f.frequency for f in db.session.scalars(db.select(Follow))} == {"never"}
    _touch(mail_app, "oogo-test", "OOGO, nog een keer")
    assert _send(mail_app, WEEK_LATER * 3).sent == 0


def test_nothing_new_sends_nothing(mail_app: Flask, member: User, mailbox: Mailbox) -> None:
    _follow(_client(mail_app, member), "theme", "preventief-jeugdbeleid")
    report = _send(mail_app)
    assert (report.sent, report.empty) == (0, 1)
    assert mailbox.to(member.email) == []


def test_a_daily_follow_is_not_mailed_before_its_day(
    mail_app: Flask, member: User, mailbox: Mailbox
) -> None:
    _follow(_client(mail_app, member), "theme", "preventief-jeugdbeleid", "daily")
    _touch(mail_app, "oke-op-school-test", "Vandaag gewijzigd")
    assert _send(mail_app, timedelta(hours=2)).sent == 0
    assert _send(mail_app, timedelta(days=1, hours=1)).sent == 1


def test_two_runs_at_once_send_each_digest_once(
    mail_app: Flask, member: User, mailbox: Mailbox
) -> None:
    _follow(_client(mail_app, member), "theme", "preventief-jeugdbeleid")
    _touch(mail_app, "oke-op-school-test", "Gelijktijdig gewijzigd")
    start = threading.Barrier(2)
    reports: list[follows.DigestReport] = []

    def run() -> None:
        with mail_app.app_context():
            start.wait()
            reports.append(follows.send_digests(now=utcnow() + WEEK_LATER))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.sent for r in reports) == [0, 1]
    assert len(mailbox.to(member.email)) == 1


def test_a_forged_unsubscribe_link_does_nothing(client: FlaskClient) -> None:
    assert client.post("/afmelden/niet-ondertekend").status_code == 404


def test_newsletter_double_opt_in(mail_app: Flask, mailbox: Mailbox) -> None:
    client = mail_app.test_client()
    token = csrf(client, "/nieuwsbrief")
    response = client.post("/nieuwsbrief", data={"csrf_token": token,
                                                 "email": "Bezoeker@School.nl"})  # fmt: skip
    assert response.status_code == 200 and "Kijk in uw mailbox" in response.get_data(as_text=True)
    confirm_mail = mailbox.wait_for(lambda m: "bezoeker@school.nl" in m["X-Envelope-To"])
    _touch(mail_app, "oogo-test", "OOGO, voor de nieuwsbrief")
    assert _send(mail_app).sent == 0  # nothing before confirmation
    link = re.search(r"https?://\S+/nieuwsbrief/bevestigen/\S+", _text(confirm_mail)).group(0)
    path = urlsplit(link).path
    page = client.get(path)
    assert page.status_code == 200
    with mail_app.app_context():
        assert db.session.scalar(db.select(Subscriber)).confirmed_at is None  # GET only asks
    confirmed = client.post(path, data={"csrf_token": csrf(client, path)})
    assert confirmed.status_code == 200
    _touch(mail_app, "oogo-test", "OOGO, na de bevestiging")
    assert _send(mail_app).sent == 1
    newsletter = mailbox.to("bezoeker@school.nl")[-1]
    assert "OOGO, na de bevestiging" in _text(newsletter)
    assert client.post(path, data={"csrf_token": csrf(client, path)}).status_code == 404  # used
    anonymous = mail_app.test_client()
    anonymous.post(urlsplit(newsletter["List-Unsubscribe"].strip("<>")).path)
    with mail_app.app_context():
        assert db.session.scalar(db.select(Subscriber)) is None  # the address is forgotten


def test_newsletter_answers_the_same_for_known_and_unknown_addresses(
    mail_app: Flask, mailbox: Mailbox
) -> None:
    with mail_app.app_context():
        db.session.add(Subscriber(email="al@school.nl", confirmed_at=utcnow()))
        db.session.commit()
    client = mail_app.test_client()
    answers = []
    for address in ("al@school.nl", "nieuw@school.nl"):
        token = csrf(client, "/nieuwsbrief")
        page = client.post("/nieuwsbrief", data={"csrf_token": token, "email": address})
        answers.append(page.get_data(as_text=True).replace(address, "ADRES"))
    assert answers[0] == answers[1]
    assert mailbox.to("al@school.nl") == []


def test_newsletter_form_keeps_what_was_typed_on_error(client: FlaskClient) -> None:
    token = csrf(client, "/nieuwsbrief")
    page = client.post("/nieuwsbrief", data={"csrf_token": token, "email": "geen-adres"})
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert 'value="geen-adres"' in html and "Vul een geldig e-mailadres in" in html


def test_a_followed_cop_reports_new_articles_on_its_themes(content_app: Flask) -> None:
    user = make_user(content_app, email_address="cop-volger@gemeente.nl")
    client = _client(content_app, user)
    response = _follow(client, "cop", "cop-monitoring")
    assert response.status_code == 303 and response.location.endswith("/artikel/cop-monitoring")
    with content_app.app_context():
        row = db.session.scalar(db.select(Follow).where(Follow.user_id == user.id))
        assert follows.store.changed_since(row, utcnow()) == []  # nothing changed since now
        theirs = follows.store.changed_since(row, datetime(2000, 1, 1))
        cop = db.session.scalar(db.select(Article).where(Article.slug == "cop-monitoring"))
        themes = {t.slug for t in cop.themes}
        assert theirs and all(themes & {t.slug for t in a.themes} for a in theirs)
        db.session.delete(row)
        db.session.commit()

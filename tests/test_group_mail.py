"""Group mail: every post, @mentions, the daily summary in `kb send-digests`, unsubscribe.

Mail goes to a real SMTP server on loopback; a mail server that is down is a real closed port.
Time moves by passing `now` to send_group_digests.
"""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import delete, func, select

from kb import groups
from kb.follows import DigestReport
from kb.groups.mentions import resolve
from kb.models import User, db, utcnow
from tests.support.accounts import csrf, login, make_user
from tests.support.app import build_app, load_content
from tests.support.group_world import (
    GROUP_CONFIG,
    add_member,
    make_group,
    reply,
    set_member,
    start_topic,
)
from tests.support.mail import Mailbox, mail_config
from tests.support.server import free_port

DAY_LATER = timedelta(days=1, minutes=5)


@pytest.fixture
def app(tmp_path: Path, content_dir: Path, mailbox: Mailbox) -> Flask:
    application = build_app(tmp_path, content_dir, **GROUP_CONFIG, **mail_config(mailbox))
    load_content(application)
    return application


@pytest.fixture
def people(app: Flask) -> dict:
    return {
        "bea": make_user(app, email_address="bea@groep.test", name="Bea Begeleider"),
        "each": make_user(app, email_address="elk@groep.test", name="Eline Elk"),
        "daily": make_user(app, email_address="dag@groep.test", name="Daan Dag"),
        "none": make_user(app, email_address="niets@groep.test", name="Nina Niets"),
        "out": make_user(app, email_address="buiten@groep.test", name="Nina Buiten"),
    }


@pytest.fixture
def closed(app: Flask, people: dict) -> int:
    group_id = make_group(app, "closed", people["bea"], "Geheime CoP")
    set_member(app, group_id, people["bea"], notify="none")
    for key in ("each", "daily", "none"):
        add_member(app, group_id, people[key], notify=key)
    return group_id


def _text(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def _digests(app: Flask, later: timedelta = DAY_LATER) -> DigestReport:
    with app.app_context():
        return groups.send_group_digests(now=utcnow() + later)


def _everything(mailbox: Mailbox) -> str:
    return "\n".join(m.as_string() for m in mailbox.messages)


def test_each_post_mails_the_every_post_members_only(app: Flask, people: dict, closed: int,
                                                    mailbox: Mailbox) -> None:  # fmt: skip
    start_topic(app, closed, people["bea"], "Planning", "Het rooster voor zuurstokroze.")
    mail = mailbox.wait_for(lambda m: "elk@groep.test" in m["X-Envelope-To"])
    assert "zuurstokroze" in _text(mail) and "Geheime CoP" in mail["Subject"]
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail.get_body(("html",)) is None  # untrusted Markdown travels as plain text only
    for other in ("bea@groep.test", "dag@groep.test", "niets@groep.test", "buiten@groep.test"):
        assert mailbox.to(other) == []  # the author, daily, none and outsiders: nothing now


def test_a_mention_always_notifies_members_and_never_outsiders(
    app: Flask, people: dict, closed: int, mailbox: Mailbox
) -> None:
    topic_id, _ = start_topic(app, closed, people["each"], "Vraag", "Wie weet het?")
    reply(app, topic_id, people["bea"],
          "Vraag het @nina.niets of @Nina Buiten, niet `@Daan Dag` — lavendelgroen")  # fmt: skip
    mail = mailbox.wait_for(lambda m: "niets@groep.test" in m["X-Envelope-To"])
    assert "noemde u" in mail["Subject"] and "lavendelgroen" in _text(mail)
    assert "buiten@groep.test" not in _everything(mailbox)  # not a member: not mentionable
    assert mailbox.to("dag@groep.test") == []  # code is not a mention
    with app.app_context():
        mentioned = set(db.session.scalars(select(groups.Mention.user_id)))
        assert mentioned == {people["none"].id}
        assert db.session.scalar(select(groups.Mention.notified_at)) is not None


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ("@Jet de Vries kijk", {1}),
        ("@jet.de.vries", {1}),
        ("@JetdeVries,", {1}),
        ("@Jet", set()),  # two members are called Jet
        ("@ahmed", {3}),  # unique first name, accents folded
        ("@Ahmed-Ozturk", {3}),
        ("mail jan@ahmed.nl", set()),  # an address is no mention
        ("> @Ahmed zei dit", set()),  # quoted
        ("```\n@Ahmed\n```", set()),  # code
        ("@Ahmedje", set()),
    ],
)
def test_how_mentions_resolve(body: str, named: set[int]) -> None:
    members = [(1, "Jet de Vries"), (2, "Jet Jansen"), (3, "Ahmed Öztürk")]
    assert resolve(body, members) == named


def test_a_mail_server_that_is_down_loses_no_post_and_send_digests_sends_later(
    tmp_path: Path, content_dir: Path, mailbox: Mailbox
) -> None:
    app = build_app(tmp_path, content_dir, **GROUP_CONFIG, **mail_config(mailbox))
    load_content(app)
    bea = make_user(app, email_address="bea@groep.test", name="Bea")
    each = make_user(app, email_address="elk@groep.test", name="Eline")
    gone = make_user(app, email_address="weg@groep.test", name="Willem Weg")
    group_id = make_group(app, "closed", bea)
    add_member(app, group_id, each, notify="each")
    add_member(app, group_id, gone, notify="each")
    working_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()  # nothing listens there: every send fails
    topic_id, post_id = start_topic(app, group_id, bea, "Onderwerp", "Inhoud koraalrood.")
    with app.app_context():
        assert db.session.get(groups.Post, post_id) is not None  # the post is kept
        owed = db.session.scalars(select(groups.GroupNotice)).all()
        assert {n.user_id for n in owed if n.done_at is None} == {each.id, gone.id}
    set_member(app, group_id, gone, state="removed")  # removed members stop getting mail at once
    app.config["MAIL_PORT"] = working_port
    report = _digests(app, timedelta(minutes=1))
    assert report.sent == 1
    assert "koraalrood" in _text(mailbox.to("elk@groep.test")[0])
    assert mailbox.to("weg@groep.test") == []
    assert _digests(app, timedelta(minutes=2)).sent == 0  # sent once


def test_a_post_whose_worker_died_before_fanning_out_is_mailed_by_send_digests(
    app: Flask, people: dict, closed: int, mailbox: Mailbox
) -> None:
    _, post_id = start_topic(app, closed, people["bea"], "Eerste", "Tekst.")
    mailbox.wait_for(lambda m: "elk@groep.test" in m["X-Envelope-To"])
    mailbox.messages.clear()
    with app.app_context():  # as if the worker died right after the post's commit
        db.session.execute(delete(groups.GroupNotice))
        db.session.execute(delete(groups.GroupFanout))
        db.session.commit()
    assert _digests(app, timedelta(seconds=30)).sent == 0  # too fresh: its own worker may be busy
    report = _digests(app, timedelta(minutes=5))
    assert report.sent == 1 and mailbox.to("elk@groep.test")
    assert _digests(app, timedelta(minutes=6)).sent == 0


def test_the_daily_summary_lists_new_posts_once_and_only_to_members(
    app: Flask, people: dict, closed: int, mailbox: Mailbox
) -> None:
    topic_id, _ = start_topic(app, closed, people["bea"], "Dagelijks", "Over mintgroen.")
    reply(app, topic_id, people["each"], "En over oker.")
    start_topic(app, closed, people["daily"], "Eigen", "Mijn eigen bericht: karmijn.")
    mailbox.messages.clear()
    assert _digests(app, timedelta(hours=2)).sent == 0  # not before its day
    report = _digests(app)
    assert report.sent == 1
    [summary] = mailbox.to("dag@groep.test")
    text = _text(summary)
    assert "Geheime CoP" in text and "mintgroen" in text and "oker" in text
    assert "karmijn" not in text  # one's own posts are not news
    assert summary["List-Unsubscribe"]
    assert _digests(app).sent == 0  # run twice, send once
    assert "mintgroen" not in "".join(_text(m) for m in mailbox.to("buiten@groep.test"))
    assert mailbox.to("niets@groep.test") == []


def test_a_removed_member_gets_no_summary_of_the_closed_group(
    app: Flask, people: dict, closed: int, mailbox: Mailbox
) -> None:
    start_topic(app, closed, people["bea"], "Vertrouwelijk", "Staat in saffraangeel.")
    set_member(app, closed, people["daily"], state="removed")
    assert _digests(app).sent == 0
    assert mailbox.to("dag@groep.test") == []


def test_two_runs_at_once_send_each_summary_once(
    app: Flask, people: dict, closed: int, mailbox: Mailbox
) -> None:
    start_topic(app, closed, people["bea"], "Gelijktijdig", "Twee runs.")
    start = threading.Barrier(2)
    reports: list = []

    def run() -> None:
        with app.app_context():
            start.wait()
            reports.append(groups.send_group_digests(now=utcnow() + DAY_LATER))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(mailbox.to("dag@groep.test")) == 1


@pytest.mark.parametrize("kind", ["each", "daily", "mention"])
def test_one_click_unsubscribe_stops_that_mail(
    app: Flask, people: dict, closed: int, mailbox: Mailbox, kind: str
) -> None:
    address = {"each": "elk@groep.test", "daily": "dag@groep.test",
               "mention": "niets@groep.test"}[kind]  # fmt: skip
    topic_id, _ = start_topic(app, closed, people["bea"], "Eén", "Hallo @Nina Niets.")
    if kind == "daily":
        _digests(app)
    mail = mailbox.wait_for(lambda m: address in m["X-Envelope-To"])
    link = mail["List-Unsubscribe"].strip("<>")
    assert link in _text(mail)
    anonymous = app.test_client()
    assert anonymous.get(urlsplit(link).path).status_code == 200  # GET only asks
    done = anonymous.post(urlsplit(link).path)  # RFC 8058: no session, no CSRF token
    assert done.status_code == 200 and "pagina van een groep" in done.get_data(as_text=True)
    mailbox.messages.clear()
    reply(app, topic_id, people["bea"], "Nog eens @Nina Niets.")
    _digests(app, DAY_LATER * 2)
    assert mailbox.to(address) == []
    with app.app_context():
        if kind == "mention":
            assert db.session.get(groups.GroupMailPref, people["none"].id).mentions is False
        else:
            member = db.session.scalar(select(groups.GroupMember).where(
                groups.GroupMember.user_id == people[kind].id))  # fmt: skip
            assert member.notify == "none"


def test_kb_send_digests_runs_the_group_part(app: Flask, people: dict, closed: int,
                                             mailbox: Mailbox) -> None:  # fmt: skip
    start_topic(app, closed, people["bea"], "Cli", "Via de opdracht.")
    with app.app_context():
        state = groups.send_group_digests(now=utcnow())  # creates the summary states
        assert state.sent == 0
    result = app.test_cli_runner().invoke(args=["kb", "send-digests"])
    assert result.exit_code == 0, result.output
    assert "Verstuurd" in result.output


def test_a_member_chooses_the_mail_of_a_group_on_its_page(
    app: Flask, people: dict, closed: int, mailbox: Mailbox
) -> None:
    client = app.test_client()
    assert login(client, "dag@groep.test").status_code == 302
    with app.app_context():
        slug = db.session.get(groups.Group, closed).slug
    page = client.get(f"/groepen/{slug}").get_data(as_text=True)
    assert "E-mail uit deze groep" in page
    assert re.search(r'<input checked[^>]*value="daily"', page)  # the current choice
    token = csrf(client, f"/groepen/{slug}")
    response = client.post(f"/groepen/{slug}/e-mail", data={"csrf_token": token, "notify": "each"})
    assert response.status_code == 303
    assert (
        client.post(f"/groepen/{slug}/e-mail", data={"notify": "none"}).status_code == 400
    )  # CSRF
    start_topic(app, closed, people["bea"], "Nu per bericht", "Direct: turkoois.")
    assert "turkoois" in _text(mailbox.wait_for(lambda m: "dag@groep.test" in m["X-Envelope-To"]))


def test_a_report_mails_the_begeleiders_of_the_group(
    app: Flask, people: dict, closed: int, mailbox: Mailbox
) -> None:
    _, post_id = start_topic(app, closed, people["each"], "Gemeld", "Iets ongepasts.")
    with app.test_request_context("/"):
        post = db.session.get(groups.Post, post_id)
        groups.report(post, db.session.get(User, people["daily"].id), "Dit klopt niet: indigo.")
    mail = mailbox.wait_for(lambda m: "bea@groep.test" in m["X-Envelope-To"])
    assert "Melding in Geheime CoP" in mail["Subject"] and "indigo" in _text(mail)
    assert "buiten@groep.test" not in _everything(mailbox)


def test_a_large_group_gets_the_rest_of_its_post_mail_from_send_digests(
    tmp_path: Path, content_dir: Path, mailbox: Mailbox
) -> None:
    app = build_app(tmp_path, content_dir, GROUP_MAIL_INLINE_MAX=2, **GROUP_CONFIG,
                    **mail_config(mailbox))  # fmt: skip
    load_content(app)
    bea = make_user(app, email_address="bea@groep.test", name="Bea")
    group_id = make_group(app, "open", bea)
    for number in range(5):
        add_member(app, group_id, make_user(app, email_address=f"lid{number}@groep.test"), "each")
    start_topic(app, group_id, bea, "Voor iedereen", "Aan alle leden.")
    assert len(mailbox.messages) == 2  # the request sends a few, the rest is owed
    assert _digests(app, timedelta(minutes=1)).sent == 3
    assert sorted(m["X-Envelope-To"] for m in mailbox.messages) == [
        f"lid{n}@groep.test" for n in range(5)
    ]


def test_a_post_hidden_before_its_mail_went_out_is_not_mailed(
    app: Flask, people: dict, closed: int, mailbox: Mailbox
) -> None:
    working_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()  # the mail server is down when the post is made
    _, post_id = start_topic(app, closed, people["each"], "Verkeerd", "Per ongeluk: magenta.")
    with app.app_context():
        post = db.session.get(groups.Post, post_id)
        groups.hide(post, db.session.get(User, people["bea"].id), "niet voor de groep")
    app.config["MAIL_PORT"] = working_port
    _digests(app, timedelta(minutes=5))
    _digests(app)
    assert "magenta" not in _everything(mailbox)


def test_two_runs_fanning_out_one_post_at_once_mail_each_member_once(
    app: Flask, people: dict, closed: int, mailbox: Mailbox
) -> None:
    working_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()
    start_topic(app, closed, people["bea"], "Samen", "Twee runs, één mail: olijf.")
    with app.app_context():  # as if the worker died after the commit: nothing fanned out
        db.session.execute(delete(groups.GroupNotice))
        db.session.execute(delete(groups.GroupFanout))
        db.session.commit()
    app.config["MAIL_PORT"] = working_port
    start = threading.Barrier(2)

    def run() -> None:
        with app.app_context():
            start.wait()
            groups.send_group_digests(now=utcnow() + timedelta(minutes=5))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(mailbox.to("elk@groep.test")) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count(groups.GroupNotice.id))) == 1


def test_an_edit_that_adds_a_mention_notifies_once(
    app: Flask, people: dict, closed: int, mailbox: Mailbox
) -> None:
    _, post_id = start_topic(app, closed, people["bea"], "Bewerkt", "Eerste versie.")
    for body in ("Tweede versie, @Nina Niets: oranje.", "Derde versie, @Nina Niets: oranje!"):
        with app.test_request_context("/"):
            post = db.session.get(groups.Post, post_id)
            assert groups.edit_post(post, db.session.get(User, people["bea"].id), body)
    mails = mailbox.to("niets@groep.test")
    assert len(mails) == 1 and "oranje" in _text(mails[0])

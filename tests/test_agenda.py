"""News and agenda: editors plan, visitors sign up within capacity, calendars are valid."""

from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar

from kb import agenda
from kb.agenda.clock import LOCAL, now_local
from kb.models import Event, EventSignup, db
from tests.support.accounts import csrf, login, make_user
from tests.support.mail import Mailbox

COP = "cop-test"


def _event(app: Flask, **changes) -> int:
    start = (now_local() + timedelta(days=10)).replace(hour=13, minute=30, second=0,
                                                       microsecond=0)  # fmt: skip
    data = {
        "title": "CoP-bijeenkomst Monitoring",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2, minutes=30),
        "location": "Utrecht, Jaarbeurs",
        "description_md": "We bespreken de **monitor**.<script>alert(1)</script>",
    } | changes
    with app.app_context():
        return agenda.save_event(None, data).id


def _sign_up(client: FlaskClient, event_id: int, email: str, name: str = "Sanne de Vries"):
    url = f"/agenda/{event_id}"
    token = csrf(client, "/nieuwsbrief")  # any form: a full event shows none
    return client.post(
        url,
        data={"csrf_token": token, "name": name, "organisation": "Gemeente Almere", "email": email},
    )


def _editor(app: Flask) -> FlaskClient:
    client = app.test_client()
    login(client, make_user(app, role="editor").email)
    return client


def test_sign_up_confirms_on_screen_and_by_mail_with_a_calendar_link(
    mail_app: Flask, mailbox: Mailbox
) -> None:
    event_id = _event(mail_app)
    client = mail_app.test_client()
    response = _sign_up(client, event_id, "Sanne@Almere.nl")
    assert response.status_code == 303  # post/redirect/get: a reload does not sign up again
    page = client.get(response.location).get_data(as_text=True)
    assert "U bent aangemeld" in page
    message = mailbox.wait_for(lambda m: "sanne@almere.nl" in m["X-Envelope-To"])
    text = message.get_content()
    assert "CoP-bijeenkomst Monitoring" in text
    ics_link = re.search(r"https?://\S+\.ics", text).group(0)
    assert ics_link.endswith(f"/agenda/{event_id}.ics")
    with mail_app.app_context():
        assert db.session.get(Event, event_id).signup_count == 1


def test_the_description_is_sanitised(mail_app: Flask) -> None:
    html = mail_app.test_client().get(f"/agenda/{_event(mail_app)}").get_data(as_text=True)
    assert "<strong>monitor</strong>" in html and "<script>alert" not in html


def test_capacity_holds_and_a_refusal_keeps_what_was_typed(mail_app: Flask) -> None:
    event_id = _event(mail_app, capacity=2)
    client = mail_app.test_client()
    assert _sign_up(client, event_id, "a@school.nl").status_code == 303
    assert _sign_up(client, event_id, "b@school.nl").status_code == 303
    full = _sign_up(client, event_id, "c@school.nl", name="Derde Persoon")
    assert full.status_code == 409
    assert "De bijeenkomst is vol." in full.get_data(as_text=True)
    with mail_app.app_context():
        assert db.session.get(Event, event_id).signup_count == 2
    page = client.get(f"/agenda/{event_id}").get_data(as_text=True)
    assert "De bijeenkomst is vol." in page


def test_a_duplicate_address_is_refused_and_the_seat_kept(mail_app: Flask) -> None:
    event_id = _event(mail_app, capacity=5)
    client = mail_app.test_client()
    assert _sign_up(client, event_id, "a@school.nl").status_code == 303
    again = _sign_up(client, event_id, "A@School.nl", name="Nog Eens")
    assert again.status_code == 409
    html = again.get_data(as_text=True)
    assert "al aangemeld" in html and 'value="Nog Eens"' in html
    with mail_app.app_context():
        assert db.session.get(Event, event_id).signup_count == 1


def test_simultaneous_sign_ups_never_overbook(mail_app: Flask) -> None:
    event_id = _event(mail_app, capacity=3)
    start = threading.Barrier(8)
    outcomes: list[str] = []

    def attempt(n: int) -> None:
        with mail_app.app_context():
            event = db.session.get(Event, event_id)
            start.wait()
            try:
                agenda.sign_up(event, f"Persoon {n}", "School", f"p{n}@school.nl")
                outcomes.append("ok")
            except agenda.SignupRefused:
                outcomes.append("vol")

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 3
    with mail_app.app_context():
        assert db.session.get(Event, event_id).signup_count == 3
        assert db.session.query(EventSignup).count() == 3


def test_a_closed_sign_up_takes_no_one(mail_app: Flask) -> None:
    event_id = _event(mail_app, signup_closes_at=now_local() - timedelta(hours=1))
    client = mail_app.test_client()
    page = client.get(f"/agenda/{event_id}").get_data(as_text=True)
    assert "Aanmelden is gesloten." in page and 'name="email"' not in page
    token = csrf(client, "/nieuwsbrief")
    refused = client.post(
        f"/agenda/{event_id}",
        data={
            "csrf_token": token,
            "name": "Te Laat",
            "organisation": "X",
            "email": "laat@school.nl",
        },
    )
    assert refused.status_code == 409
    with mail_app.app_context():
        assert db.session.get(Event, event_id).signup_count == 0


def test_the_ics_file_is_valid_in_dutch_local_time(mail_app: Flask) -> None:
    event_id = _event(mail_app, online_url="https://meet.example.nl/cop")
    response = mail_app.test_client().get(f"/agenda/{event_id}.ics")
    assert response.status_code == 200
    assert response.content_type == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.data)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    with mail_app.app_context():
        stored = db.session.get(Event, event_id)
        expected = stored.starts_at.replace(tzinfo=LOCAL)
    start = events[0].decoded("dtstart")
    assert start == expected and str(start.tzinfo) == "Europe/Amsterdam"
    assert calendar.walk("VTIMEZONE")  # the zone travels with the file
    assert str(events[0]["summary"]) == "CoP-bijeenkomst Monitoring"


def test_each_cop_has_a_calendar_feed_of_its_own(content_app: Flask) -> None:
    with content_app.app_context():
        cops = agenda.cops()
    assert "cop-monitoring" in cops
    ids = [
        _event(content_app, cop_slug="cop-monitoring", title="Van deze CoP"),
        _event(content_app, title="Algemeen"),
    ]
    try:
        client = content_app.test_client()
        feed = Calendar.from_ical(client.get("/agenda/cop/cop-monitoring.ics").data)
        assert [str(e["summary"]) for e in feed.walk("VEVENT")] == ["Van deze CoP"]
        page = client.get(f"/agenda/{ids[0]}").get_data(as_text=True)
        assert "/agenda/cop/cop-monitoring.ics" in page and "/artikel/cop-monitoring" in page
        assert client.get("/agenda/cop/bestaat-niet.ics").status_code == 404
        assert client.get("/agenda/cop/oogo-uitgelegd.ics").status_code == 404  # not a CoP
    finally:
        with content_app.app_context():
            db.session.query(Event).filter(Event.id.in_(ids)).delete()
            db.session.commit()


def test_sign_ups_are_deleted_after_the_retention(mail_app: Flask) -> None:
    past = now_local() - timedelta(days=40)
    old = _event(mail_app, starts_at=past, ends_at=past + timedelta(hours=2))
    recent = _event(mail_app)
    with mail_app.app_context():
        for event_id in (old, recent):
            db.session.add(EventSignup(event_id=event_id, name="X", email=f"x{event_id}@a.nl"))
        db.session.commit()
    runner = mail_app.test_cli_runner()
    result = runner.invoke(args=["kb", "purge-signups"])
    assert result.exit_code == 0 and "Aanmeldingen verwijderd: 1" in result.output
    with mail_app.app_context():
        assert [s.event_id for s in db.session.query(EventSignup)] == [recent]


def test_editors_plan_events_and_others_cannot(mail_app: Flask) -> None:
    anonymous = mail_app.test_client()
    assert anonymous.get("/redactie/bijeenkomsten").status_code == 302
    member = mail_app.test_client()
    login(member, make_user(mail_app).email)
    assert member.get("/redactie/bijeenkomsten").status_code == 403
    assert member.get("/redactie/nieuws/nieuw").status_code == 403
    editor = _editor(mail_app)
    url = "/redactie/bijeenkomsten/nieuw"
    form = {"csrf_token": csrf(editor, url), "title": "Netwerkdag",
            "starts_at": "2027-03-10T10:00", "ends_at": "2027-03-10T09:00",
            "location": "", "online_url": "http://niet-veilig.nl", "cop_slug": "",
            "description_md": "Tekst die blijft"}  # fmt: skip
    refused = editor.post(url, data=form)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Het einde moet na het begin liggen." in html
    assert "begint met https://" in html
    assert "Tekst die blijft" in html and 'value="Netwerkdag"' in html
    form |= {"ends_at": "2027-03-10T16:00", "online_url": "https://meet.example.nl/dag"}
    saved = editor.post(url, data=form)
    assert saved.status_code == 303
    with mail_app.app_context():
        event = db.session.scalar(db.select(Event))
        assert event.starts_at == datetime(2027, 3, 10, 10, 0)
    assert "Netwerkdag" in anonymous.get("/agenda").get_data(as_text=True)


def test_editors_write_news(mail_app: Flask) -> None:
    editor = _editor(mail_app)
    url = "/redactie/nieuws/nieuw"
    response = editor.post(url, data={"csrf_token": csrf(editor, url), "title": "Nieuwe CoP",
                                      "published_on": "2026-12-01",
                                      "body_md": "Er is een *nieuwe* CoP.",
                                      "article_slug": "oogo-test"})  # fmt: skip
    assert response.status_code == 303
    visitor = mail_app.test_client()
    listing = visitor.get("/nieuws").get_data(as_text=True)
    assert "Nieuwe CoP" in listing and "1 december 2026" in listing
    item_url = re.search(r'href="(/nieuws/\d+)"', listing).group(1)
    item = visitor.get(item_url).get_data(as_text=True)
    assert "<em>nieuwe</em>" in item and "/artikel/oogo-test" in item

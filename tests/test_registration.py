"""Registration tells nobody whether an address has an account: one answer, a mail to the
address (a link for a new one, a note with a reset link for an existing one), throttled.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from kb.models import User, db
from tests.support.accounts import PASSWORD, csrf, login, make_user
from tests.support.app import make_app
from tests.support.mail import Mailbox, body, mail_config

STRONG = "fiets lamp oever mango"
LINK = re.compile(r"https?://[^/\s]+(/registreren/\S+)")
RESET = re.compile(r"https?://[^/\s]+(/wachtwoord-vergeten/\S+)")


@pytest.fixture
def app(tmp_path: Path, mailbox: Mailbox) -> Flask:
    return make_app(tmp_path, **mail_config(mailbox))


def _client(app: Flask, address: str = "203.0.113.1") -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _register(client: FlaskClient, email: str, name: str = "Anna Jansen"):
    return client.post("/registreren", data={
        "csrf_token": csrf(client, "/registreren"), "name": name, "organisation": "Gemeente X",
        "region": "", "email": email, "password": STRONG, "password_confirm": STRONG})  # fmt: skip


def _users(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


def test_known_and_unknown_addresses_get_the_same_answer(app: Flask, mailbox: Mailbox) -> None:
    make_user(app, email_address="bestaat@example.nl")
    known = _register(_client(app), "bestaat@example.nl")
    unknown = _register(_client(app), "nieuw@example.nl")
    assert known.status_code == unknown.status_code == 200
    known_page = known.get_data(as_text=True).replace("bestaat@", "X@")
    unknown_page = unknown.get_data(as_text=True).replace("nieuw@", "X@")
    strip = re.compile(r'name="csrf_token"[^>]*>')  # the only part that differs per visitor
    assert strip.sub("", known_page) == strip.sub("", unknown_page)
    assert "We hebben een e-mail gestuurd naar X@example.nl" in known_page
    assert "Er bestaat al" not in known_page
    assert sorted(m["To"] for m in mailbox.messages) == ["bestaat@example.nl", "nieuw@example.nl"]


def test_the_owner_of_an_existing_address_is_told_and_can_reset(
    app: Flask, mailbox: Mailbox
) -> None:
    owner = make_user(app, email_address="bestaat@example.nl", name="Bert Bestaat")
    before = _users(app)
    _register(_client(app), "Bestaat@Example.nl", name="Iemand Anders")
    message = mailbox.wait_for(lambda m: "Iemand wilde een account maken" in m["Subject"])
    text = body(message)
    assert "Beste Bert Bestaat" in text and "Iemand Anders" not in text
    assert _users(app) == before
    assert login(_client(app), owner.email).status_code == 302  # nothing changed
    path = RESET.search(text).group(1)
    client = _client(app)
    data = {"csrf_token": csrf(client, path), "password": STRONG, "password_confirm": STRONG}
    assert client.post(path, data=data).status_code == 302
    assert login(_client(app), owner.email, STRONG).status_code == 302


def test_a_new_account_exists_only_once_its_link_is_followed(app: Flask, mailbox: Mailbox) -> None:
    before = _users(app)
    _register(_client(app), "nieuw@example.nl", name="<b>Spam</b> koop nu")
    message = mailbox.wait_for(lambda m: "Bevestig" in m["Subject"])
    assert "Spam" not in body(message)  # what a stranger typed is not mailed to the address
    assert _users(app) == before
    assert login(_client(app), "nieuw@example.nl", STRONG).status_code == 200
    path = LINK.search(body(message)).group(1)
    client = _client(app)
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"].endswith("/inloggen")
    assert "Uw account is aangemaakt" in client.get("/inloggen").get_data(as_text=True)
    assert _users(app) == before + 1
    assert client.get(path).status_code == 302  # a second click creates nothing
    assert _users(app) == before + 1
    assert login(_client(app), "nieuw@example.nl", STRONG).status_code == 302


def test_a_tampered_activation_link_is_refused(app: Flask) -> None:
    response = _client(app).get("/registreren/abc.def.ghi")
    assert response.status_code == 400
    assert "Deze link werkt niet meer" in response.get_data(as_text=True)


def test_registration_is_throttled_per_address_for_known_and_unknown_alike(
    tmp_path: Path, mailbox: Mailbox
) -> None:
    app = make_app(tmp_path, REGISTRATIONS_PER_ADDRESS=3, **mail_config(mailbox))
    make_user(app, email_address="bestaat@example.nl")
    statuses = [_register(_client(app), f"probe{n}@example.nl").status_code for n in range(3)]
    assert statuses == [200, 200, 200]
    for email in ("bestaat@example.nl", "nog-een@example.nl"):
        response = _register(_client(app), email)
        assert response.status_code == 429
        assert "Te veel nieuwe accounts vanaf dit adres" in response.get_data(as_text=True)
    assert _register(_client(app, "198.51.100.2"), "ander@example.nl").status_code == 200


def test_one_address_gets_a_limited_number_of_registration_mails(
    app: Flask, mailbox: Mailbox
) -> None:
    make_user(app, email_address="bestaat@example.nl")
    for n in range(5):  # from five addresses, so the per-address limit does not stop it
        assert _register(_client(app, f"198.51.100.{n}"), "bestaat@example.nl").status_code == 200
    limit = app.config["REGISTRATION_MAILS_PER_EMAIL"]
    assert len(mailbox.to("bestaat@example.nl")) == limit


def test_forgot_password_answers_the_same_for_known_and_unknown(app: Flask) -> None:
    make_user(app, email_address="bekend@example.nl", password=PASSWORD)
    pages = []
    for email in ("bekend@example.nl", "onbekend@example.nl"):
        client = _client(app)
        response = client.post("/wachtwoord-vergeten", data={
            "csrf_token": csrf(client, "/wachtwoord-vergeten"), "email": email})  # fmt: skip
        pages.append((response.status_code, response.get_data(as_text=True).replace(email, "X")))
    assert pages[0] == pages[1]


def test_reset_requests_are_limited_per_account_silently_and_per_address_openly(
    tmp_path: Path, mailbox: Mailbox
) -> None:
    app = make_app(tmp_path, RESET_REQUESTS_PER_ACCOUNT=2, RESET_REQUESTS_PER_ADDRESS=4,
                   **mail_config(mailbox))  # fmt: skip
    make_user(app, email_address="bekend@example.nl")

    def ask(address: str, email: str = "bekend@example.nl") -> int:
        client = _client(app, address)
        data = {"csrf_token": csrf(client, "/wachtwoord-vergeten"), "email": email}
        return client.post("/wachtwoord-vergeten", data=data).status_code

    assert [ask(f"198.51.100.{n}") for n in range(3)] == [200, 200, 200]
    assert len(mailbox.to("bekend@example.nl")) == 2  # the third got the same answer, no mail
    assert [ask("203.0.113.50", f"x{n}@example.nl") for n in range(5)] == [200] * 4 + [429]

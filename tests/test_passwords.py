"""Weak passwords are refused with a Dutch reason wherever a password is chosen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from kb.accounts import password_problem
from kb.models import User, db
from tests.support.accounts import csrf, make_user
from tests.support.app import make_app
from tests.support.mail import Mailbox, body, mail_config

EMAIL = "anna.jansen@almere.nl"
WEAK = ["aaaaaaaaaa", "1234567890", "wachtwoord", EMAIL, "Kennisbank2024", "annajansen12"]
STRONG = "fiets lamp oever mango"


@pytest.fixture
def app(tmp_path: Path, mailbox: Mailbox) -> Flask:
    return make_app(tmp_path, **mail_config(mailbox))


@pytest.mark.parametrize("password", WEAK)
def test_the_estimator_refuses_common_and_personal_passwords_in_dutch(password: str) -> None:
    problem = password_problem(password, [EMAIL, "Anna Jansen", "Gemeente Almere"])
    assert problem and problem.startswith("Dit wachtwoord is te makkelijk te raden")
    assert "fiets lamp oever mango" in problem  # advice on what to choose instead


def test_the_reason_names_what_was_recognised() -> None:
    assert "dezelfde tekens" in password_problem("aaaaaaaaaa")
    assert "veelgebruikte wachtwoorden" in password_problem("1234567890")
    assert "datum" in password_problem("1980-05-19x")
    assert "als eerste probeert" in password_problem("Welkom2024!")
    assert "e-mailadres, naam of organisatie" in password_problem(EMAIL, [EMAIL])


def test_a_passphrase_is_accepted() -> None:
    assert password_problem(STRONG, [EMAIL, "Anna Jansen", "Gemeente Almere"]) is None


def _register(app: Flask, password: str):
    client = app.test_client()
    return client.post("/registreren", data={
        "csrf_token": csrf(client, "/registreren"), "name": "Anna Jansen",
        "organisation": "Gemeente Almere", "region": "", "email": EMAIL,
        "password": password, "password_confirm": password})  # fmt: skip


@pytest.mark.parametrize("password", WEAK[:4])
def test_registration_refuses_a_weak_password_next_to_the_field(
    app: Flask, mailbox: Mailbox, password: str
) -> None:
    response = _register(app, password)
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "te makkelijk te raden" in text
    assert 'value="Anna Jansen"' in text  # nothing else typed is lost
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == EMAIL)) is None
    assert mailbox.messages == []


def test_registration_accepts_a_passphrase(app: Flask) -> None:
    response = _register(app, STRONG)
    assert "te makkelijk te raden" not in response.get_data(as_text=True)


def test_a_reset_refuses_the_accounts_own_address(app: Flask, mailbox: Mailbox) -> None:
    user = make_user(app, email_address="reset.jansen@example.nl", name="Reset Jansen")
    client = app.test_client()
    client.post("/wachtwoord-vergeten", data={
        "csrf_token": csrf(client, "/wachtwoord-vergeten"), "email": user.email})  # fmt: skip
    message = mailbox.wait_for(lambda m: "Nieuw wachtwoord" in m["Subject"])
    path = re.search(r"https?://[^/\s]+(/wachtwoord-vergeten/\S+)", body(message)).group(1)
    for weak in (user.email, "resetjansen1", "wachtwoord1"):
        data = {"csrf_token": csrf(client, path), "password": weak, "password_confirm": weak}
        response = client.post(path, data=data)
        assert response.status_code == 200, weak
        assert "te makkelijk te raden" in response.get_data(as_text=True), weak
    data = {"csrf_token": csrf(client, path), "password": STRONG, "password_confirm": STRONG}
    response = client.post(path, data=data)
    assert response.status_code == 302


@pytest.mark.parametrize("password", [*WEAK[:3], "beheer@example.nl"])
def test_create_user_refuses_a_weak_password(app: Flask, password: str) -> None:
    result = app.test_cli_runner().invoke(
        args=["kb", "create-user", "--email", "beheer@example.nl"], input=password + "\n"
    )
    assert result.exit_code == 1
    assert "te makkelijk te raden" in result.output
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "beheer@example.nl")) is None

"""Accounts: registration, login, throttling, sessions, logout, blocking, reset and create-user."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from itsdangerous.timed import TimestampSigner
from sqlalchemy import select

from kb.models import ThrottleCounter, User, db
from tests.support.accounts import PASSWORD, csrf, login, make_user
from tests.support.app import make_app
from tests.support.mail import Mailbox, body, mail_config


@pytest.fixture
def app(tmp_path: Path, mailbox: Mailbox) -> Flask:
    return make_app(tmp_path, **mail_config(mailbox))


def _user(app: Flask, address: str) -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == address))
        db.session.expunge(user)
        return user


def test_register_creates_a_member_with_a_scrypt_hash_once_the_link_is_followed(
    app: Flask, mailbox: Mailbox
) -> None:
    client = app.test_client()
    response = client.post(
        "/registreren",
        data={
            "csrf_token": csrf(client, "/registreren"),
            "name": "Anna Jansen",
            "organisation": "Gemeente Almere",
            "region": "almere",
            "email": "Anna@Almere.nl",
            "password": "een-lang-wachtwoord",
            "password_confirm": "een-lang-wachtwoord",
        },
    )
    assert response.status_code == 200
    assert "We hebben een e-mail gestuurd naar anna@almere.nl" in response.get_data(as_text=True)
    message = mailbox.wait_for(lambda m: "Bevestig" in m["Subject"])
    link = re.search(r"https?://[^/\s]+(/registreren/\S+)", body(message)).group(1)
    assert client.get(link).status_code == 302
    user = _user(app, "anna@almere.nl")
    assert user.role == "member" and user.region_id is not None
    assert user.password_hash.startswith("scrypt:")
    assert "een-lang-wachtwoord" not in user.password_hash
    assert login(client, "anna@almere.nl", "een-lang-wachtwoord").status_code == 302
    assert "Uitloggen" in client.get("/").get_data(as_text=True)


def test_register_errors_are_dutch_next_to_the_field_and_input_is_kept(app: Flask) -> None:
    make_user(app, email_address="bestaat@example.nl")
    client = app.test_client()
    response = client.post(
        "/registreren",
        data={
            "csrf_token": csrf(client, "/registreren"),
            "name": "Piet <b>Puk</b>",
            "organisation": "",
            "email": "bestaat@example.nl",
            "password": "kort",
            "password_confirm": "anders",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'id="organisation-error"><p>Vul de naam van uw organisatie in\.</p>', html)
    assert "Kies een wachtwoord van minstens 10 tekens." in html
    assert "De wachtwoorden verschillen." in html
    assert 'value="Piet &lt;b&gt;Puk&lt;/b&gt;"' in html
    with app.app_context():
        assert db.session.scalar(select(User).where(User.name.like("Piet%"))) is None
    response = client.post(
        "/registreren",
        data={
            "csrf_token": csrf(client, "/registreren"),
            "name": "Piet",
            "organisation": "X",
            "email": "bestaat@example.nl",
            "password": "lang-genoeg-wachtwoord",
            "password_confirm": "lang-genoeg-wachtwoord",
        },
    )
    # The same answer as for a new address: the owner is told by e-mail instead.
    assert "We hebben een e-mail gestuurd naar bestaat@example.nl" in response.get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/redactie/", "/redactie/"),
        ("/zoeken?q=oza", "/zoeken?q=oza"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("http:/evil.example", "/"),
    ],
)
def test_login_redirects_only_to_local_paths(app: Flask, next_url: str, expected: str) -> None:
    user = make_user(app, role="editor")
    response = login(app.test_client(), user.email, next=next_url)
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_login_renews_the_session_and_sets_safe_cookie_flags(app: Flask) -> None:
    user = make_user(app)
    client = app.test_client()
    token_before = csrf(client)
    with client.session_transaction() as session:
        session["planted"] = "by-an-attacker"
    response = login(client, user.email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("csrf_token") != token_before
        assert session["_user_id"] == f"{user.id}:{user.session_version}"


def test_secure_cookie_flag_is_configurable(tmp_path: Path) -> None:
    app = make_app(tmp_path, SESSION_COOKIE_SECURE=True)
    user = make_user(app)
    response = login(app.test_client(), user.email)
    assert "Secure" in response.headers["Set-Cookie"]


def test_wrong_password_is_refused_in_dutch(app: Flask) -> None:
    user = make_user(app)
    response = login(app.test_client(), user.email, "fout-wachtwoord")
    assert response.status_code == 200
    assert "Het e-mailadres of het wachtwoord klopt niet." in response.get_data(as_text=True)


def test_login_is_throttled_per_account_across_workers(app: Flask, tmp_path: Path) -> None:
    user = make_user(app)
    # A second app on the same database file stands in for another gunicorn worker.
    other_worker = make_app(tmp_path, DATABASE_URL=app.config["DATABASE_URL"])
    for attempt in range(5):
        worker = app if attempt % 2 else other_worker
        assert login(worker.test_client(), user.email, "fout").status_code == 200
    response = login(app.test_client(), user.email, PASSWORD)
    assert response.status_code == 429
    assert "Te veel mislukte pogingen" in response.get_data(as_text=True)
    with app.app_context():
        keys = db.session.scalars(select(ThrottleCounter.key)).all()
    assert keys and not any(user.email in key or "127.0.0.1" in key for key in keys)


def test_login_is_throttled_per_address(tmp_path: Path) -> None:
    app = make_app(tmp_path, LOGIN_MAX_FAILURES_ADDRESS=3)
    user = make_user(app)
    for n in range(3):
        login(app.test_client(), f"onbekend{n}@example.nl", "fout")
    assert login(app.test_client(), user.email).status_code == 429


def test_successful_login_clears_the_account_counter(app: Flask) -> None:
    user = make_user(app)
    for _ in range(4):
        login(app.test_client(), user.email, "fout")
    assert login(app.test_client(), user.email).status_code == 302
    for _ in range(4):
        login(app.test_client(), user.email, "fout")
    assert login(app.test_client(), user.email).status_code == 302


def test_logout_needs_a_post_with_csrf(app: Flask) -> None:
    user = make_user(app)
    client = app.test_client()
    login(client, user.email)
    client.get("/uitloggen")
    assert "Uitloggen" in client.get("/").get_data(as_text=True)
    assert client.post("/uitloggen").status_code == 400  # no CSRF token
    token = csrf(client, "/uitloggen")
    assert client.post("/uitloggen", data={"csrf_token": token}).status_code == 302
    assert "Inloggen" in client.get("/").get_data(as_text=True)


def test_blocked_account_cannot_log_in_and_loses_its_session(app: Flask) -> None:
    user = make_user(app, role="editor")
    client = app.test_client()
    login(client, user.email)
    assert "Uitloggen" in client.get("/").get_data(as_text=True)
    with app.app_context():
        row = db.session.get(User, user.id)
        row.is_blocked = True
        db.session.commit()
    # Even without a new session version, a blocked account's session is not loaded any more.
    assert "Inloggen" in client.get("/").get_data(as_text=True)
    response = login(app.test_client(), user.email)
    assert response.status_code == 403
    assert "geblokkeerd" in response.get_data(as_text=True)


def _request_reset(app: Flask, address: str) -> str:
    client = app.test_client()
    response = client.post(
        "/wachtwoord-vergeten",
        data={"csrf_token": csrf(client, "/wachtwoord-vergeten"), "email": address},
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_password_reset_link_arrives_by_mail_and_works_once(app: Flask, mailbox: Mailbox) -> None:
    user = make_user(app, email_address="reset@example.nl")
    old_session = app.test_client()
    login(old_session, user.email)
    _request_reset(app, "reset@example.nl")
    message = mailbox.wait_for(lambda m: "Nieuw wachtwoord" in m["Subject"])
    link = re.search(r"http\S+/wachtwoord-vergeten/(\S+)", body(message))
    assert link and "één keer" in body(message)
    path = "/wachtwoord-vergeten/" + link.group(1)
    client = app.test_client()
    data = {"password": "nieuw-wachtwoord-123", "password_confirm": "nieuw-wachtwoord-123"}
    response = client.post(path, data={"csrf_token": csrf(client, path), **data})
    assert response.status_code == 302
    assert login(app.test_client(), user.email, "nieuw-wachtwoord-123").status_code == 302
    assert login(app.test_client(), user.email, PASSWORD).status_code == 200
    # Single use, and every session from before the reset has ended.
    assert client.get(path).status_code == 400
    assert "Inloggen" in old_session.get("/").get_data(as_text=True)


def test_reset_for_unknown_address_answers_the_same_and_sends_nothing(
    app: Flask, mailbox: Mailbox
) -> None:
    make_user(app, email_address="bekend@example.nl")
    known = _request_reset(app, "bekend@example.nl")
    unknown = _request_reset(app, "onbekend@example.nl")
    assert known.replace("bekend@", "X@") == unknown.replace("onbekend@", "X@")
    # Mail goes out inside the request (the SMTP server has it before the response), so once
    # both requests are answered the mailbox holds everything that was sent.
    assert [m["To"] for m in mailbox.messages] == ["bekend@example.nl"]


def test_reset_link_expires(
    tmp_path: Path, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(tmp_path, PASSWORD_RESET_MAX_AGE=60, **mail_config(mailbox))
    user = make_user(app)
    _request_reset(app, user.email)
    link = re.search(r"/wachtwoord-vergeten/(\S+)", body(mailbox.wait_for(lambda m: True)))
    # The signer's clock, moved past the link's lifetime (itsdangerous reads it here).
    issued = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: issued(self) + 61)
    response = app.test_client().get("/wachtwoord-vergeten/" + link.group(1))
    assert response.status_code == 400
    assert "werkt niet meer" in response.get_data(as_text=True)


def test_tampered_reset_token_is_refused(app: Flask) -> None:
    assert app.test_client().get("/wachtwoord-vergeten/abc.def.ghi").status_code == 400


def test_create_user_reads_the_password_from_stdin_never_an_argument(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["kb", "create-user", "--email", "Redacteur@Example.nl", "--role", "editor"],
        input="een-sterk-wachtwoord\n",
    )
    assert result.exit_code == 0, result.output
    user = _user(app, "redacteur@example.nl")
    assert user.role == "editor" and user.password_hash.startswith("scrypt:")
    response = login(app.test_client(), "redacteur@example.nl", "een-sterk-wachtwoord")
    assert response.status_code == 302
    refused = runner.invoke(
        args=["kb", "create-user", "--email", "x@example.nl", "--password", "p"]
    )
    assert refused.exit_code == 2
    short = runner.invoke(args=["kb", "create-user", "--email", "y@example.nl"], input="kort\n")
    assert short.exit_code == 1

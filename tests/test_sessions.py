"""Sessions end on the server: a copied cookie dies at logout, a new password and a block,
and every session has an idle and an absolute lifetime (timestamps moved, never slept on).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_login.utils import encode_cookie

from kb.models import User, db
from tests.support.accounts import csrf, login, make_user
from tests.support.app import make_app
from tests.support.mail import Mailbox, body, mail_config

PRIVATE = "/mijn-inzendingen"
STRONG = "fiets lamp oever mango"


@pytest.fixture
def app(tmp_path: Path, mailbox: Mailbox) -> Flask:
    return make_app(tmp_path, **mail_config(mailbox))


def _copy(client: FlaskClient, app: Flask) -> FlaskClient:
    """Return a second client holding a copy of this client's session cookie."""
    cookie = client.get_cookie("session", domain=app.config["SERVER_NAME"])
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value, domain=cookie.domain)
    return thief


def _logged_in(client: FlaskClient) -> bool:
    response = client.get(PRIVATE)
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
    return False


def _logged_in_client(app: Flask, role: str = "member") -> tuple[FlaskClient, User]:
    user = make_user(app, role=role)
    client = app.test_client()
    assert login(client, user.email).status_code == 302
    assert _logged_in(client)
    return client, user


def test_a_copied_cookie_is_useless_after_logout(app: Flask) -> None:
    client, _user = _logged_in_client(app)
    copy = _copy(client, app)
    assert _logged_in(copy)
    response = client.post("/uitloggen", data={"csrf_token": csrf(client, "/uitloggen")})
    assert response.status_code == 302
    assert not _logged_in(copy)
    assert not _logged_in(client)


def test_a_copied_cookie_is_useless_after_a_password_reset(app: Flask, mailbox: Mailbox) -> None:
    client, user = _logged_in_client(app)
    copy = _copy(client, app)
    visitor = app.test_client()
    visitor.post("/wachtwoord-vergeten", data={
        "csrf_token": csrf(visitor, "/wachtwoord-vergeten"), "email": user.email})  # fmt: skip
    message = mailbox.wait_for(lambda m: "Nieuw wachtwoord" in m["Subject"])
    path = re.search(r"https?://[^/\s]+(/wachtwoord-vergeten/\S+)", body(message)).group(1)
    data = {"csrf_token": csrf(visitor, path), "password": STRONG, "password_confirm": STRONG}
    assert visitor.post(path, data=data).status_code == 302
    assert not _logged_in(copy)
    assert not _logged_in(client)


def test_a_copied_cookie_is_useless_after_a_block_even_once_unblocked(app: Flask) -> None:
    client, user = _logged_in_client(app)
    copy = _copy(client, app)
    admin, _ = _logged_in_client(app, role="admin")
    url = f"/beheer/gebruiker/{user.id}/blokkeren"
    for value in ("1", "0"):  # blocked, then unblocked again
        token = csrf(admin, "/beheer/")
        assert admin.post(url, data={"csrf_token": token, "blokkeren": value}).status_code == 303
    assert not _logged_in(copy)
    assert not _logged_in(client)
    assert login(app.test_client(), user.email).status_code == 302  # a new login works


def _move(client: FlaskClient, key: str, seconds_ago: int) -> None:
    with client.session_transaction() as session:
        session[key] = int(time.time()) - seconds_ago


def test_an_idle_session_ends(app: Flask) -> None:
    client, _user = _logged_in_client(app)
    idle = app.config["SESSION_IDLE_SECONDS"]
    _move(client, "kb_seen", idle - 120)
    assert _logged_in(client)  # still within the idle time: and this request renews it
    with client.session_transaction() as session:
        assert int(time.time()) - session["kb_seen"] < 60
    _move(client, "kb_seen", idle + 1)
    assert not _logged_in(client)
    page = client.get("/").get_data(as_text=True)
    assert "Uw sessie is verlopen. Log opnieuw in." in page


def test_a_busy_session_still_ends_at_its_absolute_lifetime(app: Flask) -> None:
    client, _user = _logged_in_client(app)
    absolute = app.config["SESSION_ABSOLUTE_SECONDS"]
    _move(client, "kb_started", absolute - 60)
    assert _logged_in(client)
    _move(client, "kb_started", absolute + 1)
    _move(client, "kb_seen", 0)  # active a moment ago: the absolute limit holds anyway
    assert not _logged_in(client)


def test_lifetimes_come_from_config(tmp_path: Path) -> None:
    app = make_app(tmp_path, SESSION_IDLE_SECONDS=300)
    client, _user = _logged_in_client(app)
    _move(client, "kb_seen", 301)
    assert not _logged_in(client)


def test_a_session_without_timestamps_is_refused(app: Flask) -> None:
    """An id:version alone (an older cookie, or one made without start_session) is not enough."""
    user = make_user(app)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = f"{user.id}:{user.session_version}"
        session["_fresh"] = True
    assert not _logged_in(client)


def test_a_remember_cookie_does_not_log_anyone_in(app: Flask) -> None:
    user = make_user(app)
    client = app.test_client()
    with app.test_request_context():
        value = encode_cookie(f"{user.id}:{user.session_version}")
    client.set_cookie("remember_token", value, domain=app.config["SERVER_NAME"])
    assert not _logged_in(client)


def test_logout_ends_the_session_on_every_device(app: Flask) -> None:
    client, user = _logged_in_client(app)
    other_device = app.test_client()
    assert login(other_device, user.email).status_code == 302
    client.post("/uitloggen", data={"csrf_token": csrf(client, "/uitloggen")})
    assert not _logged_in(other_device)
    with app.app_context():
        assert db.session.get(User, user.id).session_version == user.session_version + 1

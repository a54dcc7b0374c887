"""Mail over a real local SMTP server; the log without configuration; failures never raise."""

from __future__ import annotations

import email
import email.policy
import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kb import accounts
from kb.mail import send_mail
from kb.models import User, db
from tests.support.accounts import csrf, make_user
from tests.support.app import make_app
from tests.support.mail import body, mail_config, running_mailbox
from tests.support.server import free_port


def test_mail_arrives_over_smtp_in_utf8(tmp_path: Path) -> None:
    with running_mailbox() as box:
        app = make_app(tmp_path, **mail_config(box))
        with app.app_context():
            assert send_mail(
                ["regio@example.nl"], "Ontvangen: Één voorbeeld", "Beste Jet,\n\nDank!"
            )
        message = box.wait_for(lambda m: True)
    assert message["Subject"] == "Ontvangen: Één voorbeeld"
    assert message["From"] == "kb@kennisbank.test"
    assert "Beste Jet," in body(message)


def test_header_injection_in_the_subject_is_flattened(tmp_path: Path) -> None:
    with running_mailbox() as box:
        app = make_app(tmp_path, **mail_config(box))
        with app.app_context():
            send_mail("a@example.nl", "Titel\r\nBcc: slachtoffer@example.nl", "x")
        message = box.wait_for(lambda m: True)
    assert message["Bcc"] is None
    assert message["X-Envelope-To"] == "a@example.nl"
    assert message["Subject"] == "Titel Bcc: slachtoffer@example.nl"


@pytest.fixture
def listen(caplog: pytest.LogCaptureFixture) -> Iterator[Callable[[], None]]:
    """Return a function that makes caplog hear kb.mail (call it after building the app)."""
    logger = logging.getLogger("kb.mail")

    def _listen() -> None:
        # Alembic's fileConfig (run by the migrations in build_app) disables existing loggers
        # and replaces the root handlers, caplog's among them: listen on the logger itself.
        logger.disabled = False
        logger.addHandler(caplog.handler)

    yield _listen
    logger.removeHandler(caplog.handler)


def test_without_smtp_only_recipient_and_subject_are_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, listen: Callable[[], None]
) -> None:
    app = make_app(tmp_path)
    listen()
    with caplog.at_level(logging.DEBUG, logger="kb.mail"), app.app_context():
        assert send_mail("a@example.nl", "Onderwerp", "De inhoud van het bericht") is False
    assert "niet verstuurd (geen SMTP ingesteld)" in caplog.text
    assert "a@example.nl" in caplog.text and "Onderwerp" in caplog.text
    assert "De inhoud" not in caplog.text


def test_a_reset_without_smtp_leaves_no_link_or_token_in_the_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, listen: Callable[[], None]
) -> None:
    app = make_app(tmp_path)
    user = make_user(app, email_address="reset@example.nl")
    listen()
    client = app.test_client()
    with caplog.at_level(logging.DEBUG):
        response = client.post("/wachtwoord-vergeten", data={
            "csrf_token": csrf(client, "/wachtwoord-vergeten"), "email": user.email})  # fmt: skip
    assert response.status_code == 200
    assert "reset@example.nl" in caplog.text  # the mail was attempted, and that is logged
    assert "/wachtwoord-vergeten/" not in caplog.text
    assert "http" not in caplog.text
    with app.app_context():
        token = accounts.reset_token(db.session.get(User, user.id))
    assert token.split(".")[0] not in caplog.text


def test_the_development_mailbox_holds_the_whole_message(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, listen: Callable[[], None]
) -> None:
    folder = tmp_path / "mailbox"
    app = make_app(tmp_path, MAIL_DEV_DIR=str(folder))
    make_user(app, email_address="reset@example.nl")
    listen()
    client = app.test_client()
    with caplog.at_level(logging.DEBUG):
        token = csrf(client, "/wachtwoord-vergeten")
        client.post("/wachtwoord-vergeten", data={"csrf_token": token, "email": "reset@example.nl"})
    (saved,) = folder.glob("*.eml")
    message = email.message_from_bytes(saved.read_bytes(), policy=email.policy.default)
    assert message["To"] == "reset@example.nl"
    link = re.search(r"http\S+/wachtwoord-vergeten/\S+", body(message))
    assert link and link.group(0) not in caplog.text


def test_an_unreachable_server_is_logged_not_raised(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, listen: Callable[[], None]
) -> None:
    app = make_app(tmp_path, MAIL_HOST="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2)
    listen()
    with app.app_context():
        assert send_mail("a@example.nl", "Onderwerp", "x") is False
    assert "niet verstuurd" in caplog.text

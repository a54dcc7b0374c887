"""Send plain-text e-mail over SMTP (KB_MAIL_*); without a configured host, only say so in the log.

Sending never raises: callers have already committed what the user sent, and a mail server that
is down must not turn that into an error page. Failures are logged. The log never holds a body:
bodies carry live reset and status links. For development, KB_MAIL_DEV_DIR names a folder where
every message is also written whole, as an .eml file.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import time
import uuid
from collections.abc import Iterable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)


def _one_line(value: str, limit: int = 200) -> str:
    # Header values come partly from users (titles); newlines would be header injection.
    return " ".join(str(value).split())[:limit]


def build_message(
    recipients: Iterable[str],
    subject: str,
    body: str,
    html: str | None = None,
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    """Build a UTF-8 message from the configured sender: plain text, with an HTML part if given."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = ", ".join(_one_line(r, 254) for r in recipients)
    message["Subject"] = _one_line(subject)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="kennisbank")
    for name, value in (headers or {}).items():
        message[name] = _one_line(value, 2000)
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


def _write_dev_copy(folder: Path, message: EmailMessage) -> None:
    # A development mailbox: one file per message, named so they sort by time.
    try:
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}.eml"
        (folder / name).write_bytes(message.as_bytes())
    except OSError:
        log.exception("E-mail niet in de ontwikkelmap %s geschreven", folder)


def send_mail(
    recipients: str | Iterable[str],
    subject: str,
    body: str,
    html: str | None = None,
    headers: dict[str, str] | None = None,
) -> bool:
    """Send one message; return False (and log) when it could not be delivered."""
    to = [recipients] if isinstance(recipients, str) else [r for r in recipients if r]
    if not to:
        return False
    config = current_app.config
    try:
        message = build_message(to, subject, body, html, headers)
    except (ValueError, TypeError):
        log.exception("E-mail niet opgebouwd (onderwerp %r)", subject)
        return False
    if config.get("MAIL_DEV_DIR"):
        _write_dev_copy(Path(config["MAIL_DEV_DIR"]), message)
    if not config.get("MAIL_HOST"):
        # WARNING: with no logging configured only warnings reach stderr, and this is the only
        # sign that a mail was not sent. Recipient and subject only: the body holds secrets.
        log.warning(
            "E-mail niet verstuurd (geen SMTP ingesteld) aan %s, onderwerp %r",
            ", ".join(to), message["Subject"],
        )  # fmt: skip
        return bool(config.get("MAIL_DEV_DIR"))
    try:
        with smtplib.SMTP(
            config["MAIL_HOST"], int(config["MAIL_PORT"]), timeout=float(config["MAIL_TIMEOUT"])
        ) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
        return True
    except (OSError, smtplib.SMTPException):
        log.exception("E-mail aan %s niet verstuurd (onderwerp %r)", ", ".join(to), subject)
        return False

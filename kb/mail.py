"""Send plain-text e-mail over SMTP (KB_MAIL_*); without a configured host, write it to the log.

Sending never raises: callers have already committed what the user sent, and a mail server that
is down must not turn that into an error page. Failures are logged.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Iterable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

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
    if not config.get("MAIL_HOST"):
        # WARNING, not INFO: with no logging configured (flask run, plain gunicorn) only
        # warnings reach stderr, and this message is the only copy of the e-mail.
        log.warning("E-mail (geen SMTP ingesteld) aan %s\n%s", ", ".join(to), message.as_string())
        return True
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

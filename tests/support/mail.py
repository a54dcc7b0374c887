"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

import email
import email.policy
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.server import free_port


class Mailbox:
    """An aiosmtpd handler that keeps every message that arrives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.port = 0
        self._arrived = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        """Return the messages delivered to an address."""
        return [m for m in self.messages if address.lower() in m["X-Envelope-To"].lower()]

    def wait_for(self, match: Callable[[EmailMessage], bool], timeout: float = 10) -> EmailMessage:
        """Return the first message that matches, waiting for it to arrive."""

        def first() -> EmailMessage | None:
            return next((m for m in self.messages if match(m)), None)

        with self._arrived:
            found = self._arrived.wait_for(first, timeout)
        if found is not None:
            return found
        subjects = [m["Subject"] for m in self.messages]
        raise AssertionError(f"no matching e-mail arrived; got {subjects}")


def body(message: EmailMessage) -> str:
    """Return the plain-text body of a message."""
    return message.get_content()


@contextmanager
def running_mailbox() -> Iterator[Mailbox]:
    """Run a real SMTP server on loopback for the duration of the block."""
    box = Mailbox()
    box.port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


def mail_config(box: Mailbox) -> dict[str, Any]:
    """Return app settings that send mail to the test SMTP server."""
    return {"MAIL_HOST": "127.0.0.1", "MAIL_PORT": box.port, "MAIL_SENDER": "kb@kennisbank.test"}

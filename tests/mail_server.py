"""A real SMTP server on loopback (aiosmtpd), standing in for the publisher's mail relay.

It keeps every message it accepted, and can be told to misbehave the ways relays do:
refuse an address for good (550), refuse for now (451), hang before answering the
message, drop the connection mid-message, or be stopped and started again on its port.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any, Literal, cast

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

Mode = Literal["ok", "refuse", "tempfail", "hang", "drop"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Received:
    """One accepted message."""

    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    def part(self, subtype: str) -> str:
        """The text of the `text/<subtype>` part."""
        found = self.message.get_body(preferencelist=(subtype,))
        assert found is not None, f"no text/{subtype} part"
        return cast(str, cast(EmailMessage, found).get_content())


@dataclass
class _Handler:
    server: MailServer

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if self.server.mode == "refuse":
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        mode = self.server.mode
        self.server.attempts += 1
        if mode == "tempfail":
            return "451 4.3.0 Try again later"
        if mode == "hang":
            await asyncio.sleep(30)
        if mode == "drop":
            assert server.transport is not None
            server.transport.abort()
            return "421 4.3.0 gone"
        raw = envelope.original_content or envelope.content
        assert isinstance(raw, bytes)
        message = cast(EmailMessage, message_from_bytes(raw, policy=default))
        with self.server.lock:
            self.server.received.append(
                Received(str(envelope.mail_from), list(envelope.rcpt_tos), message)
            )
        return "250 OK: queued"


@dataclass
class MailServer:
    """The relay: start, stop, restart on the same port, and what it received."""

    port: int = field(default_factory=free_port)
    mode: Mode = "ok"
    received: list[Received] = field(default_factory=list)
    attempts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    _controller: Controller | None = None

    def start(self) -> MailServer:
        controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        controller.start()
        self._controller = controller
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if address in r.recipients]

    def settings(self) -> dict[str, Any]:
        """What the app needs to send here."""
        return {
            "smtp_host": "127.0.0.1",
            "smtp_port": self.port,
            "smtp_tls": "off",
            "mail_from": "comments@news.example",
        }

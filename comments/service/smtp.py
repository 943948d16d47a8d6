"""Handing a composed message to the mail relay: the delivery worker's only SMTP step.

The outbox row is marked delivered only after the relay accepted the message (the
dispatcher does that when `send` returns). A refusal the relay calls permanent (a 5xx
answer) is not retried: the row is kept as failed at once, for admins to see. Anything
else (a refusal the relay calls temporary, a dropped connection, a relay that hangs
past the timeout) raises, and the dispatcher tries again later with the same message,
`Message-ID` included, so a receiver can drop a repeat.
"""

from __future__ import annotations

import logging

import aiosmtplib

from comments.mail_address import plain_address
from comments.service.context import Deps
from comments.service.mail import MailConfig
from comments.storage import DueOutbox

log = logging.getLogger(__name__)


class Undeliverable(Exception):
    """The relay refused the message for good: retrying would not help."""


class MailSender:
    """Sends `mail.send` rows through the configured relay."""

    def __init__(self, deps: Deps, mail: MailConfig) -> None:
        self._deps = deps
        self.mail = mail
        self.sent = 0

    async def send(self, row: DueOutbox) -> None:
        """Send one message; raise (to be retried) unless the relay accepted it."""
        config = self.mail
        if config.host is None:
            raise RuntimeError("no mail relay is set (COMMENTS_SMTP_HOST)")
        to = str(row.item.payload.get("to", ""))
        message = str(row.item.payload.get("message", ""))
        if not plain_address(to) or not message:
            raise Undeliverable("the row holds no address or message to send")
        try:
            await aiosmtplib.send(
                message.encode("utf-8"),
                sender=config.sender,
                recipients=[to],
                hostname=config.host,
                port=config.port,
                username=config.username,
                password=config.password,
                use_tls=config.tls == "tls",
                start_tls=True if config.tls == "starttls" else False,
                timeout=config.timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [refusal.code for refusal in exc.recipients]
            if codes and all(code >= 500 for code in codes):
                self._deps.telemetry.mail("refused")
                raise Undeliverable(f"the relay refused the address ({codes[0]})") from None
            self._deps.telemetry.mail("error")
            raise
        except aiosmtplib.SMTPResponseException as exc:
            if exc.code >= 500 and not isinstance(exc, aiosmtplib.SMTPServerDisconnected):
                self._deps.telemetry.mail("refused")
                raise Undeliverable(
                    f"the relay refused the message: {exc.code} {exc.message}"
                ) from None
            self._deps.telemetry.mail("error")
            raise
        except aiosmtplib.SMTPTimeoutError:
            self._deps.telemetry.mail("timeout")
            raise
        except (aiosmtplib.SMTPException, OSError):
            self._deps.telemetry.mail("error")
            raise
        self.sent += 1
        self._deps.telemetry.mail("sent")

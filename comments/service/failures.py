"""Messages given up on: what the site's admins see of them, and sending one again.

An e-mail's recipient shows masked (`a…@example.com`): admins need to tell which reader
a failure concerns, not to collect addresses.
"""

from __future__ import annotations

from email import message_from_string
from email.policy import default
from typing import Any

from comments.errors import NotFound
from comments.ids import looks_like_id
from comments.models import iso
from comments.service.context import Deps
from comments.service.mail import MAIL_KIND, one_line
from comments.service.sessions import Viewer
from comments.service.staff import Staff
from comments.service.webhooks import SEND_KIND
from comments.storage import FailedItem

MOST = 100


def masked(address: str) -> str:
    """`a…@example.com`."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}…@{domain}" if domain else "…"


def failure_json(item: FailedItem) -> dict[str, Any]:
    """One failed message, for admins."""
    about: dict[str, Any] = {}
    if item.kind == MAIL_KIND:
        message = message_from_string(str(item.payload.get("message", "")), policy=default)
        about = {
            "to": masked(str(item.payload.get("to", ""))),
            "subject": one_line(str(message.get("Subject", ""))),
        }
    elif item.kind == SEND_KIND:
        about = {
            "webhook_id": item.payload.get("webhook_id"),
            "event": item.payload.get("event"),
            "message_id": item.payload.get("message_id"),
        }
    return {
        "id": item.id,
        "kind": item.kind,
        "attempts": item.attempts,
        "error": item.last_error,
        "created_at": iso(item.created_at),
        "failed_at": iso(item.failed_at),
        "about": about,
    }


class Failures:
    """The admin use cases over the outbox's failed rows."""

    def __init__(self, deps: Deps, staff: Staff) -> None:
        self._deps = deps
        self._staff = staff

    async def list(self, viewer: Viewer, site_name: str) -> list[dict[str, Any]]:
        """The site's failed messages, newest first."""
        site = await self._staff.require(viewer, site_name, admin=True)
        return [failure_json(i) for i in await self._deps.storage.failed_items(site.name, MOST)]

    async def retry(self, viewer: Viewer, site_name: str, item_id: str) -> None:
        """Put one back in line, with its attempts counted afresh."""
        site = await self._staff.require(viewer, site_name, admin=True)
        now = self._deps.clock()
        # Fanned-out rows have derived ids (base32 tails), not only minted ones.
        well_formed = looks_like_id(item_id) or (
            len(item_id) == 26 and item_id.isascii() and item_id.isalnum()
        )
        if not well_formed or not await self._deps.storage.retry_failed(site.name, item_id, now):
            raise NotFound("There is no such failed message.")
        self._deps.wakeup.set()

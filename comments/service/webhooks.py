"""Signed webhooks: a site's endpoints, and delivering its events to them from the outbox.

Nothing is sent from a request handler. The dispatcher, after delivering a committed
outbox row that stands for an event (a post, a decision, a ban…), fans it out: one
`webhook.send` row per endpoint that wants the event, with an id derived from the
source row and the endpoint, so a fan-out repeated after a crash adds nothing. Each
send row is then delivered like any other (leased, retried with the dispatcher's
backoff); its `webhook-id` stays the same on every attempt, so a receiver can drop a
message it has seen. Messages are signed per the Standard Webhooks scheme.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx

from comments.errors import Invalid, NotFound
from comments.ids import looks_like_id
from comments.models import iso
from comments.service.context import Deps
from comments.service.effects import THREAD_STATE, Consequences
from comments.service.queue import Queues
from comments.service.safe_transport import TargetRefused, vetted, vetted_transport
from comments.service.sessions import Viewer
from comments.service.staff import Staff
from comments.storage import (
    NO_EFFECTS,
    DueOutbox,
    Effects,
    OutboxItem,
    Webhook,
    WebhookDelivery,
)

log = logging.getLogger(__name__)

EVENTS = (
    "comment.created",
    "comment.updated",
    "comment.approved",
    "comment.rejected",
    "comment.deleted",
    "comment.reported",
    "user.banned",
    "user.unbanned",
    "thread.closed",
    "thread.opened",
    # New queue items and reports, batched per site (comments/service/notices.py).
    "moderation.alert",
)
SEND_KIND = "webhook.send"
DISABLED_KIND = "webhook.disabled"  # the audit action and the outbox row's kind
TEST_EVENT = "webhook.test"
MAX_ENDPOINTS = 20
MAX_URL = 2000
DISABLE_AFTER = 50
TIMEOUT = 10.0
MAX_RESPONSE = 64 * 1024
ROTATION_OVERLAP = timedelta(days=1)
DELIVERY_LOG = timedelta(days=30)


def new_secret() -> str:
    """A signing secret in the Standard Webhooks form: `whsec_` and base64 of 24 bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64 HMAC-SHA256>` of `id.timestamp.body`, keyed by the secret's base64 part."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


async def check_target(url: str, allow_private: bool) -> None:
    """Refuse a URL that is not http(s), or whose host resolves to a non-public address.

    An early answer for admins; sending does not rely on it: the connection vets the
    addresses it connects to itself (`safe_transport`), so a changed DNS answer is caught.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused("the URL must be http:// or https:// with a host")
    if allow_private:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise TargetRefused("the URL's port is not a number from 0 to 65535") from None
    await vetted(parts.hostname, port, allow_private)


def hook_json(hook: Webhook, now: datetime) -> dict[str, Any]:
    """An endpoint as admins see it: never its secret."""
    rotating = hook.previous_until is not None and hook.previous_until > now
    return {
        "id": hook.id,
        "url": hook.url,
        "events": list(hook.events),
        "enabled": hook.enabled,
        "failures": hook.failures,
        "created_at": iso(hook.created_at),
        "previous_secret_until": iso(hook.previous_until) if rotating else None,
    }


def delivery_json(delivery: WebhookDelivery) -> dict[str, Any]:
    """One attempt, for the delivery log."""
    return {
        "id": delivery.id,
        "message_id": delivery.message_id,
        "event": delivery.event,
        "status": delivery.status,
        "response_code": delivery.response_code,
        "latency_ms": delivery.latency_ms,
        "attempt": delivery.attempt,
        "error": delivery.error,
        "created_at": iso(delivery.created_at),
        "delivered_at": iso(delivery.delivered_at),
    }


class Webhooks:
    """The admin use cases: add, list, remove, rotate, test, and read the log."""

    def __init__(self, deps: Deps, staff: Staff, *, allow_private: bool = False) -> None:
        self._deps = deps
        self._staff = staff
        self._allow_private = allow_private
        self._make = Consequences(deps)

    def _audited(self, viewer: Viewer, hook: Webhook, action: str) -> Effects:
        """The audit row of a change to an endpoint: its URL and events, never its secret."""
        details = {"webhook_id": hook.id, "url": hook.url, "events": list(hook.events)}
        entry = self._make.audit(hook.site, viewer.user.id, action, details=details)
        return Effects(audit=(entry,))

    async def endpoints(self, viewer: Viewer, site_name: str) -> list[dict[str, Any]]:
        """The site's endpoints (admins)."""
        site = await self._staff.require(viewer, site_name, admin=True)
        now = self._deps.clock()
        return [hook_json(h, now) for h in await self._deps.storage.webhooks(site.name)]

    async def create(
        self, viewer: Viewer, site_name: str, url: str, events: Sequence[str]
    ) -> dict[str, Any]:
        """Add an endpoint; the answer carries its secret, this once."""
        site = await self._staff.require(viewer, site_name, admin=True)
        url = url.strip()
        if not url or len(url) > MAX_URL:
            raise Invalid("The URL must be 1 to 2,000 characters.", fields={"url": "length"})
        if not all("!" <= char <= "~" for char in url):
            raise Invalid(
                "The URL must be plain ASCII without spaces (percent-encode the rest).",
                fields={"url": "characters"},
            )
        try:
            await check_target(url, self._allow_private)
        except TargetRefused as exc:
            raise Invalid(
                f"This URL cannot receive webhooks: {exc}.", fields={"url": "refused"}
            ) from None
        unknown = [e for e in events if e not in EVENTS]
        if unknown or not events:
            raise Invalid(
                "Events must be a non-empty list of: " + ", ".join(EVENTS) + ".",
                fields={"events": "unknown"},
            )
        now = self._deps.clock()
        hook = Webhook(
            id=self._deps.ids.new(),
            site=site.name,
            url=url,
            events=tuple(dict.fromkeys(events)),
            secret=new_secret(),
            previous_secret=None,
            previous_until=None,
            enabled=True,
            failures=0,
            created_at=now,
        )
        effects = self._audited(viewer, hook, "webhook.add")
        if not await self._deps.storage.add_webhook(hook, MAX_ENDPOINTS, effects):
            raise Invalid(
                f"A site may have at most {MAX_ENDPOINTS} webhook endpoints.",
                fields={"url": "too_many"},
            )
        return hook_json(hook, now) | {"secret": hook.secret}

    async def _hook(self, viewer: Viewer, site_name: str, webhook_id: str) -> Webhook:
        site = await self._staff.require(viewer, site_name, admin=True)
        hook = (
            await self._deps.storage.get_webhook(webhook_id) if looks_like_id(webhook_id) else None
        )
        if hook is None or hook.site != site.name:
            raise NotFound("There is no such webhook.")
        return hook

    async def delete(self, viewer: Viewer, site_name: str, webhook_id: str) -> None:
        """Remove an endpoint and its log; what is queued for it is dropped."""
        hook = await self._hook(viewer, site_name, webhook_id)
        effects = self._audited(viewer, hook, "webhook.delete")
        await self._deps.storage.delete_webhook(hook.site, hook.id, effects)

    async def rotate(self, viewer: Viewer, site_name: str, webhook_id: str) -> dict[str, Any]:
        """A new secret; the old one keeps signing beside it for a day."""
        hook = await self._hook(viewer, site_name, webhook_id)
        secret = new_secret()
        until = self._deps.clock() + ROTATION_OVERLAP
        effects = self._audited(viewer, hook, "webhook.rotate")
        await self._deps.storage.rotate_webhook(hook.id, secret, hook.secret, until, effects)
        return {"secret": secret, "previous_secret_until": iso(until)}

    async def enable(self, viewer: Viewer, site_name: str, webhook_id: str) -> dict[str, Any]:
        """Switch an endpoint back on (after it was disabled for failing), failures reset."""
        hook = await self._hook(viewer, site_name, webhook_id)
        effects = self._audited(viewer, hook, "webhook.enable")
        await self._deps.storage.enable_webhook(hook.id, effects)
        again = await self._deps.storage.get_webhook(hook.id)
        if again is None:
            raise NotFound("There is no such webhook.")
        return hook_json(again, self._deps.clock())

    async def deliveries(
        self, viewer: Viewer, site_name: str, webhook_id: str, before: str | None, limit: int
    ) -> list[dict[str, Any]]:
        """The endpoint's attempts, newest first."""
        hook = await self._hook(viewer, site_name, webhook_id)
        rows = await self._deps.storage.deliveries(hook.id, before, limit)
        return [delivery_json(d) for d in rows]

    async def test(self, viewer: Viewer, site_name: str, webhook_id: str) -> str:
        """Queue a `webhook.test` message to the endpoint; answers its message id."""
        hook = await self._hook(viewer, site_name, webhook_id)
        item_id = self._deps.ids.new()
        data = {"webhook_id": hook.id, "site": hook.site}
        message = envelope(TEST_EVENT, self._deps.clock(), data)
        return await self._queue(hook, item_id, f"msg_{item_id}", TEST_EVENT, message)

    async def redeliver(
        self, viewer: Viewer, site_name: str, webhook_id: str, delivery_id: str
    ) -> str:
        """Send a logged message again, with its own id (receivers may drop a repeat)."""
        hook = await self._hook(viewer, site_name, webhook_id)
        delivery = (
            await self._deps.storage.get_delivery(delivery_id)
            if looks_like_id(delivery_id)
            else None
        )
        if delivery is None or delivery.webhook_id != hook.id:
            raise NotFound("There is no such delivery.")
        return await self._queue(
            hook, self._deps.ids.new(), delivery.message_id, delivery.event, delivery.payload
        )

    async def _queue(
        self, hook: Webhook, item_id: str, message_id: str, event: str, message: dict[str, Any]
    ) -> str:
        item = send_item(item_id, hook, message_id, event, message, self._deps.clock())
        await self._deps.storage.record(Effects(outbox=(item,)))
        self._deps.wakeup.set()
        return message_id


def envelope(event: str, now: datetime, data: dict[str, Any]) -> dict[str, Any]:
    """The Standard Webhooks payload shape."""
    return {"type": event, "timestamp": iso(now), "data": data}


def send_item(
    item_id: str,
    hook: Webhook,
    message_id: str,
    event: str,
    message: dict[str, Any],
    now: datetime,
) -> OutboxItem:
    """The outbox row that delivers one message to one endpoint."""
    payload = {"webhook_id": hook.id, "message_id": message_id, "event": event, "message": message}
    return OutboxItem(id=item_id, site=hook.site, kind=SEND_KIND, payload=payload, created_at=now)


def _derived_id(source: str, hook: str, event: str) -> str:
    """Stable per source row, endpoint and event; sorts near the source row."""
    digest = hashlib.sha256(f"{source}:{hook}:{event}".encode()).digest()
    return source[:10] + base64.b32encode(digest).decode()[:16]


def _may_stand_for_an_event(item: OutboxItem) -> bool:
    """A cheap first look, before `_events` asks the database anything."""
    payload = item.payload
    if item.kind == "moderation.publish":
        return payload.get("event") in ("queue.decided", "user.banned", "user.unbanned")
    if item.kind == "moderation.queue_added":
        return payload.get("status") == "reported"
    if item.kind == THREAD_STATE:
        return True
    if item.kind == "thread.changed":
        events = ("comment.created", "comment.updated", "comment.removed")
        return bool(payload.get("comment_id")) and payload.get("event") in events
    return False


class WebhookSender:
    """The dispatcher's part: fan events out to endpoints, and send one message."""

    def __init__(self, deps: Deps, queues: Queues, *, allow_private: bool = False) -> None:
        self._deps = deps
        self._queues = queues
        self._allow_private = allow_private
        self._make = Consequences(deps)
        self.timeout = TIMEOUT

    async def _events(self, item: OutboxItem) -> list[tuple[str, dict[str, Any] | None]]:
        """The webhook events an outbox row stands for, with their data (None: gone)."""
        payload = item.payload
        kind = item.kind
        if kind == "moderation.publish":
            event, data = payload.get("event"), payload.get("data") or {}
            if event == "queue.decided" and data.get("status") in ("approved", "rejected"):
                name = f"comment.{data['status']}"
                return [(name, await self._comment(item.site, str(data["id"])))]
            if event in ("user.banned", "user.unbanned"):
                return [(str(event), dict(data))]
        elif kind == "moderation.queue_added" and payload.get("status") == "reported":
            data = await self._comment(item.site, str(payload["comment_id"]))
            return [("comment.reported", data)]
        elif kind == THREAD_STATE:
            closed = bool(payload.get("closed"))
            thread = {"key": str(payload.get("thread")), "closed": closed}
            return [("thread.closed" if closed else "thread.opened", {"thread": thread})]
        elif kind == "thread.changed" and payload.get("comment_id"):
            event, comment_id = payload.get("event"), str(payload["comment_id"])
            if event == "comment.created" and "thread" in payload:  # a post, shown at once
                return [("comment.created", await self._comment(item.site, comment_id))]
            if event == "comment.updated":
                return [("comment.updated", await self._comment(item.site, comment_id))]
            if event == "comment.removed":
                data = await self._comment(item.site, comment_id)
                if data is not None and data["comment"]["status"] == "deleted":
                    return [("comment.deleted", data)]
        return []

    async def _comment(self, site_name: str, comment_id: str) -> dict[str, Any] | None:
        """The comment as the moderation queue shows it (no e-mail, no client address)."""
        storage = self._deps.storage
        site = await storage.get_site(site_name)
        if site is None:
            return None
        return await self._queues.item_json(site, comment_id, "en")

    async def fan_out(self, item: OutboxItem) -> None:
        """Queue one send row per endpoint that wants the event this row stands for."""
        if not _may_stand_for_an_event(item):
            return  # most rows (counts, claims, votes): no query for them
        hooks = [h for h in await self._deps.storage.webhooks(item.site) if h.enabled]
        if not hooks:
            return
        wanted = {event for h in hooks for event in h.events}
        found = [(e, d) for e, d in await self._events(item) if e in wanted and d is not None]
        now = self._deps.clock()
        rows = []
        for event, data in found:
            message = envelope(event, now, data)
            for hook in hooks:
                if event in hook.events:
                    row_id = _derived_id(item.id, hook.id, event)
                    rows.append(send_item(row_id, hook, f"msg_{row_id}", event, message, now))
        await self._deps.storage.enqueue(rows)
        if rows:
            self._deps.wakeup.set()

    async def wants(self, site: str, event: str) -> bool:
        """Whether an enabled endpoint of the site takes this event."""
        return any(h.enabled and event in h.events for h in await self._deps.storage.webhooks(site))

    async def rows_for(
        self, site: str, event: str, data: dict[str, Any], source_id: str
    ) -> list[OutboxItem]:
        """The send rows of one event made elsewhere (an alert), to commit with its cause."""
        now = self._deps.clock()
        message = envelope(event, now, data)
        rows = []
        for hook in await self._deps.storage.webhooks(site):
            if hook.enabled and event in hook.events:
                row_id = _derived_id(source_id, hook.id, event)
                rows.append(send_item(row_id, hook, f"msg_{row_id}", event, message, now))
        return rows

    async def send(self, row: DueOutbox) -> None:
        """POST one message; raise (to be retried) unless the endpoint answered 2xx."""
        payload = row.item.payload
        hook = await self._deps.storage.get_webhook(str(payload["webhook_id"]))
        if hook is None or not hook.enabled:
            return  # removed or disabled since: nothing to send
        message_id = str(payload["message_id"])
        body = json.dumps(payload["message"], separators=(",", ":")).encode()
        now = self._deps.clock()
        stamp = int(now.timestamp())
        signs = [signature(hook.secret, message_id, stamp, body)]
        if hook.previous_secret and hook.previous_until and hook.previous_until > now:
            signs.append(signature(hook.previous_secret, message_id, stamp, body))
        headers = {
            "content-type": "application/json",
            "user-agent": "comments-webhooks",
            "webhook-id": message_id,
            "webhook-timestamp": str(stamp),
            "webhook-signature": " ".join(signs),
        }
        code: int | None = None
        error: str | None = None
        outcome = "error"
        started = time.monotonic()
        try:
            await check_target(hook.url, self._allow_private)
            async with (
                httpx.AsyncClient(
                    transport=vetted_transport(self._allow_private),
                    timeout=self.timeout,
                    follow_redirects=False,
                ) as client,
                client.stream("POST", hook.url, content=body, headers=headers) as response,
            ):
                code = response.status_code
                seen = 0
                async for chunk in response.aiter_raw():
                    seen += len(chunk)
                    if seen >= MAX_RESPONSE:
                        break  # the answer's body is not ours to read in full
        except TargetRefused as exc:
            error, outcome = f"refused: {exc}", "refused"
        except httpx.TimeoutException:
            error, outcome = f"timeout: no answer within {self.timeout:g} s", "timeout"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        latency = int((time.monotonic() - started) * 1000)
        ok = error is None and code is not None and 200 <= code < 300
        if error is None and not ok:
            error, outcome = f"answered {code}", "rejected"
        self._deps.telemetry.webhook("delivered" if ok else outcome)
        done = self._deps.clock()
        delivery = WebhookDelivery(
            id=self._deps.ids.new(),
            webhook_id=hook.id,
            message_id=message_id,
            event=str(payload["event"]),
            payload=dict(payload["message"]),
            status="delivered" if ok else "failed",
            response_code=code,
            latency_ms=latency,
            attempt=row.attempts,
            error=error,
            created_at=done,
            delivered_at=done if ok else None,
        )
        enabled = await self._deps.storage.log_delivery(
            delivery, DISABLE_AFTER, NO_EFFECTS if ok else self._disabled(hook)
        )
        if ok:
            return
        if not enabled:
            log.warning("webhook %s of %s failed %d times in a row: disabled",
                        hook.id, hook.site, DISABLE_AFTER)  # fmt: skip
            return
        raise WebhookFailed(error or "failed")

    def _disabled(self, hook: Webhook) -> Effects:
        """What commits if this attempt switches the endpoint off: an audit row, and an
        outbox row from which the site's admins are told."""
        details = {"webhook_id": hook.id, "url": hook.url, "failures": DISABLE_AFTER}
        entry = self._make.audit(hook.site, None, DISABLED_KIND, details=details)
        item = self._make.item(hook.site, DISABLED_KIND, {"webhook_id": hook.id, "url": hook.url})
        return Effects(audit=(entry,), outbox=(item,))


class WebhookFailed(Exception):
    """The endpoint did not take the message; the dispatcher tries again later."""

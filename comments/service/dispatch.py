"""The dispatcher: turns committed outbox rows into live events, counts and cache chores.

It runs in every web process (woken right after each commit, and polling every few
seconds for rows another instance left behind) unless `COMMENTS_WORKER=external`, when
`comments worker` runs it alone. Rows are leased, so several dispatchers share the work;
a failing delivery is retried with growing pauses and given up (kept, marked failed)
after `MAX_ATTEMPTS`. Delivered rows and idempotency records are pruned after
`RETENTION` (24 hours), webhook delivery attempts after `DELIVERY_LOG` (30 days).
Delivery is at least once: a subscriber may see an event twice. A row that reaches
another party (a webhook, a mail) is marked delivered as soon as that party accepted it,
so a crash repeats at most the one in flight, with its id (`webhook-id`, `Message-ID`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from comments.service.context import Deps
from comments.service.effects import THREAD_STATE, channel
from comments.service.freshness import KIND as FRESHNESS_KIND
from comments.service.freshness import Freshness
from comments.service.idempotency import KEEP
from comments.service.mail import MAIL_KIND
from comments.service.notices import NOTICE_LOG, Noticer
from comments.service.queue import Queues, claim_key
from comments.service.sites import Sites
from comments.service.smtp import MailSender, Undeliverable
from comments.service.webhooks import DELIVERY_LOG, SEND_KIND, WebhookSender
from comments.storage import DueOutbox

log = logging.getLogger(__name__)

RETENTION = timedelta(hours=24)
MAX_ATTEMPTS = 12
LEASE = timedelta(seconds=30)
BATCH = 100
REMOTE = (SEND_KIND, MAIL_KIND)  # rows that reach another party: each marked once it took it
PRUNE_EVERY = 600.0


def backoff(attempts: int) -> timedelta:
    """How long to wait before trying a row again: 2, 4, 8 … seconds, at most five minutes."""
    return timedelta(seconds=min(300, 2**attempts))


class Dispatcher:
    """Delivers what writes left in the outbox."""

    def __init__(self, deps: Deps, sites: Sites, queues: Queues, poll_seconds: float = 2.0):
        self._deps = deps
        self._sites = sites
        self._queues = queues
        self._poll = poll_seconds
        self._task: asyncio.Task[None] | None = None
        self._down = False
        self._fresh = Freshness(deps)
        # The thread's live readers: `Live.deliver`, set by the service once it has one.
        self.live: Callable[[str, dict[str, Any]], Awaitable[None]] | None = None
        # Webhook fan-out and sending (comments/service/webhooks.py), set by the app factory.
        self.webhooks: WebhookSender | None = None
        # Notices, digests and alerts (comments/service/notices.py) and the relay, likewise.
        self.notices: Noticer | None = None
        self.mailer: MailSender | None = None
        self.delivered = 0
        self.failed = 0

    async def deliver_due(self) -> int:
        """Deliver every due row once; answers how many were delivered."""
        now = self._deps.clock()
        due = await self._deps.storage.lease_outbox(now, now + LEASE, BATCH)
        done: list[str] = []
        sent = 0
        counted: set[str] = set()
        for row in due:
            try:
                await self._deliver(row, counted)
            except Exception as exc:
                await self._retry(row, exc)
                continue
            if row.item.kind in REMOTE:
                # Marked at once: a crash later in the batch must not send it again.
                await self._deps.storage.outbox_done([row.item.id], self._deps.clock())
                sent += 1
            else:
                done.append(row.item.id)
        await self._deps.storage.outbox_done(done, self._deps.clock())
        self.delivered += len(done) + sent
        return len(done) + sent

    async def _deliver(self, row: DueOutbox, counted: set[str]) -> None:
        item = row.item
        payload: dict[str, Any] = item.payload
        broker = self._deps.broker
        if self.webhooks is not None and item.kind != SEND_KIND:
            # First, so webhooks wait on no other engine; a retry of the row repeats the
            # fan-out, which adds nothing (its rows' ids derive from this row's).
            await self.webhooks.fan_out(item)
        if self.notices is not None and item.kind not in (SEND_KIND, MAIL_KIND):
            await self.notices.fan_out(item)  # likewise repeatable: notice ids derive
        if item.kind == "moderation.publish":
            await broker.publish(channel(item.site), payload["event"], payload["data"])
        elif item.kind == "moderation.queue_added":
            site = await self._sites.get(item.site)
            # One event for every moderator watching: in the default language.
            data = await self._queues.item_json(site, str(payload["comment_id"]), "en")
            if data is not None:
                status = str(payload.get("status", "pending"))
                await broker.publish(
                    channel(item.site), "queue.added", {"status": status, "item": data}
                )
        elif item.kind == "moderation.counts":
            if item.site not in counted:  # one fresh count per site and batch is enough
                counted.add(item.site)
                site = await self._sites.get(item.site)
                await broker.publish(
                    channel(item.site), "counts", await self._queues.counts_event(site)
                )
        elif item.kind == FRESHNESS_KIND:
            # Bumped right after the commit already, unless Redis failed then: once per token.
            await self._fresh.bump(item.site, payload, item.id)
            if self.live is not None and payload.get("event"):
                await self.live(item.site, payload | {"token": item.id})  # sent once
        elif item.kind == "claim.release":
            await self._deps.cache.delete(claim_key(str(payload["comment_id"])))
        elif item.kind == SEND_KIND:
            if self.webhooks is not None:
                await self.webhooks.send(row)
        elif item.kind == THREAD_STATE:
            pass  # for the webhooks alone: fanned out above
        elif item.kind == "webhook.disabled":
            pass  # an endpoint switched off for failing: its admins' mail is queued above
        elif item.kind == MAIL_KIND:
            if self.mailer is None:
                raise RuntimeError("no mail relay is set (COMMENTS_SMTP_HOST)")
            await self.mailer.send(row)
        else:
            log.warning("outbox row %s has an unknown kind %r; dropping it", item.id, item.kind)

    async def _retry(self, row: DueOutbox, exc: Exception) -> None:
        now = self._deps.clock()
        error = f"{type(exc).__name__}: {exc}"
        if row.attempts >= MAX_ATTEMPTS or isinstance(exc, Undeliverable):
            log.error("giving up on outbox row %s (%s) after %d tries: %s",
                      row.item.id, row.item.kind, row.attempts, error)  # fmt: skip
            self.failed += 1
            await self._deps.storage.outbox_retry(row.item.id, None, error, now)
            return
        log.warning("outbox row %s (%s) failed, retrying: %s", row.item.id, row.item.kind, error)
        await self._deps.storage.outbox_retry(row.item.id, now + backoff(row.attempts), error, now)

    async def prune(self) -> None:
        """Forget delivered rows and idempotency records past their retention."""
        now = self._deps.clock()
        rows, keys = await self._deps.storage.prune(now - RETENTION, now - KEEP)
        if rows or keys:
            log.info("pruned %d delivered outbox rows and %d idempotency records", rows, keys)
        attempts = await self._deps.storage.prune_deliveries(now - DELIVERY_LOG)
        if attempts:
            log.info("pruned %d webhook delivery attempts", attempts)
        notices = await self._deps.storage.prune_notices(now - NOTICE_LOG)
        if notices:
            log.info("pruned %d mailed notices", notices)

    async def run(self) -> None:
        """Deliver until cancelled: on every wake-up, and every `poll_seconds` anyway."""
        wakeup = self._deps.wakeup
        loop = asyncio.get_running_loop()
        next_prune = loop.time()
        while True:
            try:
                while await self.deliver_due() >= BATCH:
                    pass
                if self.notices is not None and await self.notices.flush():
                    await self.deliver_due()  # the mails just sealed, without waiting a round
                if loop.time() >= next_prune:
                    await self.prune()
                    next_prune = loop.time() + PRUNE_EVERY
                if self._down:
                    log.info("the dispatcher reaches the database again")
                    self._down = False
            except asyncio.CancelledError:
                raise
            except Exception:
                if not self._down:
                    log.warning("the dispatcher cannot reach the database; retrying")
                    self._down = True
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wakeup.wait(), self._poll)
            wakeup.clear()

    def start(self) -> None:
        """Run in the background of this process."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self.run(), name="dispatcher")

    async def stop(self) -> None:
        """Stop after the current delivery."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

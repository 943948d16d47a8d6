"""Who is told what: outbox rows become notices, and due notices become one mail each batch.

The dispatcher hands every delivered outbox row to `Noticer.fan_out`, which stores the
notices it stands for: a published reply, for the parent's author who asked to be told;
a held comment decided, for its author; a new queue item or report, for the site's
staff (and one `moderation.alert` for the site's webhooks). A notice's id derives from
what it is about, so a repeated fan-out adds nothing.

`Noticer.flush`, run by the dispatcher on every round, turns each recipient's waiting
notices into one mail (a digest when several), but mails a recipient at most once per
interval: the first reply goes at once, what follows within the interval waits and goes
together. The mail's outbox row commits in the transaction that marks its notices
mailed, so a notice is mailed once, whichever worker seals it. Whether to tell is asked
again at sealing time: a reply removed or an address unsubscribed meanwhile sends nothing.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from comments.mail_address import plain_address
from comments.messages import localized
from comments.models import Comment, Language, User
from comments.service.context import Deps
from comments.service.mail import (
    MAIL_KIND,
    Item,
    Letter,
    MailConfig,
    comment_link,
    compose,
    excerpt,
    link,
    words,
)
from comments.service.mail_tokens import sign
from comments.storage import Channel, Effects, Notice, NotificationPrefs, OutboxItem

log = logging.getLogger(__name__)

UNSUBSCRIBE_PATH = "/mail/unsubscribe"
CONFIRM_PATH = "/mail/confirm"
ALERT_EVENT = "moderation.alert"
BATCHES = 50
DROPPED = datetime(1970, 1, 1, tzinfo=UTC)  # sealed without a mail: counts as no mail sent
NOTICE_LOG = timedelta(days=30)

# Builds the webhook send rows of an alert: (site, event, data, source id) -> rows.
HookRows = Callable[[str, str, dict[str, Any], str], Awaitable[list[OutboxItem]]]
HooksWant = Callable[[str, str], Awaitable[bool]]


def _notice_id(*parts: str) -> str:
    """Stable for what the notice is about; sorts near the first part (an id)."""
    digest = hashlib.sha256(":".join(parts).encode()).digest()
    return parts[0][:10] + base64.b32encode(digest).decode()[:16]


def mail_item(deps: Deps, site: str, to: str, message: str, mail_id: str) -> OutboxItem:
    """The outbox row that hands one composed message to the relay."""
    return OutboxItem(
        id=mail_id,
        site=site,
        kind=MAIL_KIND,
        payload={"to": to, "message": message},
        created_at=deps.clock(),
    )


def unsubscribe_url(deps: Deps, user_id: str, site: str, lists: list[str]) -> str:
    """The one-click link that stops these lists of mails for this person on this site."""
    token = sign(deps.config.signing_key, "unsubscribe", {"u": user_id, "s": site, "l": lists})
    return link(deps.config.public_url, UNSUBSCRIBE_PATH, token)


class Noticer:
    """The dispatcher's part for e-mail and alerts."""

    def __init__(
        self,
        deps: Deps,
        mail: MailConfig,
        *,
        hook_rows: HookRows | None = None,
        hooks_want: HooksWant | None = None,
    ) -> None:
        self._deps = deps
        self.mail = mail
        self._hook_rows = hook_rows
        self._hooks_want = hooks_want

    # -- fan-out ---------------------------------------------------------------------

    async def fan_out(self, item: OutboxItem) -> None:
        """Store the notices this committed row stands for."""
        payload = item.payload
        found: list[Notice] = []
        if item.kind == "thread.changed" and payload.get("event") == "comment.created":
            if payload.get("comment_id"):
                found += await self._reply(str(payload["comment_id"]))
        elif item.kind == "moderation.publish" and payload.get("event") == "queue.decided":
            data = payload.get("data") or {}
            if data.get("from") == "pending" and data.get("status") in ("approved", "rejected"):
                note = str(data["reason"])[:500] if data.get("reason") else None
                found += await self._decision(item, str(data["id"]), str(data["status"]), note)
        elif item.kind == "moderation.queue_added":
            status = str(payload.get("status"))
            if status in ("pending", "reported"):
                kind = "queued" if status == "pending" else "reported"
                found += await self._alert(item.site, str(payload["comment_id"]), kind)
        elif item.kind == "webhook.disabled":
            await self._hook_disabled(item)
        if found:
            await self._deps.storage.add_notices(found)

    def _notice(
        self, recipient: str, site: str, channel: Channel, kind: str, comment_id: str, key: str
    ) -> Notice:
        return Notice(
            id=_notice_id(comment_id, recipient, kind, key),
            recipient=recipient,
            site=site,
            channel=channel,
            kind=kind,
            comment_id=comment_id,
            created_at=self._deps.clock(),
        )

    async def _prefs(self, user_id: str, site: str) -> NotificationPrefs:
        stored = await self._deps.storage.notification_prefs(user_id, site)
        return stored or NotificationPrefs(user_id=user_id, site=site)

    async def _reply(self, comment_id: str) -> list[Notice]:
        if not self.mail.enabled:
            return []
        storage = self._deps.storage
        reply = await storage.get_comment(comment_id)
        if reply is None or reply.parent_id is None or not await self._visible(reply):
            return []
        parent = await storage.get_comment(reply.parent_id)
        if parent is None or parent.author_id == reply.author_id:
            return []
        if not parent.notify and not (await self._prefs(parent.author_id, parent.site)).replies:
            return []
        if await self._address(parent.author_id) is None:
            return []
        return [self._notice(parent.author_id, reply.site, "reader", "reply", reply.id, "")]

    async def _decision(
        self, item: OutboxItem, comment_id: str, status: str, note: str | None
    ) -> list[Notice]:
        if not self.mail.enabled:
            return []
        comment = await self._deps.storage.get_comment(comment_id)
        if comment is None or await self._address(comment.author_id) is None:
            return []
        if not (await self._prefs(comment.author_id, comment.site)).decisions:
            return []
        notice = self._notice(
            comment.author_id, comment.site, "reader", status, comment.id, item.id
        )
        return [replace(notice, note=note)]

    async def _staff(self, site: str) -> list[str]:
        found = await self._deps.storage.staff_ids(site)
        return sorted(set(found) | set(self._deps.config.admins))

    async def _alert(self, site: str, comment_id: str, kind: str) -> list[Notice]:
        found: list[Notice] = []
        if self.mail.enabled:
            for user_id in await self._staff(site):
                if await self._address(user_id) is None:
                    continue
                if (await self._prefs(user_id, site)).alerts:
                    found.append(self._notice(user_id, site, "staff", kind, comment_id, ""))
        if self._hooks_want is not None and await self._hooks_want(site, ALERT_EVENT):
            found.append(self._notice(site, site, "hooks", kind, comment_id, ""))
        return found

    async def _hook_disabled(self, item: OutboxItem) -> None:
        """Tell the site's admins at once that an endpoint was switched off for failing."""
        if not self.mail.enabled:
            return
        storage = self._deps.storage
        url = str(item.payload.get("url", ""))
        admins = {u for u, _, roles in await storage.list_roles(item.site) if "admin" in roles}
        rows = []
        for user_id in sorted(admins | set(self._deps.config.admins)):
            user = await storage.get_user(user_id)
            if user is None or user.email is None or not plain_address(user.email):
                continue
            language: Language = user.language or "en"
            letter = Letter(
                to=user.email,
                language=language,
                subject=words(language, "hook_off_subject", site=item.site),
                items=[
                    Item(
                        line=words(language, "hook_off_line", url=url),
                        link=f"{self._deps.config.public_url}/moderate#/webhooks",
                        link_label=words(language, "open_webhooks"),
                    )
                ],
                why=words(language, "why_admin", site=item.site),
            )
            mail_id = _notice_id(item.id, user_id, "hook_off", "")
            message = self._compose(letter, mail_id)
            rows.append(mail_item(self._deps, item.site, user.email, message, mail_id))
        await storage.enqueue(rows)

    async def _visible(self, comment: Comment) -> bool:
        """Published, and shown to others (no shadow-banned author's)."""
        if comment.status != "approved" or comment.shadowed:
            return False
        ban = await self._deps.storage.get_ban(comment.site, comment.author_id)
        return ban is None or not ban.shadow or not ban.active(self._deps.clock())

    async def _address(self, user_id: str) -> User | None:
        user = await self._deps.storage.get_user(user_id)
        if user is None or user.email is None or not plain_address(user.email):
            return None
        return user

    # -- flushing --------------------------------------------------------------------

    async def flush(self) -> int:
        """Seal every due batch into its mail (or webhook alert); answers how many."""
        storage = self._deps.storage
        now = self._deps.clock()
        sealed = 0
        for recipient, site, channel in await storage.due_batches(
            now - self.mail.interval, BATCHES
        ):
            notices = await storage.waiting_notices(recipient, site, channel)
            if not notices:
                continue
            try:
                if await self._seal(recipient, site, channel, notices):
                    sealed += 1
            except Exception:
                log.exception("could not prepare the mail for %s on %s", recipient, site)
        if sealed:
            self._deps.wakeup.set()
        return sealed

    async def _seal(
        self, recipient: str, site: str, channel: Channel, notices: list[Notice]
    ) -> bool:
        storage = self._deps.storage
        ids = [n.id for n in notices]
        mail_id = self._deps.ids.new()
        if channel == "hooks":
            rows = await self._hook_alert(site, notices, mail_id)
            return await storage.seal_batch(ids, mail_id, self._deps.clock(), Effects(outbox=rows))
        user = await self._address(recipient) if self.mail.enabled else None
        letter = await self._letter(user, site, channel, notices) if user else None
        if user is None or user.email is None or letter is None:
            return await storage.seal_batch(ids, "", DROPPED, Effects())
        row = mail_item(self._deps, site, user.email, self._compose(letter, mail_id), mail_id)
        return await storage.seal_batch(ids, mail_id, self._deps.clock(), Effects(outbox=(row,)))

    def _compose(self, letter: Letter, mail_id: str) -> str:
        return compose(
            letter,
            sender=self.mail.sender,
            mail_id=mail_id,
            public_url=self._deps.config.public_url,
            now=self._deps.clock(),
        )

    async def _letter(
        self, user: User, site: str, channel: Channel, notices: list[Notice]
    ) -> Letter | None:
        """The mail for these notices, or None when none of them still holds."""
        assert user.email is not None
        language: Language = user.language or "en"
        prefs = await self._prefs(user.id, site)
        items: list[Item] = []
        kinds: list[str] = []
        first_name = ""
        for notice in notices:
            made = await self._item(notice, language, prefs)
            if made is None:
                continue
            item, name = made
            items.append(item)
            kinds.append(notice.kind)
            first_name = first_name or name
        if not items:
            return None
        count = len(items)
        if channel == "staff":
            subject = words(language, "alert_subject", count=count, site=site)
            why, lists = words(language, "why_alerts", site=site), ["alerts"]
        elif count == 1 and kinds[0] in ("approved", "rejected"):
            subject = words(language, f"{kinds[0]}_subject")
            why, lists = words(language, "why_decisions", site=site), ["decisions"]
        elif all(kind == "reply" for kind in kinds):
            subject = (
                words(language, "reply_subject", name=first_name)
                if count == 1
                else words(language, "digest_subject", count=count)
            )
            why, lists = words(language, "why_replies", site=site), ["replies"]
        else:
            subject = words(language, "updates_subject", count=count)
            why, lists = words(language, "why_replies", site=site), ["replies", "decisions"]
        return Letter(
            to=user.email,
            language=language,
            subject=subject,
            items=items,
            why=why,
            unsubscribe_url=unsubscribe_url(self._deps, user.id, site, lists),
        )

    async def _item(
        self, notice: Notice, language: Language, prefs: NotificationPrefs
    ) -> tuple[Item, str] | None:
        """One notice as a paragraph of the mail, with the name it is about."""
        storage = self._deps.storage
        if notice.comment_id is None:
            return None
        comment = await storage.get_comment(notice.comment_id)
        if comment is None:
            return None
        thread = await storage.get_thread_by_id(comment.thread_id)
        author = await storage.get_user(comment.author_id)
        if thread is None:
            return None
        title = thread.title or thread.key
        name = author.name if author else "?"
        open_comment = words(language, "open_comment")
        here = comment_link(thread.url, comment.id)
        if notice.kind == "reply":
            parent = await storage.get_comment(comment.parent_id) if comment.parent_id else None
            still_asked = parent is not None and (parent.notify or prefs.replies)
            if not still_asked or not await self._visible(comment):
                return None
            line = words(language, "reply_line", name=name, title=title)
            return Item(line, here, open_comment, quote=excerpt(comment.body)), name
        if notice.kind in ("approved", "rejected"):
            if not prefs.decisions or comment.status != notice.kind:
                return None
            line = words(language, f"{notice.kind}_line", title=title)
            reason = self._reason(comment, notice.note, language)
            label = open_comment if notice.kind == "approved" else words(language, "open_article")
            target = here if notice.kind == "approved" else thread.url
            return Item(line, target, label, quote=excerpt(comment.body), reason=reason), name
        if notice.kind in ("queued", "reported"):
            if not prefs.alerts:
                return None
            if notice.kind == "queued" and comment.status != "pending":
                return None  # decided meanwhile
            line = words(language, f"{notice.kind}_line", title=title, name=name)
            status = "pending" if notice.kind == "queued" else "reported"
            target = (
                f"{self._deps.config.public_url}/moderate?site={comment.site}"
                f"&item={comment.id}#/{status}"
            )
            return Item(
                line, target, words(language, "open_queue"), quote=excerpt(comment.body)
            ), name
        return None

    def _reason(self, comment: Comment, note: str | None, language: Language) -> str | None:
        """Why: the moderator's words, else (for a rejection) the rules that held it."""
        if note:
            text = note
        elif comment.status == "rejected":
            text = "; ".join(s for s in (localized(r, language) for r in comment.reasons) if s)
        else:
            text = ""
        return words(language, "reason", reason=text) if text else None

    async def _hook_alert(
        self, site: str, notices: list[Notice], mail_id: str
    ) -> tuple[OutboxItem, ...]:
        if self._hook_rows is None:
            return ()
        queued = [n.comment_id for n in notices if n.kind == "queued" and n.comment_id]
        reported = [n.comment_id for n in notices if n.kind == "reported" and n.comment_id]
        data = {
            "site": site,
            "pending": queued,
            "reported": reported,
            "dashboard_url": f"{self._deps.config.public_url}/moderate?site={site}#/pending",
        }
        return tuple(await self._hook_rows(site, ALERT_EVENT, data, mail_id))

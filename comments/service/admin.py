"""Running a site: thread switches, settings, allowed words, roles, the audit log, and the
dry run.

Each change commits with its audit row; a refused change of roles gets one of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from comments.errors import Conflict, Forbidden, NotFound, invalid
from comments.ids import looks_like_id
from comments.models import (
    MAX_BODY,
    MAX_LIST_WORDS,
    AuditEntry,
    Role,
    Site,
    SitePolicy,
    Thread,
)
from comments.moderation import Decision
from comments.service import validation
from comments.service.audit import LoggedComment, list_change, logged_comment, policy_changes
from comments.service.context import Deps
from comments.service.effects import THREAD_STATE, Consequences
from comments.service.freshness import Freshness
from comments.service.screening import Screening
from comments.service.sessions import Viewer, sessions_changed
from comments.service.sites import Sites, normalise_origins
from comments.service.staff import Staff
from comments.storage import Effects, OutboxItem, ThreadChange

MAX_ENTRY = 64  # characters of one list entry (`ListedWord`)


def allowed_entry(word: str) -> str:
    """A word for the allowed list, trimmed as the settings page trims each line."""
    word = word.strip()
    if not word:
        raise invalid("word", "must not be empty")
    if any(mark in word for mark in "\r\n\u2028\u2029\x0b\x0c\x85"):
        raise invalid("word", "must be one line")
    if len(word) > MAX_ENTRY:
        raise invalid("word", f"must be at most {MAX_ENTRY} characters")
    return word


def _folded(word: str) -> str:
    """How a list compares two entries: case and spacing do not make a word new."""
    return " ".join(word.casefold().split())


@dataclass(frozen=True)
class LogEntry:
    """One row of the audit log, its actor's name, and the comment it is about (if any)."""

    entry: AuditEntry
    actor_name: str | None
    comment: LoggedComment | None


@dataclass(frozen=True)
class StaffMember:
    """Someone with a role on a site; `environment`: an admin named in the settings,
    whom the role list cannot change."""

    user_id: str
    name: str | None
    roles: list[Role]
    source: Literal["site", "environment"]


class Admin:
    """What moderators do to threads, and admins to the site."""

    def __init__(self, deps: Deps, staff: Staff, sites: Sites, screening: Screening) -> None:
        self._deps = deps
        self._staff = staff
        self._sites = sites
        self._screening = screening
        self._make = Consequences(deps)
        self._fresh = Freshness(deps)

    def _audited(
        self, site: str, actor: str, action: str, changed: OutboxItem | None, **fields: object
    ) -> Effects:
        """An audit row, and the page change readers must see (if any)."""
        outbox = (changed,) if changed is not None else ()
        return Effects(audit=(self._make.audit(site, actor, action, **fields),), outbox=outbox)

    async def set_thread_closed(
        self, viewer: Viewer, site_name: str, key: str, closed: bool
    ) -> Thread:
        """Close a thread to new comments, or open it again."""
        site = await self._staff.require(viewer, site_name)
        action = "close_thread" if closed else "open_thread"
        changed = self._make.changed(site.name, thread=key, event="thread.updated")
        effects = self._audited(site.name, viewer.user.id, action, changed, details={"thread": key})
        # For the webhooks: readers' `thread.updated` doesn't say which way it went.
        state = self._make.item(site.name, THREAD_STATE, {"thread": key, "closed": closed})
        effects = replace(effects, outbox=(*effects.outbox, state))
        thread = await self._deps.storage.change_thread(
            site.name, key, ThreadChange(closed=closed), effects
        )
        if thread is None:
            raise NotFound("Nobody has commented on this article yet.")
        await self._fresh.after(effects)
        return thread

    async def thread_options(
        self, viewer: Viewer, site_name: str, key: str, change: ThreadChange
    ) -> Thread:
        """Per-thread pre-moderation and slow mode (None goes back to the site's policy)."""
        site = await self._staff.require(viewer, site_name)
        details = {"thread": key} | dict(change.values())
        changed = self._make.changed(site.name, thread=key, event="thread.updated")
        effects = self._audited(
            site.name, viewer.user.id, "thread_options", changed, details=details
        )
        thread = await self._deps.storage.change_thread(site.name, key, change, effects)
        if thread is None:
            raise NotFound("Nobody has commented on this article yet.")
        await self._fresh.after(effects)
        return thread

    async def log(
        self, viewer: Viewer, site_name: str, cursor: str | None, limit: int = 50
    ) -> tuple[list[LogEntry], str | None]:
        """The audit log, newest first, each entry with its comment when it is about one."""
        site = await self._staff.require(viewer, site_name)
        if cursor is not None and not looks_like_id(cursor):
            raise invalid("cursor", "is not a cursor from this log")
        entries = await self._deps.storage.list_audit(site.name, cursor, limit + 1)
        more = len(entries) > limit
        entries = entries[:limit]
        about = sorted({entry.comment_id for entry, _ in entries if entry.comment_id})
        rows = await self._deps.storage.comment_rows(about) if about else {}
        page = [
            LogEntry(entry, name, logged_comment(rows[entry.comment_id])
                     if entry.comment_id in rows else None)
            for entry, name in entries
        ]  # fmt: skip
        return page, entries[-1][0].id if more and entries else None

    async def update_settings(
        self,
        viewer: Viewer,
        site_name: str,
        *,
        policy: SitePolicy | None,
        origins: list[str] | None,
        sso_secret: str | None,
    ) -> Site:
        """Admins change the site's policy, origins and SSO secret."""
        current = await self._staff.require(viewer, site_name, admin=True)
        if policy is not None:
            try:
                await self._deps.words.matcher(policy)  # compiles now: a bad entry is a 422
            except ValueError as exc:
                raise invalid("policy", str(exc)) from None
        if policy is not None and policy.classifier_secret is None:
            # The secret is write-only: a policy sent back without it keeps the old one.
            policy = policy.model_copy(
                update={"classifier_secret": current.policy.classifier_secret}
            )
        given = (("policy", policy), ("origins", origins), ("sso_secret", sso_secret))
        changed = sorted(name for name, value in given if value is not None)
        changes = policy_changes(current.policy, policy) if policy is not None else {}
        if origins is not None and list(normalise_origins(origins)) != list(current.origins):
            changes["origins"] = list_change(current.origins, normalise_origins(origins))
        if sso_secret is not None and sso_secret != current.sso_secret:
            changes["sso_secret"] = {"changed": True}
        effects = self._audited(
            current.name, viewer.user.id, "settings", None,
            details={"changed": changed, "changes": changes},
        )  # fmt: skip
        # The site's pages change with it: `update` bumps them.
        return await self._sites.update(
            site_name, origins=origins, policy=policy, sso_secret=sso_secret, effects=effects
        )

    async def roles(self, viewer: Viewer, site_name: str) -> list[StaffMember]:
        """Who moderates and administers the site (admins only): its own staff, then the
        admins named in the settings (with any role they also hold here)."""
        site = await self._staff.require(viewer, site_name, admin=True)
        stored = await self._deps.storage.list_roles(site.name)
        named = self._deps.config.admins
        members = [StaffMember(u, n, r, "site") for u, n, r in stored if u not in named]
        held = {u: (n, r) for u, n, r in stored if u in named}
        for user_id in sorted(named):
            name, roles = held.get(user_id, (None, []))
            if user_id not in held:
                user = await self._deps.storage.get_user(user_id)
                name = user.name if user else None
            everything: list[Role] = sorted({*roles, "admin"})
            members.append(StaffMember(user_id, name, everything, "environment"))
        return members

    async def set_roles(
        self, viewer: Viewer, site_name: str, user_id: str, wanted: list[Role]
    ) -> None:
        """Admins grant and withdraw roles; no site loses its last admin, nor a settings' one."""
        site, powers = await self._staff.acting(viewer, site_name, need=None)
        tried: dict[str, object] = {"roles": sorted(set(wanted)), "by_roles": sorted(powers)}
        if "admin" not in powers:
            if "moderator" not in powers:
                raise Forbidden("You are not an admin of this site.")
            message = "Only an admin of this site can change roles."
            raise await self._staff.refuse(
                viewer, site.name, "roles_refused", message, user_id=user_id, details=tried
            )
        if user_id in self._deps.config.admins and "admin" in wanted:
            raise Conflict(
                f"{user_id} is an admin of every site, named in the service's settings "
                "(COMMENTS_ADMINS): their roles are changed there, not here."
            )
        target = await self._deps.storage.get_user(user_id)
        if target is None:
            raise NotFound("No user with this id has logged in yet.")
        if "admin" not in wanted:
            refusal = await self._staff.demotion_refusal(site.name, viewer, target)
            if refusal is not None:
                raise await self._staff.refuse(
                    viewer, site.name, "roles_refused", refusal, user_id=user_id, details=tried
                )
        effects = self._audited(
            site.name, viewer.user.id, "roles", None, user_id=user_id,
            details={"roles": sorted(wanted)},
        )  # fmt: skip
        await self._deps.storage.set_roles(site.name, user_id, wanted, self._deps.clock(), effects)
        await sessions_changed(self._deps, user_id)  # remembered sessions carry the old roles

    async def allow_word(
        self, viewer: Viewer, site_name: str, word: str, comment_id: str | None = None
    ) -> tuple[list[str], bool]:
        """Add a word to the site's allowed words (from a held comment's matched word, say),
        as the settings page would; answers the list and whether it was new there."""
        current = await self._staff.require(viewer, site_name, admin=True)
        word = allowed_entry(word)
        if comment_id is not None:
            comment = (
                await self._deps.storage.get_comment(comment_id)
                if looks_like_id(comment_id)
                else None
            )
            if comment is None or comment.site != current.name:
                raise invalid("comment_id", "is not a comment on this site")
        before = list(current.policy.allowed_words)
        if any(_folded(entry) == _folded(word) for entry in before):
            return before, False
        if len(before) >= MAX_LIST_WORDS:
            raise invalid(
                "word",
                f"This site's allowed words are full ({MAX_LIST_WORDS:,} entries); "
                "remove some in the settings first.",
            )
        policy = current.policy.model_copy(update={"allowed_words": (*before, word)})
        try:
            await self._deps.words.matcher(policy)  # compiles now: a word it refuses is a 422
        except ValueError as exc:
            raise invalid("word", str(exc)) from None
        after = list(policy.allowed_words)
        details = {"word": word, "changes": {"allowed_words": list_change(before, after)}}
        effects = self._audited(
            current.name, viewer.user.id, "settings.allow_word", None,
            comment_id=comment_id, details=details,
        )  # fmt: skip
        await self._sites.update(current.name, policy=policy, effects=effects)
        return after, True

    async def check(self, viewer: Viewer, site_name: str, body: str) -> Decision:
        """The content phases on a text, as a post by an established author gets them."""
        site = await self._staff.require(viewer, site_name)
        body = validation.text("body", body, MAX_BODY, multiline=True)
        return await self._screening.dry_run(site, viewer.user.id, body)

"""Running a site: thread switches, settings, roles, the audit log, and the dry run.

Each change commits with its audit row; a refused change of roles gets one of its own.
"""

from __future__ import annotations

from comments.errors import Forbidden, NotFound, invalid
from comments.ids import looks_like_id
from comments.models import MAX_BODY, AuditEntry, Role, Site, SitePolicy, Thread
from comments.moderation import Decision
from comments.service import validation
from comments.service.context import Deps
from comments.service.effects import Consequences
from comments.service.freshness import Freshness
from comments.service.screening import Screening
from comments.service.sessions import Viewer, sessions_changed
from comments.service.sites import Sites
from comments.service.staff import Staff
from comments.storage import Effects, OutboxItem, ThreadChange


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
    ) -> tuple[list[tuple[AuditEntry, str | None]], str | None]:
        """The audit log, newest first."""
        site = await self._staff.require(viewer, site_name)
        if cursor is not None and not looks_like_id(cursor):
            raise invalid("cursor", "is not a cursor from this log")
        entries = await self._deps.storage.list_audit(site.name, cursor, limit + 1)
        more = len(entries) > limit
        entries = entries[:limit]
        return entries, entries[-1][0].id if more and entries else None

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
        effects = self._audited(
            current.name, viewer.user.id, "settings", None, details={"changed": changed}
        )
        # The site's pages change with it: `update` bumps them.
        return await self._sites.update(
            site_name, origins=origins, policy=policy, sso_secret=sso_secret, effects=effects
        )

    async def roles(
        self, viewer: Viewer, site_name: str
    ) -> list[tuple[str, str | None, list[Role]]]:
        """Who moderates and administers the site (admins only)."""
        site = await self._staff.require(viewer, site_name, admin=True)
        return await self._deps.storage.list_roles(site.name)

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

    async def check(self, viewer: Viewer, site_name: str, body: str) -> Decision:
        """The content phases on a text, as a post by an established author gets them."""
        site = await self._staff.require(viewer, site_name)
        body = validation.text("body", body, MAX_BODY, multiline=True)
        return await self._screening.dry_run(site, viewer.user.id, body)

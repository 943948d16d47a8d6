"""Bans, suspensions and shadow bans.

A ban, the end of the user's sessions on the site (for a visible ban), the rejection of
what they had waiting, the audit row and the announcements commit in one transaction.
Staff rank (comments/service/staff.py): a moderator bans readers, an admin bans
moderators and other admins too, and nobody bans an admin named in the settings or the
site's last admin; a refused ban is a 403 with an audit row of its own.
"""

from __future__ import annotations

from datetime import datetime

from comments.errors import Forbidden, NotFound, invalid
from comments.models import Ban, iso
from comments.service import validation
from comments.service.context import Deps
from comments.service.effects import Consequences
from comments.service.freshness import Freshness
from comments.service.sessions import Viewer, sessions_changed
from comments.service.staff import Staff
from comments.storage import BanWrite, Effects


def visible_ban(ban: Ban | None, now: datetime) -> Ban | None:
    """The ban when it holds now and its user may know of it (a shadow ban hides)."""
    if ban is None or ban.shadow or not ban.active(now):
        return None
    return ban


class Bans:
    """Who may not write on a site."""

    def __init__(self, deps: Deps, staff: Staff) -> None:
        self._deps = deps
        self._staff = staff
        self._make = Consequences(deps)
        self._fresh = Freshness(deps)

    async def ban(
        self,
        viewer: Viewer,
        site_name: str,
        user_id: str,
        reason: str,
        *,
        until: datetime | None = None,
        shadow: bool = False,
        reject_pending: bool = False,
    ) -> tuple[Ban, list[str]]:
        """Ban or suspend a user; a visible ban ends their sessions on the site at once.
        Answers the ban and the ids of the waiting comments it rejected (each with its
        own `reject` row in the log, so the rejection shows, and counts, as a decision)."""
        site, powers = await self._staff.acting(viewer, site_name, in_article=True)
        reason = validation.text("reason", reason, 500, multiline=True)
        storage = self._deps.storage
        target = await storage.get_user(user_id)
        if target is None:
            raise NotFound("There is no such user.")
        if user_id == viewer.user.id:
            raise Forbidden("You cannot ban yourself.")
        now = self._deps.clock()
        if until is not None and until <= now:
            raise invalid("until", "must be in the future")
        refusal = await self._staff.ban_refusal(site.name, powers, target)
        if refusal is not None:
            # Refused before anything is read for `reject_pending`: staff's waiting
            # comments stay where they are too.
            tried = {"until": iso(until), "shadow": shadow, "reject_pending": reject_pending,
                     "by_roles": sorted(powers)}  # fmt: skip
            raise await self._staff.refuse(
                viewer, site.name, "ban_refused", refusal, user_id=user_id, reason=reason,
                details=tried,
            )  # fmt: skip
        ban = Ban(site.name, user_id, until, shadow, reason, viewer.user.id, now)
        rejected = tuple(await storage.pending_ids_of(site.name, user_id)) if reject_pending else ()
        make = self._make
        by = {"id": viewer.user.id, "name": viewer.user.name}
        details = {"until": iso(until), "shadow": shadow,
                   "rejected": len(rejected)}  # fmt: skip
        outbox = [
            make.publish(site.name, "queue.decided",
                         {"id": comment_id, "status": "rejected", "by": by})
            for comment_id in rejected
        ]  # fmt: skip
        outbox += [
            make.publish(site.name, "user.banned", {"user_id": user_id, "shadow": shadow}),
            make.counts(site.name),
            make.site_changed(site.name),  # a shadow ban hides the user's comments everywhere
        ]
        audit = [
            make.audit(site.name, viewer.user.id, "reject", comment_id=comment_id,
                       user_id=user_id, reason=reason,
                       details={"from": "pending", "to": "rejected", "ban": True})
            for comment_id in rejected
        ]  # fmt: skip
        audit.append(make.audit(site.name, viewer.user.id, "ban", user_id=user_id,
                                reason=reason, details=details))  # fmt: skip
        effects = Effects(audit=tuple(audit), outbox=tuple(outbox))
        done = await storage.ban(
            BanWrite(ban=ban, revoke_sessions=not shadow, reject_ids=rejected, effects=effects)
        )
        await self._fresh.after(effects)
        if not shadow:
            await sessions_changed(self._deps, user_id)  # its sessions ended with the ban
        return ban, done

    async def banned(self, site: str, user_id: str) -> bool:
        """Whether the user is under an active, visible ban on the site (shadow bans hide)."""
        ban = await self._deps.storage.get_ban(site, user_id)
        return visible_ban(ban, self._deps.clock()) is not None

    async def unban(self, viewer: Viewer, site_name: str, user_id: str) -> None:
        """Lift a ban."""
        site = await self._staff.require(viewer, site_name)
        make = self._make
        effects = Effects(
            audit=(make.audit(site.name, viewer.user.id, "unban", user_id=user_id),),
            outbox=(
                make.publish(site.name, "user.unbanned", {"user_id": user_id}),
                make.site_changed(site.name),
            ),
        )
        if not await self._deps.storage.delete_ban(site.name, user_id, effects):
            raise NotFound("This user is not banned here.")
        await self._fresh.after(effects)

    async def bans(self, viewer: Viewer, site_name: str) -> list[tuple[Ban, str | None]]:
        """The site's bans and suspensions."""
        site = await self._staff.require(viewer, site_name)
        return await self._deps.storage.list_bans(site.name)

"""Who may moderate or administer a site, and whom staff may act on.

`require` is the one check every moderation use case makes. A reader's widget login
moderates only in the article (`in_article`: deciding on, featuring and banning from a
comment the page shows) and only on its own site; everything else wants the dashboard
or an API token, so a page's script holding a moderator's widget token reaches no
queue, setting, role or key. The rest ranks the staff:
an admin outranks a moderator, a moderator outranks a reader, and an admin named in the
settings is out of everyone's reach; a site never loses its last admin. A refused
attempt on someone's standing is written to the site's audit log before the 403.
"""

from __future__ import annotations

from collections.abc import Mapping

from comments.errors import Banned, Forbidden, NotFound
from comments.ids import looks_like_id
from comments.models import Comment, Role, Site, User
from comments.service.context import Deps
from comments.service.effects import Consequences
from comments.service.sessions import TOKEN_CAPS, Sessions, Viewer
from comments.service.sites import Sites
from comments.storage import Effects


class Staff:
    """Resolves a site, checks the viewer's role on it, and ranks staff against staff."""

    def __init__(self, deps: Deps, sites: Sites, sessions: Sessions) -> None:
        self._deps = deps
        self._sites = sites
        self._sessions = sessions
        self._make = Consequences(deps)

    async def require(
        self, viewer: Viewer, site_name: str, *, admin: bool = False, in_article: bool = False
    ) -> Site:
        """The site, if the viewer moderates it (administers it, with `admin`); else 403."""
        site, _ = await self.acting(
            viewer, site_name, need="admin" if admin else "moderator", in_article=in_article
        )
        return site

    async def comment(
        self, viewer: Viewer, comment_id: str, *, in_article: bool = False
    ) -> tuple[Comment, Site]:
        """A comment and its site, if the viewer moderates that site; 404 for no such id."""
        comment = (
            await self._deps.storage.get_comment(comment_id) if looks_like_id(comment_id) else None
        )
        if comment is None:
            raise NotFound("There is no such comment.")
        return comment, await self.require(viewer, comment.site, in_article=in_article)

    async def acting(
        self,
        viewer: Viewer,
        site_name: str,
        *,
        need: Role | None = "moderator",
        in_article: bool = False,
    ) -> tuple[Site, frozenset[Role]]:
        """The site and the powers the viewer's login carries on it; 403 without `need`.

        `in_article`: the action is one the widget offers staff on a comment, which a
        widget login of the site's own staff may take too."""
        site = await self._sites.get(site_name)
        session = viewer.session
        if session.kind == "reader" and not (in_article and session.site == site.name):
            raise Forbidden("A reader's login cannot moderate; use the dashboard.")
        if session.kind == "api" and session.site != site.name:
            raise Forbidden("This token is for another site.")
        if session.site == site.name:
            roles = viewer.roles  # resolved with the session, in the same query
        else:
            roles = await self._sessions.roles(site.name, viewer.user.id)
            if session.kind == "api":
                roles &= TOKEN_CAPS.get(session.role, frozenset())
        if need is not None and need not in roles:
            raise Forbidden(
                f"You are not {'an admin' if need == 'admin' else 'a moderator'} of this site."
            )
        if roles and viewer.user.id not in self._deps.config.admins:
            # A visible ban takes a site's staff powers with it, whatever the login: a
            # dashboard session is not bound to one site, so the ban did not end it.
            ban = await self._deps.storage.get_ban(site.name, viewer.user.id)
            if ban is not None and not ban.shadow and ban.active(self._deps.clock()):
                raise Banned("You are banned from this site, and cannot moderate it.")
        return site, roles

    async def ban_refusal(self, site: str, powers: frozenset[Role], target: User) -> str | None:
        """Why someone with these powers may not ban, suspend or shadow-ban the target."""
        name = target.name or target.id
        if target.id in self._deps.config.admins:
            return (
                f"{name} is an admin of every site, named in the service's settings: "
                "nobody can ban them."
            )
        ranks = await self._sessions.roles(site, target.id)
        if "moderator" in ranks and "admin" not in powers:
            return (
                "A moderator cannot ban an admin or another moderator of this site; ask an admin."
            )
        if "admin" in ranks and not await self.other_admins(site, target.id):
            return f"{name} is the last admin of this site and cannot be banned."
        return None

    async def demotion_refusal(self, site: str, viewer: Viewer, target: User) -> str | None:
        """Why the viewer may not take the admin role away from the target."""
        name = target.name or target.id
        if target.id in self._deps.config.admins:
            return (
                f"{name} is an admin of every site, named in the service's settings: "
                "their admin role cannot be taken away here."
            )
        holds = "admin" in await self._sessions.roles(site, target.id)
        if holds and not await self.other_admins(site, target.id):
            who = "You are" if target.id == viewer.user.id else f"{name} is"
            return f"{who} the last admin of this site; make someone else an admin first."
        if target.id == viewer.user.id:
            return "You cannot take away your own admin role; ask another admin."
        return None

    async def other_admins(self, site: str, user_id: str) -> list[str]:
        """The site's admins other than this user who are not under a visible ban."""
        stored = [
            uid for uid, _, roles in await self._deps.storage.list_roles(site) if "admin" in roles
        ]
        admins = sorted({*stored, *self._deps.config.admins} - {user_id})
        bans = await self._deps.storage.bans_of(site, admins) if admins else {}
        now = self._deps.clock()
        return [
            uid
            for uid in admins
            if not (uid in bans and not bans[uid].shadow and bans[uid].active(now))
        ]

    async def refuse(
        self,
        viewer: Viewer,
        site: str,
        action: str,
        message: str,
        *,
        user_id: str,
        reason: str | None = None,
        details: Mapping[str, object] | None = None,
    ) -> Forbidden:
        """Write the refused attempt to the site's audit log; answers the 403 to raise."""
        entry = self._make.audit(
            site,
            viewer.user.id,
            action,
            user_id=user_id,
            reason=reason,
            details={"refused": message, **(details or {})},
        )
        await self._deps.storage.record(Effects(audit=(entry,)))
        return Forbidden(message)

"""Who may moderate or administer a site: the one check every moderation use case makes."""

from __future__ import annotations

from comments.errors import Forbidden
from comments.models import Site
from comments.service.context import Deps
from comments.service.sessions import TOKEN_CAPS, Sessions, Viewer
from comments.service.sites import Sites


class Staff:
    """Resolves a site and checks the viewer's role on it."""

    def __init__(self, deps: Deps, sites: Sites, sessions: Sessions) -> None:
        self._deps = deps
        self._sites = sites
        self._sessions = sessions

    async def require(self, viewer: Viewer, site_name: str, *, admin: bool = False) -> Site:
        """The site, if the viewer moderates it (administers it, with `admin`); else 403."""
        site = await self._sites.get(site_name)
        session = viewer.session
        if session.kind == "reader":
            raise Forbidden("A reader's login cannot moderate; use the dashboard.")
        if session.kind == "api" and session.site != site.name:
            raise Forbidden("This token is for another site.")
        if session.site == site.name:
            roles = viewer.roles  # resolved with the session, in the same query
        else:
            roles = await self._sessions.roles(site.name, viewer.user.id)
            if session.kind == "api":
                roles &= TOKEN_CAPS.get(session.role, frozenset())
        if ("admin" if admin else "moderator") not in roles:
            raise Forbidden(f"You are not {'an admin' if admin else 'a moderator'} of this site.")
        return site

"""The staff's user search: a site's people by name, with their roles and bans there.

Only people the site knows are found — who wrote on it, or hold a role or a ban there —
so a moderator cannot list the users of other sites. Staff see every active ban,
shadow bans included, as the bans list shows them.
"""

from __future__ import annotations

from dataclasses import dataclass

from comments.models import Ban, Role, User
from comments.service import validation
from comments.service.context import Deps
from comments.service.sessions import Sessions, Viewer
from comments.service.staff import Staff

MAX_QUERY = 80
MAX_FOUND = 20


@dataclass(frozen=True)
class Person:
    """A user as a site's staff look them up."""

    user: User
    roles: frozenset[Role]
    ban: Ban | None  # active now, shadow or not


class People:
    """Finds a site's people for its moderators and admins."""

    def __init__(self, deps: Deps, staff: Staff, sessions: Sessions) -> None:
        self._deps = deps
        self._staff = staff
        self._sessions = sessions

    async def search(self, viewer: Viewer, site_name: str, text: str) -> list[Person]:
        """Up to 20 of the site's people whose name contains `text`, case aside; 403 for
        anyone but its staff."""
        site = await self._staff.require(viewer, site_name)
        text = validation.text("q", text, MAX_QUERY)
        storage = self._deps.storage
        found = await storage.search_users(site.name, text, MAX_FOUND)
        bans = await storage.bans_of(site.name, [user.id for user, _ in found])
        now = self._deps.clock()
        people = []
        for user, roles in found:
            ban = bans.get(user.id)
            people.append(
                Person(
                    user=user,
                    roles=self._sessions.with_admins(roles, user.id),
                    ban=ban if ban is not None and ban.active(now) else None,
                )
            )
        return people

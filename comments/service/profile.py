"""The caller's account as `GET /me` shows it, and the language it remembers.

The language is the one a request negotiated from its `Accept-Language`; it is written
only when it differs from the stored one, so a reader's steady requests cost no write.
When it changes, the user's sessions version moves (comments/service/sessions.py), so
no process goes on using a remembered viewer with the old value and writing it again.
A ban shows only when it is visible: a shadow-banned reader must not learn of it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from comments.models import Ban, Language, Role, User
from comments.service.bans import visible_ban
from comments.service.context import Deps
from comments.service.sessions import Viewer, sessions_changed


@dataclass(frozen=True)
class Profile:
    """Who the caller is on one site."""

    user: User
    roles: frozenset[Role]
    ban: Ban | None  # an active, visible ban on the site


async def remember_language(deps: Deps, viewer: Viewer, language: Language | None) -> User:
    """The caller's user with `language` remembered (None leaves the stored one)."""
    user = viewer.user
    if language is None or user.language == language:
        return user
    if await deps.storage.set_language(user.id, language):
        await sessions_changed(deps, user.id)
    return replace(user, language=language)


class Profiles:
    """The caller's own account."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def me(self, viewer: Viewer, site: str, language: Language | None) -> Profile:
        """The caller on `site`: roles, a visible ban, the language now remembered."""
        user = await remember_language(self._deps, viewer, language)
        ban = await self._deps.storage.get_ban(site, user.id)
        return Profile(user, viewer.roles, visible_ban(ban, self._deps.clock()))

"""A reader's own data: take it away, or have it erased."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from comments.models import iso
from comments.service.context import Deps
from comments.service.effects import Consequences
from comments.service.freshness import Freshness
from comments.service.sessions import Viewer, sessions_changed
from comments.storage import Effects


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    return value


class Account:
    """Export and erasure, for the person a token belongs to."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps
        self._make = Consequences(deps)
        self._fresh = Freshness(deps)

    async def export(self, viewer: Viewer) -> dict[str, Any]:
        """The profile, every comment (any status, any site) and every vote."""
        data = await self._deps.storage.export_user(viewer.user.id)
        user = viewer.user
        return {
            "user": {
                "id": user.id,
                "name": user.name,
                "avatar_url": user.avatar_url,
                "email": user.email,
                "created_at": _plain(user.created_at),
            },
            "comments": [{k: _plain(v) for k, v in row.items()} for row in data["comments"]],
            "votes": [{k: _plain(v) for k, v in row.items()} for row in data["votes"]],
        }

    async def erase(self, viewer: Viewer) -> None:
        """Comments become tombstones, votes and reports go, then the profile and sessions."""
        # Their comments become tombstones on every site they wrote on.
        sites = await self._deps.storage.list_sites()
        effects = Effects(outbox=tuple(self._make.site_changed(site.name) for site in sites))
        await self._deps.storage.erase_user(viewer.user.id, effects)
        await self._fresh.after(effects)
        await sessions_changed(self._deps, viewer.user.id)

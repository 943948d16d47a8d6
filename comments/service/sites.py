"""Sites (publishers), their allowed origins and policy, and who moderates them."""

from __future__ import annotations

import time
from dataclasses import replace

from comments.errors import Conflict, Invalid, NotFound, invalid
from comments.models import MAX_ORIGINS, Role, Site, SitePolicy, User
from comments.service import validation
from comments.service.context import Deps

ORIGINS_TTL = 5.0


def normalise_origins(values: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Each origin as `scheme://host[:port]`, duplicates dropped, order kept."""
    if len(values) > MAX_ORIGINS:
        raise invalid("origins", f"at most {MAX_ORIGINS} origins")
    seen: dict[str, None] = {}
    for value in values:
        try:
            seen[validation.origin(value)] = None
        except ValueError as exc:
            raise invalid("origins", f"{value[:100]!r} {exc}") from None
    return tuple(seen)


class Sites:
    """Publishers and their moderators."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps
        self._origins: dict[str | None, tuple[float, frozenset[str]]] = {}

    async def get(self, name: str) -> Site:
        """The site, or 404."""
        site = await self._deps.storage.get_site(name) if validation.is_site_name(name) else None
        if site is None:
            raise NotFound("There is no such site.")
        return site

    async def all(self) -> list[Site]:
        """Every site."""
        return await self._deps.storage.list_sites()

    async def create(self, name: str, origins: list[str], policy: SitePolicy | None = None) -> Site:
        """A new site; 409 when the name is taken."""
        site = Site(
            name=validation.site_name(name),
            origins=normalise_origins(origins),
            policy=policy or SitePolicy(),
            sso_secret=None,
            created_at=self._deps.clock(),
        )
        if not await self._deps.storage.create_site(site):
            raise Conflict(f"A site called {name!r} exists already.")
        self._origins.clear()
        return site

    async def update(
        self,
        name: str,
        *,
        origins: list[str] | None = None,
        policy: SitePolicy | None = None,
        sso_secret: str | None = None,
    ) -> Site:
        """Change what is given, keep the rest."""
        site = await self.get(name)
        if sso_secret is not None and not 32 <= len(sso_secret) <= 256:
            raise Invalid("the SSO secret must be 32 to 256 characters", fields={"sso_secret": ""})
        site = replace(
            site,
            origins=normalise_origins(origins) if origins is not None else site.origins,
            policy=policy or site.policy,
            sso_secret=sso_secret if sso_secret is not None else site.sso_secret,
        )
        await self._deps.storage.update_site(site)
        self._origins.clear()
        return site

    async def ensure(self, name: str, origins: list[str]) -> Site:
        """The site with at least these origins (the demo's start-up)."""
        site = await self._deps.storage.get_site(name)
        if site is None:
            return await self.create(name, origins)
        missing = [o for o in normalise_origins(origins) if o not in site.origins]
        if missing:
            return await self.update(name, origins=[*site.origins, *missing])
        return site

    async def allowed_origins(self, name: str | None) -> frozenset[str]:
        """A site's origins, or with no site every site's; memoised for a few seconds."""
        now = time.monotonic()
        hit = self._origins.get(name)
        if hit and hit[0] > now:
            return hit[1]
        if name is None:
            found = frozenset(o for s in await self._deps.storage.list_sites() for o in s.origins)
        else:
            site = (
                await self._deps.storage.get_site(name) if validation.is_site_name(name) else None
            )
            found = frozenset(site.origins) if site else frozenset()
        if len(self._origins) > 1000:
            self._origins.clear()
        self._origins[name] = (now + ORIGINS_TTL, found)
        return found

    async def grant(self, site: str, user_id: str, role: Role) -> None:
        """Give a user a role on a site (the user must have logged in, or be created)."""
        await self.get(site)
        if await self._deps.storage.get_user(user_id) is None:
            raise NotFound(f"No user {user_id!r} has logged in yet.")
        await self._deps.storage.grant_role(site, user_id, role, self._deps.clock())

    async def ensure_user(self, user_id: str, name: str | None = None) -> User:
        """The user, created when unknown (for scripts and API automation)."""
        if ":" not in user_id or len(user_id) > 300:
            raise invalid("user", "a user id looks like provider:subject, e.g. dev:alice")
        existing = await self._deps.storage.get_user(user_id)
        if existing is not None and name is None:
            return existing
        display = validation.text("name", name or user_id.split(":", 1)[1], 80)
        user = User(id=user_id, name=display, avatar_url=None, created_at=self._deps.clock())
        return await self._deps.storage.upsert_user(user)

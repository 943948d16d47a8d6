"""Sites (publishers), their allowed origins and policy, and who moderates them.

Every instance keeps its own copy of each site it serves, so a request normally costs
no SQL statement for its site. Each copy is checked on every use against a version
kept in the cache (`site-version:<name>`, one small Redis read; `sites-version` for
the union of every site's origins). `create` and `update` write a fresh random
version after their commit and before they return, so a change of origins, policy or
secret holds on every instance before its answer leaves. A version is a random token
and is set when absent, so a Redis that lost its keys can never make an old copy look
current. While Redis does not answer, copies are re-read from the database at most
every `FALLBACK_SECONDS`; when it answers again every copy is dropped, and versions
that could not be written are written then. As a last net (an instance that wrote
nothing and noticed no outage while another's write could not reach Redis), no copy
is used past `MAX_AGE_SECONDS`. With the in-process cache the one process sees its
own writes.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from comments.cache import UNAVAILABLE, Outage
from comments.errors import Conflict, Invalid, NotFound, invalid
from comments.models import MAX_ORIGINS, Role, Site, SitePolicy, User
from comments.service import validation
from comments.service.context import Deps
from comments.service.effects import Consequences
from comments.service.freshness import Freshness
from comments.storage import NO_EFFECTS, Effects

log = logging.getLogger(__name__)

FALLBACK_SECONDS = 5.0
MAX_AGE_SECONDS = 60.0
VERSION_TTL = 30 * 24 * 3600  # an expired version only costs every instance one re-read
EVERY_SITE = "sites-version"
MAX_COPIES = 1000

T = TypeVar("T")


def version_key(name: str) -> str:
    """The cache key of a site's version."""
    return f"site-version:{name}"


@dataclass(frozen=True)
class _Copy(Generic[T]):
    """What was read from the database, under which version (None: Redis was down)."""

    value: T
    version: str | None
    loaded_at: float


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

    def __init__(self, deps: Deps, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._deps = deps
        self._monotonic = monotonic
        self._make = Consequences(deps)
        self._fresh = Freshness(deps)
        self._sites: dict[str, _Copy[Site | None]] = {}
        self._every: _Copy[frozenset[str]] | None = None
        self._unsent: set[str] = set()
        self.outage = Outage(
            "site settings",
            f"they are re-read from the database every {FALLBACK_SECONDS:.0f} s",
            log,
            monotonic=monotonic,
        )

    async def get(self, name: str) -> Site:
        """The site, or 404."""
        site = await self._site(name) if validation.is_site_name(name) else None
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
        await self._changed(site.name)
        return site

    async def update(
        self,
        name: str,
        *,
        origins: list[str] | None = None,
        policy: SitePolicy | None = None,
        sso_secret: str | None = None,
        effects: Effects = NO_EFFECTS,
    ) -> Site:
        """Change what is given, keep the rest (of the stored site, never of a copy)."""
        site = await self._deps.storage.get_site(name) if validation.is_site_name(name) else None
        if site is None:
            raise NotFound("There is no such site.")
        if sso_secret is not None and not 32 <= len(sso_secret) <= 256:
            raise Invalid("the SSO secret must be 32 to 256 characters", fields={"sso_secret": ""})
        site = replace(
            site,
            origins=normalise_origins(origins) if origins is not None else site.origins,
            policy=policy or site.policy,
            sso_secret=sso_secret if sso_secret is not None else site.sso_secret,
        )
        # Every cached page of the site was made under the old settings.
        effects = replace(effects, outbox=(*effects.outbox, self._make.site_changed(site.name)))
        await self._deps.storage.update_site(site, effects)
        await self._changed(site.name)
        await self._fresh.after(effects)
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
        """A site's origins, or with no site every site's (CORS preflights)."""
        if name is None:
            return await self._every_origin()
        site = await self._site(name) if validation.is_site_name(name) else None
        return frozenset(site.origins) if site else frozenset()

    def allows_origin(self, site: Site, origin: str | None) -> bool:
        """Whether pages at `origin` (an Origin header, as sent) may embed the site."""
        return origin is not None and origin in site.origins

    async def _site(self, name: str) -> Site | None:
        version = await self._version(version_key(name))
        held = self._sites.get(name)
        if held is not None and self._current(held, version):
            return held.value
        site = await self._deps.storage.get_site(name)
        if len(self._sites) >= MAX_COPIES:
            self._sites.clear()
        self._sites[name] = _Copy(site, version, self._monotonic())
        return site

    async def _every_origin(self) -> frozenset[str]:
        version = await self._version(EVERY_SITE)
        held = self._every
        if held is not None and self._current(held, version):
            return held.value
        sites = await self._deps.storage.list_sites()
        found = frozenset(o for s in sites for o in s.origins)
        self._every = _Copy(found, version, self._monotonic())
        return found

    def _current(self, held: _Copy[T], version: str | None) -> bool:
        age = self._monotonic() - held.loaded_at
        if version is not None:
            return held.version == version and age < MAX_AGE_SECONDS
        return age < FALLBACK_SECONDS

    async def _version(self, key: str) -> str | None:
        """The version under `key` (set when absent); None when Redis does not answer."""
        cache = self._deps.cache
        if not self.outage.probing():
            self.outage.skipped()
            return None
        try:
            version = await cache.get(key)
            if version is None:
                await cache.add(key, secrets.token_hex(8), VERSION_TTL)
                version = await cache.get(key)
        except UNAVAILABLE as exc:
            self.outage.failed(exc)
            return None
        if self.outage.answered():
            self._sites.clear()
            self._every = None
        if self._unsent:
            await self._send_unsent()
        return version

    async def _changed(self, name: str) -> None:
        """After a commit: drop this process's copies, tell every other instance."""
        self._sites.pop(name, None)
        self._every = None
        self._unsent |= {version_key(name), EVERY_SITE}
        await self._send_unsent()

    async def _send_unsent(self) -> None:
        try:
            for key in sorted(self._unsent):
                await self._deps.cache.put(key, secrets.token_hex(8), VERSION_TTL)
                self._unsent.discard(key)
        except UNAVAILABLE as exc:
            self.outage.failed(exc)
            log.warning(
                "site settings changed while Redis is unreachable: other instances see the "
                "change within %.0f s if they cannot reach it either, within %.0f s at worst",
                FALLBACK_SECONDS,
                MAX_AGE_SECONDS,
            )

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

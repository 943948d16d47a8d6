"""Bearer tokens: opaque, stored only as hashes, bound to one site, sliding expiry.

Also the revocation signal: after a logout commits, a `session.revoked` event goes out
on the user's control channel (`sessions_channel`), so every instance's open streams of
that user check their caller again at once (comments/service/streams.py). The signal
only hastens what the streams' own periodic checks find anyway, so a lost one costs
seconds, never access.

Reader and API sessions are also remembered in each process for up to `REMEMBER_SECONDS`, so a
logged-in read of a hot thread costs no database query: each use checks one small key
in Redis, the user's sessions version, which every revocation (logout, logout
everywhere, a visible ban, erasure) moves on before it answers. Without an answer from
Redis nothing remembered is used.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from comments.cache import UNAVAILABLE
from comments.errors import LoginRequired
from comments.models import Role, Session, SessionKind, User
from comments.service.context import Deps

TOKEN_PREFIX = "cmt_"
TOKEN_CAPS: dict[Role | None, frozenset[Role]] = {
    "admin": frozenset({"admin", "moderator"}),
    "moderator": frozenset({"moderator"}),
}
MAX_TOKEN = 200
REVOKED = "session.revoked"
REMEMBER_SECONDS = 60.0
REMEMBERED = 50_000  # sessions kept per process
# Widget and API tokens; dashboard sessions (cookies, CSRF) are always looked up.
REMEMBERED_KINDS: frozenset[SessionKind] = frozenset({"reader", "api"})
VERSION_TTL = 86400  # seconds; far longer than anything remembered

log = logging.getLogger(__name__)


def hash_token(token: str) -> str:
    """What is stored for a token: its SHA-256 (tokens are random, so no salt is needed)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def version_key(user_id: str) -> str:
    """Where the version of a user's sessions lives in the cache."""
    return f"sessions-version:{user_id}"


async def sessions_changed(deps: Deps, user_id: str) -> None:
    """After a write that ends or changes the user's sessions commits: every process
    stops using what it remembered of them (it asks the database again)."""
    try:
        await deps.cache.put(version_key(user_id), secrets.token_hex(8), VERSION_TTL)
    except UNAVAILABLE:
        log.warning("could not move the sessions version of a user; Redis is away")


def sessions_channel(user_id: str) -> str:
    """The live control channel of one user's sessions (revocations)."""
    return f"sessions:{user_id}"


@dataclass(frozen=True)
class Viewer:
    """The person behind a request's token, on the token's site."""

    user: User
    session: Session
    roles: frozenset[Role]

    @property
    def site(self) -> str | None:
        """The one site this token is good for (None: a dashboard session, any site)."""
        return self.session.site

    @property
    def is_moderator(self) -> bool:
        """Moderation powers on the token's site, through an API token (never a widget's)."""
        return self.session.kind == "api" and bool(self.roles & {"moderator", "admin"})


class Sessions:
    """Issues, checks and revokes tokens."""

    def __init__(self, deps: Deps, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._deps = deps
        self._monotonic = monotonic
        # token hash -> (viewer, when looked up with the version known, that version)
        self._known: OrderedDict[str, tuple[Viewer, float | None, str | None]] = OrderedDict()

    async def issue(
        self,
        user_id: str,
        site: str | None,
        *,
        kind: SessionKind = "reader",
        role: Role | None = None,
        name: str | None = None,
        first_use_within: timedelta | None = None,
    ) -> str:
        """A new token for the user on the site; only its hash is kept.

        `first_use_within`: a token whose delivery nobody can confirm (the login popup's
        `postMessage`) lives only this long until first used; its first use in `viewer`
        gives it the normal sliding expiry, so an undelivered token soon dies.
        """
        now = self._deps.clock()
        days = self._deps.config.api_token_days if kind == "api" else self._deps.config.session_days
        life = first_use_within if first_use_within is not None else timedelta(days=days)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        session = Session(
            token_hash=hash_token(token),
            user_id=user_id,
            site=site,
            kind=kind,
            role=role,
            created_at=now,
            expires_at=now + life,
        )
        await self._deps.storage.create_session(session, name=name)
        return token

    async def viewer(
        self,
        token: str,
        site: str | None = None,
        *,
        kinds: tuple[SessionKind, ...] = ("reader", "api"),
    ) -> Viewer:
        """The live session behind `token` (on `site` when given), else 401."""
        if not token.startswith(TOKEN_PREFIX) or len(token) > MAX_TOKEN:
            raise LoginRequired("Your login is not valid. Please log in again.")
        token_hash = hash_token(token)
        if not set(kinds) <= REMEMBERED_KINDS:
            return await self._resolve(token_hash, site, kinds, extend=True)
        return await self._reader(token_hash, site, kinds)

    async def _reader(
        self, token_hash: str, site: str | None, kinds: tuple[SessionKind, ...]
    ) -> Viewer:
        """A reader's session, from what this process remembers when it still holds.

        The version is read before the database: a revocation that commits after the
        lookup moves it, so what was remembered is not used again. A token's user is
        learnt on its first use, so remembering starts with its second.
        """
        known = self._known.get(token_hash)
        if known is None:
            viewer = await self._resolve(token_hash, site, kinds, extend=True)
            self._remember(token_hash, viewer, None, looked_up=None)
            return viewer
        before, _looked_up, version = known
        try:
            now_version = await self._deps.cache.get(version_key(before.user.id))
        except UNAVAILABLE:
            return await self._resolve(token_hash, site, kinds, extend=True)
        if now_version == version and self._usable(known, site) and before.session.kind in kinds:
            return before
        viewer = await self._resolve(token_hash, site, kinds, extend=True)
        self._remember(token_hash, viewer, now_version, looked_up=self._monotonic())
        return viewer

    def remembered(self, token: str, site: str) -> tuple[Viewer, str, str | None] | None:
        """What this process remembers of a reader's or API token on `site`, without any
        I/O: the viewer, the key of the user's sessions version and the version it was
        remembered under. The caller must find that version unchanged in Redis before
        using the viewer (comments/service/reading.py does, in the same call as the page
        versions); None when nothing usable is remembered."""
        if not token.startswith(TOKEN_PREFIX) or len(token) > MAX_TOKEN:
            return None
        known = self._known.get(hash_token(token))
        if known is None or not self._usable(known, site):
            return None
        viewer, _looked_up, version = known
        return viewer, version_key(viewer.user.id), version

    def _usable(self, known: tuple[Viewer, float | None, str | None], site: str | None) -> bool:
        """Whether a remembered session may stand for a lookup on `site` (its sessions
        version still to be checked): learnt with its version, recently, not expired."""
        viewer, looked_up, _version = known
        return (
            looked_up is not None
            and self._monotonic() - looked_up < REMEMBER_SECONDS
            and viewer.session.expires_at > self._deps.clock()
            and (site is None or viewer.session.site in (None, site))
        )

    def _remember(
        self, token_hash: str, viewer: Viewer, version: str | None, *, looked_up: float | None
    ) -> None:
        if viewer.session.kind not in REMEMBERED_KINDS:
            return
        self._known[token_hash] = (viewer, looked_up, version)
        self._known.move_to_end(token_hash)
        if len(self._known) > REMEMBERED:
            self._known.popitem(last=False)

    async def recheck(self, viewer: Viewer) -> Viewer:
        """The same session looked up afresh (revoked, expired, roles changed?), else 401."""
        session = viewer.session
        return await self._resolve(session.token_hash, session.site, (session.kind,), extend=False)

    async def _resolve(
        self, token_hash: str, site: str | None, kinds: tuple[SessionKind, ...], *, extend: bool
    ) -> Viewer:
        storage = self._deps.storage
        found = await storage.session_with_user(token_hash)  # one query
        now = self._deps.clock()
        session = found[0] if found else None
        if found is None or session is None or session.revoked or session.expires_at <= now:
            raise LoginRequired("Your login has expired. Please log in again.")
        if session.kind not in kinds:
            raise LoginRequired("This login is not valid here. Please log in again.")
        if site is not None and session.site is not None and session.site != site:
            raise LoginRequired("This login is for another site. Please log in again.")
        user = found[1]
        if user is None:
            raise LoginRequired("This account no longer exists.")
        if extend and session.kind != "api":
            ttl = timedelta(days=self._deps.config.session_days)
            if session.expires_at - now < ttl / 2:
                await storage.extend_session(session.token_hash, now + ttl)
        roles = self.with_admins(found[2], user.id) if session.site else frozenset()
        if session.kind == "api":
            roles &= TOKEN_CAPS.get(session.role, frozenset())
        return Viewer(user=user, session=session, roles=roles)

    def with_admins(self, stored: frozenset[Role], user_id: str) -> frozenset[Role]:
        """Stored roles plus the admins named in settings; an admin also moderates."""
        roles: set[Role] = set(stored)
        if user_id in self._deps.config.admins:
            roles.add("admin")
        if "admin" in roles:
            roles.add("moderator")
        return frozenset(roles)

    async def roles(self, site: str, user_id: str) -> frozenset[Role]:
        """A user's roles on a site, admins from settings included; an admin also moderates."""
        return self.with_admins(frozenset(await self._deps.storage.roles(site, user_id)), user_id)

    async def revoke(self, token: str) -> None:
        """Log out: the token stops working at once, and its open streams end."""
        token_hash = hash_token(token)
        session = await self._deps.storage.get_session(token_hash)
        await self._deps.storage.revoke_sessions(self._deps.clock(), token_hash=token_hash)
        if session is not None:
            await self._signal(session.user_id)

    async def revoke_everywhere(self, user_id: str) -> int:
        """Log out everywhere: every session of the user (all sites, all kinds) and its streams."""
        count = await self._deps.storage.revoke_sessions(self._deps.clock(), user_id=user_id)
        await self._signal(user_id)
        return count

    async def _signal(self, user_id: str) -> None:
        # After the commit, so a stream that checks on hearing it sees the revocation.
        await sessions_changed(self._deps, user_id)
        try:
            await self._deps.broker.publish(
                sessions_channel(user_id), REVOKED, {"user_id": user_id}
            )
        except Exception:  # the streams' periodic checks still end them within seconds
            log.warning("could not announce a revocation; streams will find it on their own")

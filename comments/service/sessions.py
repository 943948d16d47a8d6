"""Bearer tokens: opaque, stored only as hashes, bound to one site, sliding expiry."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from comments.errors import LoginRequired
from comments.models import Role, Session, SessionKind, User
from comments.service.context import Deps

TOKEN_PREFIX = "cmt_"
TOKEN_CAPS: dict[Role | None, frozenset[Role]] = {
    "admin": frozenset({"admin", "moderator"}),
    "moderator": frozenset({"moderator"}),
}
MAX_TOKEN = 200


def hash_token(token: str) -> str:
    """What is stored for a token: its SHA-256 (tokens are random, so no salt is needed)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


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

    def __init__(self, deps: Deps) -> None:
        self._deps = deps

    async def issue(
        self,
        user_id: str,
        site: str | None,
        *,
        kind: SessionKind = "reader",
        role: Role | None = None,
        name: str | None = None,
    ) -> str:
        """A new token for the user on the site; only its hash is kept."""
        now = self._deps.clock()
        days = self._deps.config.api_token_days if kind == "api" else self._deps.config.session_days
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        session = Session(
            token_hash=hash_token(token),
            user_id=user_id,
            site=site,
            kind=kind,
            role=role,
            created_at=now,
            expires_at=now + timedelta(days=days),
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
        storage = self._deps.storage
        found = await storage.session_with_user(hash_token(token))  # one query
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
        if session.kind != "api":
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
        """Log out: the token stops working at once."""
        await self._deps.storage.revoke_sessions(self._deps.clock(), token_hash=hash_token(token))

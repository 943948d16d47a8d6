"""Publisher single sign-on: the publisher's own login vouches for a reader with a JWT.

The token is HS256, signed with the site's SSO secret. The algorithm is pinned (no
`none`, no other algorithm, no key from the token's own header: `jwk`, `jku`, `kid`
are ignored), the size is capped, and `iat`/`exp` must be present and at most an hour
apart, so a leaked token is short-lived; an expired one is refused with 401 and
`fields: {"token": "expired"}`, so the widget asks the publisher for a fresh one. A
`name` over the limit is refused (422), not cut. Exchanges are rate-limited per address
and per site.

An `email` with `email_verified: true` is one the publisher vouches for: on a site that
links imported authors, it takes over their comments (comments/service/linking.py).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

from comments.errors import Forbidden, LoginRequired, invalid
from comments.mail_address import plain_address
from comments.models import MAX_NAME, User
from comments.service.context import Deps
from comments.service.limits import RateLimits
from comments.service.linking import Linking
from comments.service.login import safe_avatar
from comments.service.sessions import Sessions
from comments.service.sites import Sites

MAX_SSO_TOKEN = 4096
MAX_LIFETIME = 3600
LEEWAY = 60


def _header(token: str) -> dict[str, Any]:
    try:
        raw = token.split(".", 1)[0]
        header = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise LoginRequired("The sign-on token is not a JWT.") from None
    if not isinstance(header, dict):
        raise LoginRequired("The sign-on token is not a JWT.")
    return header


def _refuse(reason: str, *, expired: bool = False) -> LoginRequired:
    # `fields.token: "expired"` tells the widget a fresh token from the publisher will do.
    fields = {"token": "expired"} if expired else None
    return LoginRequired(f"The sign-on token was refused: {reason}.", fields=fields)


class SingleSignOn:
    """Turns a publisher's signed token into a reader session on that site."""

    def __init__(self, deps: Deps, sites: Sites, sessions: Sessions, limits: RateLimits) -> None:
        self._deps = deps
        self._sites = sites
        self._sessions = sessions
        self._limits = limits
        self._linking = Linking(deps)

    async def login(
        self, site_name: str, token: str, *, address: str | None = None
    ) -> tuple[str, User]:
        """Verify the token; answers a bearer token and the user it stands for."""
        site = await self._sites.get(site_name)
        if not site.sso_secret:
            raise Forbidden("This site does not use single sign-on.")
        await self._limits.sso_exchange(site.name, address)
        if len(token) > MAX_SSO_TOKEN:
            raise invalid("token", f"must be at most {MAX_SSO_TOKEN} characters")
        if _header(token).get("alg") != "HS256":
            raise _refuse("only HS256 is accepted")
        try:
            decoded = jwt.decode(
                token, OctKey.import_key(site.sso_secret.encode()), algorithms=["HS256"]
            )
        except (JoseError, ValueError):
            raise _refuse("the signature does not match the site's secret") from None
        claims = decoded.claims
        now = int(self._deps.clock().timestamp())
        iat, exp = claims.get("iat"), claims.get("exp")
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (iat, exp)):
            raise _refuse("iat and exp must be present as numbers")
        assert isinstance(iat, int) and isinstance(exp, int)
        if exp <= now - LEEWAY:
            raise _refuse("it has expired", expired=True)
        if iat > now + LEEWAY:
            raise _refuse("it was issued in the future")
        if exp - iat > MAX_LIFETIME:
            raise _refuse("it may live at most an hour")
        if "aud" in claims and claims["aud"] != site.name:
            raise _refuse("it is meant for another site")
        sub, name = claims.get("sub"), claims.get("name")
        if not isinstance(sub, str) or not 0 < len(sub) <= 200 or not sub.isprintable():
            raise _refuse("sub must be a short string")
        if isinstance(name, str):
            name = "".join(ch for ch in name if ch.isprintable()).strip()
        if not isinstance(name, str) or not name:
            raise _refuse("name must be a non-empty string")
        if len(name) > MAX_NAME:
            raise invalid("name", f"must be at most {MAX_NAME} characters")
        email = claims.get("email")
        avatar = claims.get("avatar")
        user = await self._deps.storage.upsert_user(
            User(
                id=f"sso:{site.name}:{sub}",
                name=name,
                avatar_url=safe_avatar(avatar if isinstance(avatar, str) else None),
                # Only an address we could send to: nothing a header could be bent with.
                email=email if isinstance(email, str) and plain_address(email) else None,
                created_at=self._deps.clock(),
            )
        )
        # The publisher vouches for the address only by saying so: `email_verified: true`.
        if claims.get("email_verified") is True and isinstance(email, str):
            await self._linking.after_login(site, user, email)
        return await self._sessions.issue(user.id, site.name), user

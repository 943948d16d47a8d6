"""The login dance every provider shares: state, PKCE, nonce and the browser binding.

A login starts in a popup on the service's own origin. Its state record lives in the
cache for ten minutes, is single-use (taken atomically), names the provider, the PKCE
verifier, the nonce and the exact embedding origin, and is bound to the popup's browser
by a first-party cookie. No redirect target ever comes from a request parameter.

Every callback that names a live state consumes it, whatever else is wrong with it:
a provider's error answer (`error=access_denied`), a missing code, an `iss` (RFC 9207)
that names another provider. Starts are rate-limited per address and per site.

The widget's token reaches the article page only by the popup's `postMessage`, which
the server cannot see arrive (the opener may have gone, or navigated elsewhere). So a
widget login's session lives ten minutes until its first use, when it takes the normal
sliding expiry; an undelivered token dies unused. A dashboard login's token goes into
the response's own cookie and lives normally.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from comments.errors import BadRequest, NotFound, Unavailable
from comments.login import AuthorizeRequest, Identity, LoginRefused, Provider, pkce_challenge
from comments.login.dev import DevProvider
from comments.login.github import GitHubProvider
from comments.login.oidc import OidcProvider
from comments.mail_address import plain_address
from comments.models import MAX_NAME, Site, User
from comments.service import validation
from comments.service.context import Deps
from comments.service.limits import RateLimits
from comments.service.linking import Linking
from comments.service.sessions import Sessions
from comments.service.sites import Sites

log = logging.getLogger(__name__)

STATE_TTL = 600
MAX_STATE = 100
MAX_CODE = 2048
MAX_ISSUER = 2048
UNTIL_FIRST_USE = timedelta(minutes=10)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class LoginStart:
    """Where the popup goes next, and the secret its cookie must carry back."""

    redirect_to: str
    browser_secret: str


@dataclass(frozen=True)
class LoginResult:
    """A finished login: a widget's token goes to `origin` only; a dashboard's to a cookie."""

    origin: str
    site: str | None
    token: str
    user: User
    purpose: str = "widget"


def display_name(identity: Identity) -> str:
    """The provider's name for the user, cleaned and limited; the subject when it has none."""
    name = "".join(ch for ch in identity.name if ch.isprintable()).strip()[:MAX_NAME]
    return name or identity.subject[:MAX_NAME]


def safe_avatar(url: str | None) -> str | None:
    """Only https avatars are kept: anything else could track or mix content."""
    if not url or len(url) > 2048:
        return None
    parts = urlsplit(url)
    return url if parts.scheme == "https" and parts.hostname else None


def verified_email(provider: Provider, identity: Identity) -> str | None:
    """The identity's address when its provider vouches that it is the reader's: OpenID
    Connect passes one only with `email_verified` true, and GitHub makes only a verified
    address public. Others (the dev login) vouch for none."""
    if isinstance(provider, OidcProvider | GitHubProvider):
        return identity.email
    return None


class Logins:
    """Starts and finishes logins for any provider."""

    def __init__(self, deps: Deps, sites: Sites, sessions: Sessions, limits: RateLimits) -> None:
        self._deps = deps
        self._sites = sites
        self._sessions = sessions
        self._limits = limits
        self._linking = Linking(deps)

    def provider(self, provider_id: str) -> Provider:
        """The enabled provider, or 404."""
        provider = self._deps.providers.get(provider_id)
        if provider is None:
            raise NotFound("There is no such login provider.")
        return provider

    @property
    def dev_enabled(self) -> bool:
        """Whether the dev login is switched on."""
        return isinstance(self._deps.providers.get("dev"), DevProvider)

    async def dev_grant(self, name: str, redirect_uri: str, state: str, challenge: str) -> str:
        """The dev authorize page's answer: where to send the popup with a fresh code."""
        provider = self._deps.providers.get("dev")
        if not isinstance(provider, DevProvider):
            raise NotFound("The dev login is not enabled.")
        if redirect_uri != self.redirect_uri("dev"):
            raise BadRequest("This login does not come from this service.")
        name = name.strip()
        if not name or len(name) > MAX_NAME or not name.isprintable():
            raise BadRequest(f"Please type a name of 1 to {MAX_NAME} characters.")
        return await provider.grant(name, redirect_uri, state, challenge)

    def providers(self, site: Site | None = None) -> list[Provider]:
        """The enabled providers (those the site offers, when given), in settings order."""
        offered = site.policy.login_providers if site else ()
        return [p for p in self._deps.providers.values() if not offered or p.id in offered]

    def redirect_uri(self, provider_id: str) -> str:
        """The fixed callback URL for a provider, built from the public URL."""
        return f"{self._deps.config.public_url}/auth/{provider_id}/callback"

    async def start(
        self,
        provider_id: str,
        site_name: str | None,
        origin: str,
        *,
        dashboard: bool = False,
        address: str | None = None,
    ) -> LoginStart:
        """Record a fresh state and answer the provider's authorize URL.

        A widget login names the site and the embedding page's exact origin; a dashboard
        login is for the service's own pages and ends in a cookie, not a message.
        `address` is the client's, for the rate limit.
        """
        provider = self.provider(provider_id)
        if dashboard:
            await self._limits.login_start(None, address)
            site_name, exact = None, self._deps.config.origin
        else:
            site = await self._sites.get(site_name or "")
            await self._limits.login_start(site.name, address)
            try:
                exact = validation.origin(origin)
            except ValueError:
                raise BadRequest("The origin is not a web page's origin.") from None
            if exact != origin or exact not in site.origins:
                # Words the publisher can act on: which page, and the command that allows it.
                raise BadRequest(
                    f"Comments of the site {site.name} are not allowed on pages at {origin}: "
                    f"the publisher can add {origin} to the site's allowed origins."
                )
            if provider not in self.providers(site):
                raise BadRequest("This site does not offer this login.")
            site_name = site.name
        await self._prepare(provider)
        state = secrets.token_urlsafe(32)
        verifier = secrets.token_urlsafe(48)
        nonce = secrets.token_urlsafe(24)
        browser_secret = secrets.token_urlsafe(32)
        record = {
            "purpose": "dashboard" if dashboard else "widget",
            "provider": provider.id,
            "site": site_name,
            "origin": exact,
            "verifier": verifier,
            "nonce": nonce,
            "browser": _digest(browser_secret),
        }
        await self._deps.cache.put(f"login:{state}", json.dumps(record), STATE_TTL)
        request = AuthorizeRequest(
            state=state,
            code_challenge=pkce_challenge(verifier),
            nonce=nonce,
            redirect_uri=self.redirect_uri(provider.id),
        )
        return LoginStart(provider.authorize_url(request), browser_secret)

    @staticmethod
    async def _prepare(provider: Provider) -> None:
        try:
            await provider.prepare()
        except LoginRefused as exc:
            log.warning("login provider %s unavailable: %s", provider.id, exc)
            raise Unavailable("The login provider is not answering. Try again soon.") from None

    async def abandon(self, state: str) -> None:
        """A provider's error answer (the reader said no): its state can finish nothing."""
        if state and len(state) <= MAX_STATE:
            await self._deps.cache.take(f"login:{state}")

    async def finish(
        self,
        provider_id: str,
        state: str,
        code: str,
        browser_secret: str | None,
        *,
        issuer: str | None = None,
    ) -> LoginResult:
        """Take the state once, check it belongs here, redeem the code, issue a token.

        `issuer` is the callback's `iss` parameter (RFC 9207), None when absent.
        """
        if not state or len(state) > MAX_STATE:
            raise BadRequest("This login link is incomplete. Please start again.")
        raw = await self._deps.cache.take(f"login:{state}")
        if raw is None:
            raise BadRequest("This login has expired or was already used. Please start again.")
        record = json.loads(raw)
        if not code or len(code) > MAX_CODE or validation.identifier_problem(code):
            raise BadRequest("This login link is incomplete. Please start again.")
        if record["provider"] != provider_id:
            raise BadRequest("This login was started with another provider. Please start again.")
        if not browser_secret or not secrets.compare_digest(
            _digest(browser_secret), record["browser"]
        ):
            raise BadRequest("This login was started in another browser. Please start again.")
        provider = self.provider(provider_id)
        await self._prepare(provider)
        try:
            if issuer is not None and len(issuer) > MAX_ISSUER:
                raise LoginRefused("an oversized iss")
            await provider.check_issuer(issuer)
        except LoginRefused as exc:
            log.info("login answer refused for %s: %s", provider_id, exc)
            raise BadRequest(
                "This login answer does not come from the provider the login was started "
                "with. Please start again."
            ) from None
        try:
            identity = await provider.exchange(
                code, record["verifier"], self.redirect_uri(provider_id), record["nonce"]
            )
        except LoginRefused as exc:
            log.info("login refused by %s: %s", provider_id, exc)
            raise BadRequest("The login provider refused this login. Please start again.") from None
        user = await self._deps.storage.upsert_user(
            User(
                id=identity.user_id[:300],
                name=display_name(identity),
                avatar_url=safe_avatar(identity.avatar_url),
                email=identity.email if identity.email and plain_address(identity.email) else None,
                created_at=self._deps.clock(),
            )
        )
        purpose = record.get("purpose", "widget")
        if purpose != "dashboard" and record["site"]:
            site = await self._sites.get(record["site"])
            await self._linking.after_login(site, user, verified_email(provider, identity))
        if purpose == "dashboard":
            token = await self._sessions.issue(user.id, None, kind="dashboard")
        else:
            token = await self._sessions.issue(
                user.id, record["site"], first_use_within=UNTIL_FIRST_USE
            )
        return LoginResult(record["origin"], record["site"], token, user, purpose)

"""A reader's e-mail choices: read and set them, confirm an address, unsubscribe in one click.

An address counts only when it is verified: a provider's verified e-mail claim, the
`email` claim of the publisher's SSO token, or one the reader confirmed by the link we
mailed it (a signed token holding the account and the address, good for a day). The
unsubscribe link is a signed token too, so it works without logging in, cannot be
forged, and used twice does nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from comments.errors import Forbidden, Invalid
from comments.mail_address import MAX_ADDRESS, plain_address
from comments.models import Language
from comments.service.context import Deps
from comments.service.limits import RateLimits
from comments.service.mail import Item, Letter, MailConfig, compose, link, words
from comments.service.mail_tokens import sign, verify
from comments.service.notices import CONFIRM_PATH, mail_item
from comments.service.sessions import Viewer, sessions_changed
from comments.service.sites import Sites
from comments.storage import Effects, NotificationPrefs

CONFIRM_FOR = timedelta(days=1)
LISTS = ("replies", "decisions", "alerts")


@dataclass(frozen=True)
class Choices:
    """What a PUT changes; None leaves a choice as it is."""

    replies: bool | None = None
    decisions: bool | None = None
    alerts: bool | None = None
    email: str | None = None


@dataclass(frozen=True)
class Unsubscribed:
    """What a one-click unsubscribe stopped."""

    site: str
    lists: tuple[str, ...]


class Notifications:
    """The reader's side of e-mail."""

    def __init__(self, deps: Deps, sites: Sites, limits: RateLimits, mail: MailConfig) -> None:
        self._deps = deps
        self._sites = sites
        self._limits = limits
        self.mail = mail

    async def _prefs(self, viewer: Viewer, site: str) -> NotificationPrefs:
        stored = await self._deps.storage.notification_prefs(viewer.user.id, site)
        return stored or NotificationPrefs(user_id=viewer.user.id, site=site)

    async def _site(self, viewer: Viewer, site_name: str) -> str:
        site = await self._sites.get(site_name)
        if viewer.site is not None and viewer.site != site.name:
            raise Forbidden("This login is for another site.")
        return site.name

    async def get(self, viewer: Viewer, site_name: str) -> dict[str, Any]:
        """The choices on the site, the verified address, and whether mail is sent at all."""
        site = await self._site(viewer, site_name)
        prefs = await self._prefs(viewer, site)
        user = await self._deps.storage.get_user(viewer.user.id)
        email = user.email if user is not None else None
        roles = viewer.roles
        if viewer.site is None:  # a dashboard session: roles on the site asked about
            roles = frozenset(await self._deps.storage.roles(site, viewer.user.id))
        staff = bool(roles) or viewer.user.id in self._deps.config.admins
        return {
            "enabled": self.mail.enabled,
            "email": email,
            "verified": email is not None,
            "replies": prefs.replies,
            "decisions": prefs.decisions,
            "alerts": prefs.alerts if staff else None,
            "interval_seconds": int(self.mail.interval.total_seconds()),
        }

    async def put(
        self, viewer: Viewer, site_name: str, choices: Choices, language: Language
    ) -> dict[str, Any]:
        """Change the choices; a new address is mailed a confirmation link first."""
        site = await self._site(viewer, site_name)
        prefs = await self._prefs(viewer, site)
        changed = replace(
            prefs,
            replies=prefs.replies if choices.replies is None else choices.replies,
            decisions=prefs.decisions if choices.decisions is None else choices.decisions,
            alerts=prefs.alerts if choices.alerts is None else choices.alerts,
        )
        confirming = None
        if choices.email is not None:
            confirming = await self._confirm_address(viewer, site, choices.email, language)
        if changed != prefs or choices.replies is False:
            await self._deps.storage.set_notification_prefs(
                changed, self._deps.clock(), clear_asks=choices.replies is False
            )
        answer = await self.get(viewer, site)
        if confirming is not None:
            answer["confirmation_sent_to"] = confirming
        return answer

    async def _confirm_address(
        self, viewer: Viewer, site: str, email: str, language: Language
    ) -> str | None:
        address = email.strip()
        if not plain_address(address):
            raise Invalid(
                f"That is not an e-mail address we can send to (plain name@domain, at most "
                f"{MAX_ADDRESS} characters).",
                fields={"email": "invalid"},
            )
        user = await self._deps.storage.get_user(viewer.user.id)
        if user is not None and user.email == address:
            return None  # verified already
        if not self.mail.enabled:
            raise Invalid(
                "This service sends no e-mail, so it cannot confirm an address.",
                fields={"email": "unavailable"},
            )
        await self._limits.confirmations(viewer.user.id)
        expires = int((self._deps.clock() + CONFIRM_FOR).timestamp())
        token = sign(
            self._deps.config.signing_key,
            "confirm",
            {"u": viewer.user.id, "e": address, "x": expires, "s": site},
        )
        letter = Letter(
            to=address,
            language=language,
            subject=words(language, "confirm_subject"),
            intro=[words(language, "confirm_body", site=site)],
            items=[
                Item(
                    line="",
                    link=link(self._deps.config.public_url, CONFIRM_PATH, token),
                    link_label=words(language, "confirm_subject"),
                )
            ],
            why=words(language, "confirm_ignore"),
        )
        mail_id = self._deps.ids.new()
        message = compose(
            letter,
            sender=self.mail.sender,
            mail_id=mail_id,
            public_url=self._deps.config.public_url,
            now=self._deps.clock(),
        )
        row = mail_item(self._deps, site, address, message, mail_id)
        await self._deps.storage.record(Effects(outbox=(row,)))
        self._deps.wakeup.set()
        return address

    def _confirmation(self, token: str) -> tuple[str, str] | None:
        """(account, address) of a valid, unexpired confirmation link."""
        data = verify(self._deps.config.signing_key, "confirm", token)
        if data is None:
            return None
        user_id, address, expires = data.get("u"), data.get("e"), data.get("x")
        if not isinstance(user_id, str) or not isinstance(address, str):
            return None
        if not isinstance(expires, int) or expires < self._deps.clock().timestamp():
            return None
        return (user_id, address) if plain_address(address) else None

    def confirmable(self, token: str) -> str | None:
        """The address a link would confirm, without confirming it (the page a GET shows)."""
        found = self._confirmation(token)
        return found[1] if found else None

    async def confirm(self, token: str) -> str | None:
        """Record the address a valid, unexpired link confirms; answers it, or None."""
        found = self._confirmation(token)
        if found is None or await self._deps.storage.get_user(found[0]) is None:
            return None
        await self._deps.storage.set_email(*found)
        await sessions_changed(self._deps, found[0])  # remembered sessions still lack it
        return found[1]

    async def check_unsubscribe(self, token: str) -> Unsubscribed | None:
        """What a link would stop, without stopping it (the page a GET shows)."""
        data = verify(self._deps.config.signing_key, "unsubscribe", token)
        if data is None:
            return None
        site, lists = data.get("s"), data.get("l")
        if not isinstance(site, str) or not isinstance(data.get("u"), str):
            return None
        if not isinstance(lists, list) or not all(name in LISTS for name in lists):
            return None
        return Unsubscribed(site, tuple(lists))

    async def unsubscribe(self, token: str) -> Unsubscribed | None:
        """Stop the lists the link names (again, harmlessly, when used twice)."""
        found = await self.check_unsubscribe(token)
        data = verify(self._deps.config.signing_key, "unsubscribe", token)
        if found is None or data is None:
            return None
        user_id = str(data["u"])
        if await self._deps.storage.get_user(user_id) is None:
            return found  # the account is gone: nothing is sent to it anyway
        stored = await self._deps.storage.notification_prefs(user_id, found.site)
        prefs = stored or NotificationPrefs(user_id=user_id, site=found.site)
        stop = set(found.lists)
        changed = replace(
            prefs,
            replies=prefs.replies and "replies" not in stop,
            decisions=prefs.decisions and "decisions" not in stop,
            alerts=prefs.alerts and "alerts" not in stop,
        )
        await self._deps.storage.set_notification_prefs(
            changed, self._deps.clock(), clear_asks="replies" in stop
        )
        return found

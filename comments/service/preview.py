"""A comment's published HTML: made here for a post or an edit, and for the preview.

The preview answers what a post of the same text would show readers — the same
checks on the text, the same renderer, sanitiser and word masking — and writes,
caches and announces nothing. Both paths call `published_html`, so the two cannot
drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence

from comments.errors import LoginRequired
from comments.models import MAX_BODY, SitePolicy
from comments.moderation.phases import word_action
from comments.moderation.words import WordHit
from comments.render import Parsed
from comments.service import validation
from comments.service.context import Deps
from comments.service.limits import RateLimits
from comments.service.sessions import Viewer
from comments.service.sites import Sites


async def published_html(
    deps: Deps, policy: SitePolicy, parsed: Parsed, hits: Sequence[WordHit]
) -> str:
    """The HTML readers get for a parsed text: words the site masks starred out."""
    masked = [hit for hit in hits if word_action(hit, policy) == "mask"]
    if not masked:
        return deps.renderer.html(parsed)
    body = (await deps.words.matcher(policy)).mask(parsed.source, masked)
    return deps.renderer.render(body)


class Preview:
    """What a comment would look like, before it is posted."""

    def __init__(self, deps: Deps, sites: Sites, limits: RateLimits) -> None:
        self._deps = deps
        self._sites = sites
        self._limits = limits

    async def html(
        self, site_name: str, viewer: Viewer, body: str, address: str | None = None
    ) -> str:
        """The HTML a post of `body` on the site would publish; nothing is stored. Counted
        per reader and per address (comments/service/limits.py): 429 past the limit."""
        site = await self._sites.get(site_name)
        if viewer.site != site.name:
            raise LoginRequired("This login is for another site. Please log in again.")
        body = validation.text("body", body, MAX_BODY, multiline=True)
        await self._limits.preview(site, viewer.user.id, address)
        parsed = self._deps.renderer.parse(body)
        hits = await self._deps.words.find(site.policy, body)
        return await published_html(self._deps, site.policy, parsed, hits)

"""Imported authors linked to a reader's real account through a verified e-mail address.

An import makes each author a user `import:<source>:<key>` that can never log in, with
the address the source had for them. A site that sets `link_imported_authors` hands
those comments (and those authors' votes on its comments) to the reader who logs in
there with that address, verified by the login: an OpenID Connect provider's
`email_verified` (comments/login/oidc.py keeps no other address), GitHub's public
address (GitHub lets only a verified address be public), a publisher's sign-on token
with `email_verified: true`. The dev login brings no address, so it links nothing.

Only imported users are ever linked, only on the site logged in to, and a second login
finds nothing more to move. The move commits with an audit row and quiet page bumps
of the threads it changed, so readers see the real name at once.
"""

from __future__ import annotations

from comments.mail_address import plain_address
from comments.models import IMPORTED, Site, User
from comments.service.context import Deps
from comments.service.effects import Consequences
from comments.service.freshness import Freshness
from comments.storage import Effects, LinkedAuthors, OutboxItem

ACTION = "user_linked"
THREADS_NAMED = 100  # more changed threads than this bump the whole site once
IDS_NAMED = 50  # at most this many imported ids are named in the audit row


class Linking:
    """Moves imported authors' comments to the account of their verified address."""

    def __init__(self, deps: Deps) -> None:
        self._deps = deps
        self._make = Consequences(deps)
        self._fresh = Freshness(deps)

    async def after_login(self, site: Site, user: User, verified_email: str | None) -> int:
        """Link what the site's imported authors of this address wrote; answers how many
        comments moved (0 when the site does not link, or nothing is left to link)."""
        if not site.policy.link_imported_authors or user.id.startswith(IMPORTED):
            return 0
        if not verified_email or not plain_address(verified_email):
            return 0
        made: list[OutboxItem] = []

        def effects(linked: LinkedAuthors) -> Effects:
            details: dict[str, object] = {
                "imported": list(linked.imported_ids[:IDS_NAMED]),
                "imported_count": len(linked.imported_ids),
                "comments": linked.comments,
                "votes": linked.votes,
            }
            entry = self._make.audit(site.name, user.id, ACTION, user_id=user.id, details=details)
            if len(linked.thread_ids) > THREADS_NAMED:
                made.append(self._make.site_changed(site.name))
            else:
                made.extend(self._make.changed(site.name, thread_id=t) for t in linked.thread_ids)
            return Effects(audit=(entry,), outbox=tuple(made))

        linked = await self._deps.storage.link_imported_authors(
            site.name, user.id, verified_email, effects
        )
        if made:  # made only when something moved
            await self._fresh.after(made)
        return linked.comments

"""Imported authors handed over to the real account of their address, on SQL.

An imported author (`import:<source>:<key>`) can never log in. A site that links them
gives their comments there, and their votes on its comments, to the reader who logs in
with the address the import stored. Stored addresses are plain ASCII
(comments/mail_address.py), so `lower()` folds them alike on every engine, and the
index on `lower(email)` finds the few users of one address.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import and_, func, select, update

from comments.models import IMPORTED
from comments.storage import Effects, LinkedAuthors
from comments.storage.schema import comments, users, votes
from comments.storage.sql_base import SqlBase


class LinkingQueries(SqlBase):
    """The comments and votes of imported users, moved to a real account."""

    async def link_imported_authors(
        self,
        site: str,
        user_id: str,
        email: str,
        effects: Callable[[LinkedAuthors], Effects],
    ) -> LinkedAuthors:
        """Give `user_id` the site's comments, and votes on its comments, of every imported
        user whose stored address is `email` (case aside), with the effects made from what
        moved, in one transaction; nothing is written when nothing moves."""
        if user_id.startswith(IMPORTED):
            return LinkedAuthors()
        async with self._engine.begin() as conn:
            found = await conn.execute(
                select(users.c.id).where(
                    func.lower(users.c.email) == email.lower(),
                    users.c.id.startswith(IMPORTED, autoescape=True),
                )
            )
            # SQLite's LIKE ignores case: only the exact prefix is an imported user.
            imported = sorted(i for i in found.scalars() if i.startswith(IMPORTED))
            if not imported:
                return LinkedAuthors()
            theirs = and_(comments.c.site == site, comments.c.author_id.in_(imported))
            held = await conn.execute(select(comments.c.thread_id).where(theirs))
            threads = set(held.scalars())
            moved = await conn.execute(update(comments).where(theirs).values(author_id=user_id))
            # One imported user at a time: two of them may have voted on one comment.
            mine, on_site = votes.alias("mine"), comments.alias("on_site")
            voted = 0
            for imported_id in imported:
                movable = and_(
                    votes.c.user_id == imported_id,
                    votes.c.comment_id.in_(
                        select(on_site.c.id).where(
                            on_site.c.site == site, on_site.c.author_id != user_id
                        )
                    ),
                    ~select(mine.c.user_id)
                    .where(mine.c.comment_id == votes.c.comment_id, mine.c.user_id == user_id)
                    .exists(),
                )
                on = (
                    select(comments.c.thread_id)
                    .join(votes, votes.c.comment_id == comments.c.id)
                    .where(movable)
                )
                threads.update((await conn.execute(on)).scalars())
                done = await conn.execute(update(votes).where(movable).values(user_id=user_id))
                voted += done.rowcount
            if not moved.rowcount and not voted:
                return LinkedAuthors(imported_ids=tuple(imported))
            linked = LinkedAuthors(tuple(imported), tuple(sorted(threads)), moved.rowcount, voted)
            await self._effects(conn, effects(linked))
        return linked

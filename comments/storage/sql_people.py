"""Finding a site's people by name, on SQL: the staff's user search.

Names match case-insensitively as Python's `str.lower` folds them, on every database:
SQLite's `lower()` folds ASCII only, and so does PostgreSQL's in a database created
without a locale. So the database narrows with what every engine folds alike — the
ASCII letters in order, on the lowered name, and each other letter present in one of
its cases — and the exact test runs here, on the few names that pass. Candidates come
by name in batches, so a search that the narrowing does not narrow still ends at the
limit, with memory bounded.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.sql import ColumnElement

from comments.models import Role, User
from comments.storage.schema import bans, comments, roles, users
from comments.storage.sql_base import SqlBase, user_of_row

BATCH = 200


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def name_narrowing(text: str) -> list[ColumnElement[bool]]:
    """Conditions every name containing `text` (case aside) meets on any engine."""
    folded = text.lower()
    ascii_in_order = "%" + "".join(_like(c) if c.isascii() else "%" for c in folded) + "%"
    found: list[ColumnElement[bool]] = [func.lower(users.c.name).like(ascii_in_order, escape="\\")]
    for letter in sorted({c for c in text if not c.isascii()}):
        forms = sorted({letter, letter.lower(), letter.upper()})
        found.append(or_(*(users.c.name.like(f"%{_like(f)}%", escape="\\") for f in forms)))
    return found


class PeopleQueries(SqlBase):
    """The users a site's staff can look up."""

    async def search_users(
        self, site: str, text: str, limit: int
    ) -> list[tuple[User, frozenset[Role]]]:
        """Users who wrote on the site, or hold a role or a ban there, whose name contains
        `text` case-insensitively; by name, at most `limit`, each with its roles there."""
        folded = text.lower()
        related = or_(
            exists().where(comments.c.author_id == users.c.id, comments.c.site == site),
            exists().where(roles.c.user_id == users.c.id, roles.c.site == site),
            exists().where(bans.c.user_id == users.c.id, bans.c.site == site),
        )
        query = (
            select(users)
            .where(related, *name_narrowing(text))
            .order_by(users.c.name, users.c.id)
            .limit(BATCH)
        )
        found: list[User] = []
        async with self._engine.connect() as conn:
            after: tuple[str, str] | None = None
            while len(found) < limit:
                page = query
                if after is not None:
                    name, user_id = after
                    page = query.where(
                        or_(users.c.name > name, and_(users.c.name == name, users.c.id > user_id))
                    )
                rows = (await conn.execute(page)).mappings().all()
                found += [user for user in map(user_of_row, rows) if folded in user.name.lower()]
                if len(rows) < BATCH:
                    break
                after = (rows[-1]["name"], rows[-1]["id"])
            found = found[:limit]
            held: dict[str, set[Role]] = {user.id: set() for user in found}
            if held:
                stmt = select(roles.c.user_id, roles.c.role).where(
                    roles.c.site == site, roles.c.user_id.in_(list(held))
                )
                for user_id, role in (await conn.execute(stmt)).all():
                    held[user_id].add(cast(Role, role))
        return [(user, frozenset(held[user.id])) for user in found]

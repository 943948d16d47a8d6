"""Sites, users, roles and sessions on SQL, and a user's export and erasure."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import delete, exists, func, insert, or_, select, update

from comments.models import Language, Role, Session, Site, User
from comments.storage import NO_EFFECTS, Effects
from comments.storage.schema import comments, reports, roles, sessions, sites, threads, users, votes
from comments.storage.sql_base import SqlBase, language_of_row, site_of_row, user_of_row


def _session_of_row(row: Any) -> Session:
    return Session(
        token_hash=row["token_hash"],
        user_id=row["user_id"],
        site=row["site"],
        kind=row["kind"],
        role=row["role"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        revoked=row["revoked_at"] is not None,
    )


class AccountQueries(SqlBase):
    """Sites, users and sessions."""

    # sites

    async def get_site(self, name: str) -> Site | None:
        """The site called `name`."""
        async with self._engine.connect() as conn:
            row = (await conn.execute(select(sites).where(sites.c.name == name))).mappings().first()
        return site_of_row(row) if row else None

    async def list_sites(self) -> list[Site]:
        """Every site, by name."""
        async with self._engine.connect() as conn:
            rows = (await conn.execute(select(sites).order_by(sites.c.name))).mappings().all()
        return [site_of_row(row) for row in rows]

    async def create_site(self, site: Site) -> bool:
        """Add a site; False when the name is taken."""
        values = {
            "name": site.name,
            "origins": list(site.origins),
            "policy": site.policy.model_dump(),
            "sso_secret": site.sso_secret,
            "created_at": site.created_at,
        }
        async with self._engine.begin() as conn:
            result = await conn.execute(self._insert_ignore(sites, values))
        return bool(result.rowcount)

    async def update_site(self, site: Site, effects: Effects = NO_EFFECTS) -> None:
        """Replace a site's origins, policy and secret."""
        async with self._engine.begin() as conn:
            await self._effects(conn, effects)
            await conn.execute(
                update(sites)
                .where(sites.c.name == site.name)
                .values(
                    origins=list(site.origins),
                    policy=site.policy.model_dump(),
                    sso_secret=site.sso_secret,
                )
            )

    # users and roles

    async def upsert_user(self, user: User) -> User:
        """Create the user or refresh its name and avatar; answers the stored user.

        A login that brings no verified address keeps the one the account has (one the
        reader confirmed by mail, say); one that brings an address replaces it."""
        async with self._engine.begin() as conn:
            await conn.execute(
                self._insert_ignore(
                    users,
                    {
                        "id": user.id,
                        "name": user.name,
                        "avatar_url": user.avatar_url,
                        "email": user.email,
                        "created_at": user.created_at,
                    },
                )
            )
            fresh: dict[str, object] = {"name": user.name, "avatar_url": user.avatar_url}
            if user.email is not None:
                fresh["email"] = user.email
            await conn.execute(update(users).where(users.c.id == user.id).values(**fresh))
            row = (await conn.execute(select(users).where(users.c.id == user.id))).mappings().one()
        return user_of_row(row)

    async def get_user(self, user_id: str) -> User | None:
        """The user with this id."""
        async with self._engine.connect() as conn:
            row = (
                (await conn.execute(select(users).where(users.c.id == user_id))).mappings().first()
            )
        return user_of_row(row) if row else None

    async def set_language(self, user_id: str, language: Language) -> bool:
        """Remember the user's language; False when it was already that (nothing written)."""
        query = (
            update(users)
            .where(
                users.c.id == user_id,
                or_(users.c.language.is_(None), users.c.language != language),
            )
            .values(language=language)
        )
        async with self._engine.begin() as conn:
            return bool((await conn.execute(query)).rowcount)

    async def roles(self, site: str, user_id: str) -> set[Role]:
        """The user's roles on the site."""
        query = select(roles.c.role).where(roles.c.site == site, roles.c.user_id == user_id)
        async with self._engine.connect() as conn:
            return {cast(Role, role) for role in (await conn.execute(query)).scalars()}

    async def grant_role(self, site: str, user_id: str, role: Role, now: datetime) -> None:
        """Give a role (idempotent)."""
        values = {"site": site, "user_id": user_id, "role": role, "created_at": now}
        async with self._engine.begin() as conn:
            await conn.execute(self._insert_ignore(roles, values))

    async def list_roles(self, site: str) -> list[tuple[str, str | None, list[Role]]]:
        """Everyone with a role on the site: id, name, roles."""
        stmt = (
            select(roles.c.user_id, users.c.name, roles.c.role)
            .select_from(roles.outerjoin(users, users.c.id == roles.c.user_id))
            .where(roles.c.site == site)
            .order_by(roles.c.user_id, roles.c.role)
        )
        grouped: dict[str, tuple[str | None, list[Role]]] = {}
        async with self._engine.connect() as conn:
            for user_id, name, role in (await conn.execute(stmt)).all():
                grouped.setdefault(user_id, (name, []))[1].append(role)
        return [(user_id, name, found) for user_id, (name, found) in grouped.items()]

    async def set_roles(
        self,
        site: str,
        user_id: str,
        wanted: list[Role],
        now: datetime,
        effects: Effects = NO_EFFECTS,
    ) -> None:
        """Replace the user's roles on the site."""
        async with self._engine.begin() as conn:
            await self._effects(conn, effects)
            await conn.execute(
                delete(roles).where(roles.c.site == site, roles.c.user_id == user_id)
            )
            for role in sorted(set(wanted)):
                await conn.execute(
                    insert(roles).values(site=site, user_id=user_id, role=role, created_at=now)
                )

    # sessions

    async def create_session(self, session: Session, name: str | None = None) -> None:
        """Store a new session by its token hash."""
        async with self._engine.begin() as conn:
            await conn.execute(
                insert(sessions).values(
                    token_hash=session.token_hash,
                    user_id=session.user_id,
                    site=session.site,
                    kind=session.kind,
                    role=session.role,
                    name=name,
                    created_at=session.created_at,
                    expires_at=session.expires_at,
                )
            )

    async def get_session(self, token_hash: str) -> Session | None:
        """The session for a token hash, revoked or not."""
        query = select(sessions).where(sessions.c.token_hash == token_hash)
        async with self._engine.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        return _session_of_row(row) if row else None

    async def session_with_user(
        self, token_hash: str
    ) -> tuple[Session, User | None, frozenset[Role]] | None:
        """The session, its user and the user's roles on the session's site, in one query."""

        def has(role: str) -> Any:
            return (
                exists()
                .where(
                    roles.c.site == sessions.c.site,
                    roles.c.user_id == sessions.c.user_id,
                    roles.c.role == role,
                )
                .label(f"is_{role}")
            )

        query = (
            select(
                sessions,
                users.c.id.label("u_id"),
                users.c.name.label("u_name"),
                users.c.avatar_url.label("u_avatar_url"),
                users.c.email.label("u_email"),
                users.c.created_at.label("u_created_at"),
                users.c.language.label("u_language"),
                has("moderator"),
                has("admin"),
            )
            .select_from(sessions.outerjoin(users, users.c.id == sessions.c.user_id))
            .where(sessions.c.token_hash == token_hash)
        )
        async with self._engine.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        if row is None:
            return None
        user = None
        if row["u_id"] is not None:
            user = User(
                id=row["u_id"],
                name=row["u_name"],
                avatar_url=row["u_avatar_url"],
                email=row["u_email"],
                created_at=row["u_created_at"],
                language=language_of_row(row["u_language"]),
            )
        found: set[Role] = set()
        if row["is_moderator"]:
            found.add("moderator")
        if row["is_admin"]:
            found.add("admin")
        return _session_of_row(row), user, frozenset(found)

    async def extend_session(self, token_hash: str, expires_at: datetime) -> None:
        """Slide a session's expiry forward."""
        async with self._engine.begin() as conn:
            await conn.execute(
                update(sessions)
                .where(sessions.c.token_hash == token_hash, sessions.c.revoked_at.is_(None))
                .values(expires_at=expires_at)
            )

    async def revoke_sessions(
        self,
        now: datetime,
        *,
        token_hash: str | None = None,
        user_id: str | None = None,
        site: str | None = None,
    ) -> int:
        """Revoke one session, or all of a user's (on one site); answers how many."""
        if token_hash is None and user_id is None:
            raise ValueError("name a token or a user")
        query = update(sessions).where(sessions.c.revoked_at.is_(None)).values(revoked_at=now)
        if token_hash is not None:
            query = query.where(sessions.c.token_hash == token_hash)
        if user_id is not None:
            query = query.where(sessions.c.user_id == user_id)
        if site is not None:
            query = query.where(sessions.c.site == site)
        async with self._engine.begin() as conn:
            return (await conn.execute(query)).rowcount

    # a user's own data

    async def export_user(self, user_id: str) -> dict[str, list[dict[str, Any]]]:
        """Every comment and vote of the user, for the user to take away."""
        own = (
            select(
                comments.c.id,
                comments.c.site,
                threads.c.key,
                comments.c.parent_id,
                comments.c.body,
                comments.c.status,
                comments.c.created_at,
                comments.c.edited_at,
            )
            .select_from(comments.join(threads, threads.c.id == comments.c.thread_id))
            .where(comments.c.author_id == user_id)
            .order_by(comments.c.id)
        )
        cast_votes = (
            select(votes.c.comment_id, votes.c.value, votes.c.created_at)
            .where(votes.c.user_id == user_id)
            .order_by(votes.c.created_at)
        )
        async with self._engine.connect() as conn:
            found = [dict(row) for row in (await conn.execute(own)).mappings()]
            voted = [dict(row) for row in (await conn.execute(cast_votes)).mappings()]
        return {"comments": found, "votes": voted}

    async def erase_user(self, user_id: str, effects: Effects = NO_EFFECTS) -> None:
        """Forget a user: comments become tombstones, votes and reports go, the profile too."""
        async with self._engine.begin() as conn:
            await self._effects(conn, effects)
            await conn.execute(
                update(comments)
                .where(comments.c.author_id == user_id)
                .values(status="deleted", body="", html="", body_hash="", reasons=[])
            )
            voted = list(
                (
                    await conn.execute(select(votes.c.comment_id).where(votes.c.user_id == user_id))
                ).scalars()
            )
            await conn.execute(delete(votes).where(votes.c.user_id == user_id))
            await conn.execute(delete(reports).where(reports.c.user_id == user_id))
            for comment_id in voted:
                total = select(func.coalesce(func.sum(votes.c.value), 0)).where(
                    votes.c.comment_id == comment_id
                )
                score = int((await conn.execute(total)).scalar_one())
                await conn.execute(
                    update(comments).where(comments.c.id == comment_id).values(score=score)
                )
            await conn.execute(delete(users).where(users.c.id == user_id))

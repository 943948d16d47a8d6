"""The storage interface, case by case, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from comments.ids import IdFactory
from comments.models import Comment, Session, Site, SitePolicy, Thread, User
from comments.storage import CommentChange, CommentQuery, Cursor, NewCommentWrite
from comments.storage.sql import SqlStorage

NOW = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[SqlStorage]:
    store = SqlStorage.from_url(database_url)
    await store.create_site(Site("news", ("https://news.example",), SitePolicy(), None, NOW))
    await store.upsert_user(User("dev:alice", "Alice", None, NOW))
    yield store
    await store.close()


async def add(storage: SqlStorage, comment: Comment, thread: Thread) -> Thread:
    """Insert a comment, creating its thread when new."""
    return await storage.add_comment(NewCommentWrite(comment, thread, new_thread=True))


def _thread(ids: IdFactory, key: str = "t") -> Thread:
    return Thread(ids.new(), "news", key, "https://news.example/t", "T", False, NOW)


def _comment(
    ids: IdFactory, thread: Thread, body: str = "hi", parent: Comment | None = None
) -> Comment:
    comment_id = ids.new()
    return Comment(
        id=comment_id,
        site="news",
        thread_id=thread.id,
        parent_id=parent.id if parent else None,
        root_id=parent.root_id if parent else comment_id,
        depth=parent.depth + 1 if parent else 0,
        author_id="dev:alice",
        body=body,
        html=f"<p>{body}</p>",
        status="approved",
        reasons=(),
        score=0,
        report_count=0,
        created_at=NOW,
        edited_at=None,
    )


async def test_site_names_are_unique(storage: SqlStorage) -> None:
    again = Site("news", ("https://x.example",), SitePolicy(), None, NOW)
    assert not await storage.create_site(again)
    site = await storage.get_site("news")
    assert site is not None and site.origins == ("https://news.example",)


async def test_site_policy_round_trips(storage: SqlStorage) -> None:
    site = await storage.get_site("news")
    assert site is not None
    policy = SitePolicy(premoderation="new", max_links=1, auto_close_days=7)
    await storage.update_site(Site("news", site.origins, policy, "s" * 40, site.created_at))
    stored = await storage.get_site("news")
    assert stored is not None and stored.policy == policy and stored.sso_secret == "s" * 40


async def test_user_upsert_refreshes_name_and_keeps_first_seen(storage: SqlStorage) -> None:
    later = NOW + timedelta(days=3)
    user = await storage.upsert_user(User("dev:alice", "Alice B.", "https://a/x.png", later))
    assert user.name == "Alice B." and user.avatar_url == "https://a/x.png"
    assert user.created_at == NOW


async def test_revoked_and_user_wide_revocation(storage: SqlStorage) -> None:
    for n in range(3):
        await storage.create_session(
            Session(f"{n:064d}", "dev:alice", "news", "reader", None, NOW, NOW + timedelta(1))
        )
    assert await storage.revoke_sessions(NOW, token_hash=f"{0:064d}") == 1
    assert await storage.revoke_sessions(NOW, user_id="dev:alice") == 2
    session = await storage.get_session(f"{1:064d}")
    assert session is not None and session.revoked
    assert session.expires_at.tzinfo is not None


async def test_first_comment_creates_the_thread_once_even_when_racing(
    storage: SqlStorage,
) -> None:
    ids = IdFactory(lambda: NOW)
    racing = [_thread(ids) for _ in range(5)]
    results = await asyncio.gather(*(add(storage, _comment(ids, t), t) for t in racing))
    assert len({thread.id for thread in results}) == 1
    page = await storage.list_comments(CommentQuery(thread_id=results[0].id, viewer_id=None))
    assert len(page.rows) == 5


async def test_pages_and_cursors(storage: SqlStorage) -> None:
    ids = IdFactory(lambda: NOW)
    thread = await add(storage, first := _comment(ids, _thread(ids)), _thread(ids))
    del first
    thread = (await storage.get_thread("news", "t")) or thread
    for n in range(4):
        await add(storage, _comment(ids, thread, f"c{n}"), thread)
    page = await storage.list_comments(CommentQuery(thread_id=thread.id, viewer_id=None, limit=2))
    assert len(page.rows) == 2 and page.next_cursor is not None
    rest = await storage.list_comments(
        CommentQuery(thread_id=thread.id, viewer_id=None, limit=10, cursor=page.next_cursor)
    )
    assert len(rest.rows) == 3 and rest.next_cursor is None
    ordered = [r.comment.id for r in page.rows + rest.rows]
    assert ordered == sorted(ordered)


async def test_pending_comments_are_visible_to_their_author_only(storage: SqlStorage) -> None:
    ids = IdFactory(lambda: NOW)
    thread = _thread(ids)
    held = _comment(ids, thread, "held")
    thread = await add(storage, held, thread)
    await storage.change_comment(held.id, CommentChange(status="pending"))
    anonymous = await storage.list_comments(CommentQuery(thread_id=thread.id, viewer_id=None))
    author = await storage.list_comments(CommentQuery(thread_id=thread.id, viewer_id="dev:alice"))
    other = await storage.list_comments(CommentQuery(thread_id=thread.id, viewer_id="dev:bob"))
    assert anonymous.rows == [] and other.rows == []
    assert [r.comment.body for r in author.rows] == ["held"]
    assert await storage.count_comments("news", ["t"]) == {}


async def test_descendants_and_tombstones(storage: SqlStorage) -> None:
    ids = IdFactory(lambda: NOW)
    thread = _thread(ids)
    top = _comment(ids, thread, "top")
    thread = await add(storage, top, thread)
    reply = _comment(ids, thread, "reply", parent=top)
    await add(storage, reply, thread)
    await storage.change_comment(top.id, CommentChange(status="deleted", body="", html=""))
    assert await storage.has_replies(top.id)
    page = await storage.list_comments(CommentQuery(thread_id=thread.id, viewer_id=None))
    assert [r.comment.status for r in page.rows] == ["deleted"]
    below = await storage.list_descendants([top.id], None, 100)
    assert [r.comment.id for r in below] == [reply.id]
    await storage.change_comment(reply.id, CommentChange(status="deleted", body="", html=""))
    page = await storage.list_comments(CommentQuery(thread_id=thread.id, viewer_id=None))
    assert page.rows == []


async def test_votes_and_reports_keep_counters_exact(storage: SqlStorage) -> None:
    ids = IdFactory(lambda: NOW)
    thread = _thread(ids)
    comment = _comment(ids, thread)
    await add(storage, comment, thread)
    assert await storage.set_vote(comment.id, "dev:bob", 1, NOW) == 1
    assert await storage.set_vote(comment.id, "dev:carol", -1, NOW) == 0
    assert await storage.set_vote(comment.id, "dev:carol", 1, NOW) == 2
    assert await storage.set_vote(comment.id, "dev:bob", 0, NOW) == 1
    assert await storage.add_report(comment.id, "dev:bob", "spam", None, NOW)
    assert not await storage.add_report(comment.id, "dev:bob", "abuse", "again", NOW)
    stored = await storage.get_comment(comment.id)
    assert stored is not None and stored.score == 1 and stored.report_count == 1


async def test_text_survives_byte_for_byte(storage: SqlStorage) -> None:
    ids = IdFactory(lambda: NOW)
    body = "Минск 🇧🇾 — «цитата» \u200d e\u0301 " + "😀" * 5000
    thread = _thread(ids, key="ключ/с/косыми")
    comment = _comment(ids, thread, body)
    await add(storage, comment, thread)
    stored = await storage.get_comment(comment.id)
    assert stored is not None and stored.body == body
    assert await storage.get_thread("news", "ключ/с/косыми") is not None


async def test_top_order_cursor_breaks_ties_by_id(storage: SqlStorage) -> None:
    ids = IdFactory(lambda: NOW)
    thread = _thread(ids)
    made = []
    for _ in range(4):
        comment = _comment(ids, thread)
        thread = await add(storage, comment, thread)
        made.append(comment.id)
    query = CommentQuery(thread_id=thread.id, viewer_id=None, sort="top", limit=2)
    first = await storage.list_comments(query)
    assert first.next_cursor == Cursor(id=made[2], score=0)
    second = await storage.list_comments(
        CommentQuery(thread_id=thread.id, viewer_id=None, sort="top", cursor=first.next_cursor)
    )
    assert [r.comment.id for r in first.rows + second.rows] == made[::-1]

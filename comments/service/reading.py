"""Reading threads: pages of top-level comments with their replies nested, and counts.

Pages are the anonymous view, cached as bytes (comments/pages.py): computed once per
version of the thread and site (single flight), kept gzip-compressed beside, and shared
by every reader. A logged-in reader gets the same bytes plus one `viewer` block of their
own parts (votes, what they may edit or delete, their comments others do not see), so
the shared bytes are never re-made per reader. The block alone depends on the request's
language (the reasons of the reader's held comments), so it is kept per language too.
While Redis is down, pages come straight from the database (logged once, counted) and
nothing is cached.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Container
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from comments.cache import UNAVAILABLE, Outage
from comments.errors import NotFound
from comments.ids import looks_like_id
from comments.models import CommentRow, Language, Site, Sort, Thread
from comments.pages import Entry, PageCache, entry_key, thread_hash
from comments.service.context import Deps
from comments.service.effects import thread_channel as live_channel
from comments.service.featuring import MAX_FEATURED
from comments.service.public import comment_json, page_json
from comments.service.sessions import Sessions, Viewer
from comments.service.views import (
    CommentPage,
    CommentView,
    ThreadInfo,
    decode_cursor,
    encode_cursor,
)
from comments.storage import CommentQuery, Cursor

REPLIES_SHOWN = 20
MAX_DESCENDANTS = 2000
MAX_OWN = 100  # of a reader's unlisted comments in one thread, in the viewer block
log = logging.getLogger(__name__)


def thread_closed(thread: Thread | None, site: Site, deps: Deps) -> bool:
    """Closed by a moderator, or by the site's auto-close age."""
    if thread is None:
        return False
    if thread.closed:
        return True
    days = site.policy.auto_close_days
    return days is not None and deps.clock() - thread.created_at > timedelta(days=days)


def to_json(data: Any) -> bytes:
    """The wire bytes, as Starlette's JSONResponse makes them."""
    return json.dumps(
        data, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
    ).encode("utf-8")


@dataclass(frozen=True)
class PageQuery:
    """Which page: everything that makes two answers differ for anonymous readers."""

    thread: str
    sort: Sort = "oldest"
    limit: int = 20
    cursor: str | None = None
    parent: str | None = None
    around: str | None = None  # a permalink's comment: the page that holds it

    @property
    def variant(self) -> str:
        """The part of the cache key after the versions."""
        around = f"|@{self.around}" if self.around else ""
        return f"{self.sort}|{self.limit}|{self.cursor or ''}|{self.parent or ''}{around}"


@dataclass(frozen=True)
class Answer:
    """A read as bytes, ready to send: shared (cacheable by anyone) or one reader's."""

    etag: str
    plain: bytes
    gz: bytes | None  # None: one reader's answer, compressed as it is sent if at all
    private: bool
    cdn_seconds: int = 0


def shared_answer(entry: Entry) -> Answer:
    """A cached entry as a public answer."""
    return Answer(entry.etag, entry.plain, entry.gz, False, entry.cdn)


def _block_key(key: str, viewer: Viewer, language: Language) -> str:
    """Where a reader's block for the page under `key`, in `language`, is kept."""
    roles = ",".join(sorted(viewer.roles))
    return f"vb:{key}|{viewer.user.id}|{int(viewer.is_moderator)}|{roles}|{language}"


def _reader_etag(entry: Entry, block: bytes) -> str:
    mine = hashlib.blake2b(block, digest_size=8).hexdigest()
    return f'"{entry.etag.strip(chr(34))}.{mine}"'


def _counts_variant(wanted: list[str]) -> str:
    return "counts|" + thread_hash("\x1f".join(wanted))


def _listed(views: list[CommentView], out: list[list[Any]]) -> None:
    for view in views:
        comment = view.row.comment
        alive = comment.status != "deleted"
        out.append([comment.id, comment.author_id, comment.created_at.timestamp(), alive])
        _listed(view.replies, out)


class Reading:
    """Thread pages as a given viewer sees them."""

    def __init__(self, deps: Deps, sessions: Sessions) -> None:
        self._deps = deps
        self._sessions = sessions
        self._flights: dict[str, asyncio.Future[Entry]] = {}
        self._outage = Outage("thread pages", "pages come from the database", log)
        self.computed = 0  # pages and counts computed from the database
        self.hits = 0  # anonymous reads answered from this process's copy, before routing

    def _still_true(self, entry: Entry | None) -> bool:
        """Whether a kept entry may be served: there, and not past the time it turns
        false by itself (an auto-close, an edit window)."""
        return entry is not None and not (
            entry.until and self._deps.clock().timestamp() >= entry.until
        )

    def _now(self) -> float:
        return self._deps.clock().timestamp()

    @property
    def bypassed(self) -> int:
        """Reads answered from the database, uncached, because Redis did not answer."""
        return self._outage.fallbacks

    @property
    def _pages(self) -> PageCache:
        return self._deps.pages

    def cached(self, site: str, query: PageQuery) -> Answer | None:
        """An anonymous page from this process's copy, without any I/O; None on a miss
        (or while the versions heard here cannot be trusted)."""
        pages = self._pages
        stamp = pages.known_stamp(site, (query.thread,))
        if stamp is None:
            return None
        entry = pages.local.get(entry_key(site, query.thread, stamp, query.variant))
        if entry is None or not self._still_true(entry):
            return None
        self.hits += 1
        return shared_answer(entry)

    async def cached_for(
        self, site: str, query: PageQuery, token: str, language: Language
    ) -> Answer | None:
        """A logged-in read from this process's copies, with one Redis call (the thread's
        versions and the reader's sessions version together); None unless every part is
        there and still true (then the router answers, and fills what was missing)."""
        remembered = self._sessions.remembered(token, site)
        if remembered is None:
            return None
        viewer, version_key, version = remembered
        try:
            found = await self._pages.stamp_and(site, query.thread, [version_key])
        except UNAVAILABLE:
            return None
        if found is None or found[1][0] != version:
            return None
        key = entry_key(site, query.thread, found[0], query.variant)
        local = self._pages.local
        entry = local.get(key)
        kept = local.get(_block_key(key, viewer, language))
        if (
            entry is None
            or kept is None
            or not (self._still_true(entry) and self._still_true(kept))
        ):
            return None
        self.hits += 1
        plain = b'{"viewer":' + kept.plain + b"," + entry.plain[1:]
        return Answer(kept.etag, plain, kept.gz or None, True)

    def cached_counts(self, site: str, keys: list[str]) -> Answer | None:
        """Counts from this process's copy, without any I/O; None on a miss."""
        wanted = sorted(set(keys))
        stamp = self._pages.known_stamp(site, wanted)
        if stamp is None:
            return None
        entry = self._pages.local.get(entry_key(site, None, stamp, _counts_variant(wanted)))
        if entry is None:
            return None
        self.hits += 1
        return shared_answer(entry)

    async def shared(self, site: Site, query: PageQuery, *, fresh: bool = False) -> Entry:
        """The anonymous page as cached bytes; `fresh` checks the versions in Redis first
        (a logged-in reader must see their own write, wherever it was made)."""
        entry, _key = await self._through_cache(
            site, [query.thread], query.variant, fresh, lambda: self._page_entry(site, query)
        )
        return entry

    async def answer(
        self, site: Site, query: PageQuery, viewer: Viewer | None, language: Language
    ) -> Answer:
        """A page for this reader: the shared bytes, plus their `viewer` block if logged in
        (its reasons in `language`)."""
        if viewer is None:
            return shared_answer(await self.shared(site, query))
        entry, key = await self._through_cache(
            site, [query.thread], query.variant, True, lambda: self._page_entry(site, query)
        )
        kept = await self._block(site, viewer, entry, key, language)
        plain = b'{"viewer":' + kept.plain + b"," + entry.plain[1:]
        return Answer(kept.etag, plain, kept.gz or None, True)

    async def counts_answer(self, site: Site, keys: list[str]) -> Answer:
        """Published counts of these threads, cached under all their versions."""
        wanted = sorted(set(keys))
        variant = _counts_variant(wanted)

        async def compute() -> Entry:
            counts = await self.counts(site, keys)
            return Entry.of(to_json({"counts": counts}), cdn=site.policy.cdn_seconds)

        entry, _key = await self._through_cache(site, wanted, variant, False, compute, one=False)
        return shared_answer(entry)

    async def derived(
        self, site: Site, thread: str, variant: str, compute: Callable[[], Awaitable[Entry]]
    ) -> Answer:
        """An anonymous answer made from a thread's pages (the embed fragment), cached
        under the thread's versions beside them: the writes that change them change it."""
        entry, _key = await self._through_cache(site, [thread], variant, False, compute)
        return shared_answer(entry)

    async def _block(
        self, site: Site, viewer: Viewer, entry: Entry, key: str | None, language: Language
    ) -> Entry:
        """The reader's block (`plain`) with the whole answer gzip'd (`gz`) and its ETag,
        kept in this process beside the page it was made for: its key carries the page's
        versions, so any write in the thread makes a new one."""
        if key is None:  # Redis away: made for this request only, compressed if asked
            block = to_json((await self._viewer_block(site, viewer, entry.meta, language))[0])
            return Entry(_reader_etag(entry, block), block, b"")
        local = self._pages.local
        mine = _block_key(key, viewer, language)
        kept = local.get(mine)
        if kept is not None and self._still_true(kept):
            return kept
        found, until = await self._viewer_block(site, viewer, entry.meta, language)
        block = to_json(found)
        whole = b'{"viewer":' + block + b"," + entry.plain[1:]
        kept = Entry(_reader_etag(entry, block), block, gzip.compress(whole, 6, mtime=0),
                     until=until)  # fmt: skip
        local.put(mine, kept)
        return kept

    async def _through_cache(
        self,
        site: Site,
        threads: list[str],
        variant: str,
        fresh: bool,
        compute: Any,
        one: bool = True,
    ) -> tuple[Entry, str | None]:
        """The cached entry under the current versions (and its key), computed once on a
        miss; with no key while Redis is away (computed, not cached)."""
        pages = self._pages
        outage = self._outage
        if not outage.probing():
            outage.skipped()
            return await self._computed(compute), None
        try:
            stamp = await pages.stamp(site.name, threads, fresh=fresh)
            key = entry_key(site.name, threads[0] if one else None, stamp, variant)
            entry = await pages.fetch(key)
        except UNAVAILABLE as exc:
            outage.failed(exc)
            return await self._computed(compute), None
        outage.answered()
        if entry is not None and self._still_true(entry):
            return entry, key
        flight = self._flights.get(key)
        if flight is not None:
            return await asyncio.shield(flight), key
        flight = asyncio.get_running_loop().create_future()
        self._flights[key] = flight
        try:
            entry = await self._computed(compute)
            try:
                await pages.store(key, entry)
            except UNAVAILABLE as exc:
                outage.failed(exc)
            flight.set_result(entry)
            return entry, key
        except BaseException as exc:
            flight.set_exception(exc)
            flight.exception()  # retrieved: waiters get it, nobody else must
            raise
        finally:
            del self._flights[key]

    async def _computed(self, compute: Any) -> Entry:
        self.computed += 1
        entry: Entry = await compute()
        return entry

    async def _page_entry(self, site: Site, query: PageQuery) -> Entry:
        """The anonymous page from the database, with the facts the viewer block needs.

        The thread's last live event is read first: a stream opened after it misses
        nothing the page does not show (at worst it repeats what the page has).
        """
        head: str | None = None
        try:
            head = await self._deps.event_log.head(live_channel(site.name, query.thread))
        except Exception:  # Redis away: the widget's stream starts from its own moment
            log.debug("no live head for a page", exc_info=True)
        page = await self.page(
            site, query.thread, None, sort=query.sort, limit=query.limit,
            cursor=query.cursor, parent_id=query.parent, around=query.around,
        )  # fmt: skip
        page = replace(page, thread=replace(page.thread, last_event_id=head))
        listed: list[list[Any]] = []
        _listed(page.comments, listed)
        until = 0.0
        thread = page.thread
        days = site.policy.auto_close_days
        if days is not None and not thread.closed and thread.created_at is not None:
            until = (thread.created_at + timedelta(days=days)).timestamp()
        meta = to_json({"thread_id": thread.thread_id, "comments": listed})
        return Entry.of(to_json(page_json(page)), meta, until, cdn=site.policy.cdn_seconds)

    async def _viewer_block(
        self, site: Site, viewer: Viewer, meta: bytes, language: Language
    ) -> tuple[dict[str, Any], float]:
        """One reader's parts of a page (never in the shared bytes), and the time its
        `can_edit` changes by itself (an edit window closing), or 0."""
        facts = json.loads(meta) if meta else {"thread_id": None, "comments": []}
        listed: list[list[Any]] = facts["comments"]
        user_id = viewer.user.id
        storage = self._deps.storage
        votes = await storage.votes_of(user_id, [item[0] for item in listed]) if listed else {}
        now = self._deps.clock().timestamp()
        window = site.policy.edit_window_seconds
        mine = [item for item in listed if item[1] == user_id and item[3]]
        can_edit = [item[0] for item in mine if now - item[2] <= window]
        closing = [item[2] + window for item in mine if now - item[2] <= window]
        if viewer.is_moderator:
            can_delete = [item[0] for item in listed if item[3]]
        else:
            can_delete = [item[0] for item in mine]
        own: list[dict[str, Any]] = []
        thread_id = facts.get("thread_id")
        if thread_id:
            rows = await storage.own_unlisted(
                thread_id, user_id, site.policy.hide_after_reports, MAX_OWN
            )
            for row in rows:
                view = self.view(row, site, viewer)
                if view.can_edit:
                    can_edit.append(row.comment.id)
                    closing.append(row.comment.created_at.timestamp() + window)
                if view.can_delete and row.comment.status != "rejected":
                    can_delete.append(row.comment.id)
                own.append(comment_json(view, language))
        badges = sorted(viewer.roles & {"moderator", "admin"})
        block = {
            "user_id": user_id,
            "votes": votes,
            "can_edit": can_edit,
            "can_delete": can_delete,
            "own": own,
            "badges": badges,
        }
        return block, min(closing, default=0.0)

    def view(self, row: CommentRow, site: Site, viewer: Viewer | None) -> CommentView:
        """What this viewer may do with this comment."""
        comment = row.comment
        own = viewer is not None and viewer.user.id == comment.author_id
        alive = comment.status != "deleted"
        window = timedelta(seconds=site.policy.edit_window_seconds)
        can_edit = own and alive and self._deps.clock() - comment.created_at <= window
        moderator = viewer is not None and viewer.is_moderator
        return CommentView(
            row=row, can_edit=can_edit, can_delete=alive and (own or moderator), own=own
        )

    async def page(
        self,
        site: Site,
        key: str,
        viewer: Viewer | None,
        *,
        sort: Sort = "oldest",
        limit: int = 20,
        cursor: str | None = None,
        parent_id: str | None = None,
        around: str | None = None,
    ) -> CommentPage:
        """One page of the thread, or of one comment's direct replies.

        `around` (a permalink's comment) makes the first page begin with that comment's
        top-level ancestor and keeps the replies leading down to it however many come
        before; a comment the page can't show (hidden, elsewhere) leaves the page as usual.
        """
        decoded = decode_cursor(cursor)
        storage = self._deps.storage
        thread = await storage.get_thread(site.name, key)
        closed = thread_closed(thread, site, self._deps)
        if thread is None:
            if parent_id is not None:
                raise NotFound("There is no such comment in this thread.")
            return CommentPage(ThreadInfo.of(None, key, closed, 0), [], None)
        count = (await storage.count_comments(site.name, [key])).get(key, 0)
        info = ThreadInfo.of(thread, key, closed, count)
        viewer_id = viewer.user.id if viewer else None
        root_ids: list[str]
        if parent_id is not None:
            parent = await storage.get_comment(parent_id) if looks_like_id(parent_id) else None
            if parent is None or parent.thread_id != thread.id:
                raise NotFound("There is no such comment in this thread.")
            sort = "oldest"
            root_ids = [parent.root_id]
        query = CommentQuery(
            thread_id=thread.id,
            viewer_id=viewer_id,
            sort=sort,
            limit=limit,
            cursor=decoded,
            parent_id=parent_id,
            hide_after_reports=site.policy.hide_after_reports,
        )
        rows: list[CommentRow] = []
        target = None
        if around is not None and parent_id is None and decoded is None and looks_like_id(around):
            target = await storage.get_comment(around)
            if target is not None and target.thread_id == thread.id:
                root = target if target.depth == 0 else await storage.get_comment(target.root_id)
                # A featured root leads the first page anyway.
                if root is not None and not root.featured:
                    query = replace(query, start_at=Cursor(id=root.id, score=root.score))
            else:
                target = None
        if parent_id is None:
            query = replace(query, featured="exclude")
        page = await storage.list_comments(query)
        start = query.start_at
        if start is not None and (not page.rows or page.rows[0].comment.id != start.id):
            # The linked conversation can't be shown (hidden, removed): the first page instead.
            query = replace(query, start_at=None)
            page = await storage.list_comments(query)
        if parent_id is None and decoded is None and query.start_at is None:
            # Featured comments lead the first page, in every sort, and no page repeats them.
            pinned = replace(query, featured="only", limit=MAX_FEATURED)
            rows = (await storage.list_comments(pinned)).rows
        rows += page.rows
        if parent_id is None:
            root_ids = [row.comment.id for row in rows]
        below = await storage.list_descendants(
            root_ids, viewer_id, MAX_DESCENDANTS, site.policy.hide_after_reports
        )
        children: dict[str, list[CommentRow]] = defaultdict(list)
        parents: dict[str, str] = {}
        for row in below:
            if row.comment.parent_id is not None:
                children[row.comment.parent_id].append(row)
                parents[row.comment.id] = row.comment.parent_id
        path: set[str] = set()
        node = target.id if target is not None else None
        while node is not None and node not in path:
            path.add(node)
            node = parents.get(node)
        views = [
            view
            for row in rows
            if (view := self._tree(row, children, site, viewer, path)) is not None
        ]
        return CommentPage(info, views, encode_cursor(page.next_cursor))

    def _tree(
        self,
        row: CommentRow,
        children: dict[str, list[CommentRow]],
        site: Site,
        viewer: Viewer | None,
        path: Container[str] = frozenset(),
    ) -> CommentView | None:
        """The comment with its visible replies; a tombstone with none is dropped.

        Replies on `path` (down to a permalink's comment) are shown even past the first
        REPLIES_SHOWN; "more replies" may then list them again, and the widget skips those.
        """
        view = self.view(row, site, viewer)
        replies = [
            reply
            for child in children.get(row.comment.id, [])
            if (reply := self._tree(child, children, site, viewer, path)) is not None
        ]
        if row.comment.status == "deleted" and not replies:
            return None
        view.reply_count = len(replies)
        view.replies = replies[:REPLIES_SHOWN] + [
            reply for reply in replies[REPLIES_SHOWN:] if reply.row.comment.id in path
        ]
        if len(replies) > REPLIES_SHOWN:
            view.replies_next_cursor = encode_cursor(
                Cursor(id=replies[REPLIES_SHOWN - 1].row.comment.id)
            )
        return view

    async def counts(self, site: Site, keys: list[str]) -> dict[str, int]:
        """Published comments per thread, zero for threads nobody commented on."""
        found = await self._deps.storage.count_comments(site.name, keys)
        return {key: found.get(key, 0) for key in keys}

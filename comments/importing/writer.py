"""Writing an import: stage the source's records, then commit one thread at a time.

Sources list threads and posts in any order (Disqus: threads first, posts anywhere
after, a parent sometimes after its replies), so the records go first into a staging
table in a temporary SQLite file, not into memory; each thread's posts are then read
back, its tree rebuilt and checked, and the thread committed whole or skipped whole with
a reason naming the source line (a cycle in parents, a date in the future, a body over
the limit, a URL outside the site's origins).

Ids derive from the source's (`comments.ids.derived_id`), and every insert ignores what
is there, so importing again adds only what is new and an interrupted import resumes
by running again. Nothing is announced: no e-mail, webhook or live event; each thread's
cached pages are invalidated through a quiet outbox row (a page-version bump only).
Bodies go through the same markdown and sanitiser as new comments; HTML sources are
converted to markdown first, so nothing from a source is trusted as HTML.
"""

from __future__ import annotations

import asyncio
import json
import marshal
import sqlite3
import tempfile
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from comments.ids import derived_id
from comments.importing.converting import Body, Converted, Converter
from comments.importing.progress import Progress
from comments.importing.records import (
    ImportFailed,
    Record,
    SourceAuthor,
    SourcePost,
    SourceThread,
)
from comments.models import (
    MAX_BODY,
    MAX_NAME,
    MAX_THREAD_KEY,
    MAX_TITLE,
    MAX_URL,
    Comment,
    Status,
    Thread,
    User,
    imported_user_id,
)
from comments.service import Service
from comments.service.effects import Consequences
from comments.service.freshness import Freshness
from comments.storage import Effects, ImportedThread

BATCH = 2000  # comments a transaction: whole threads, fewer round trips
STAGE_CHUNK = 1000  # posts converted and staged together
FUTURE_SLACK = timedelta(days=1)  # clocks differ; a day ahead is a date in the future
SCREENED: dict[str, Status] = {"allow": "approved", "hold": "pending", "reject": "rejected"}
STATUS: dict[str, Status] = {
    "approved": "approved",
    "pending": "pending",
    "spam": "rejected",
    "deleted": "deleted",
}


@dataclass(frozen=True)
class Options:
    """What the command line asked for."""

    site: str
    source: str  # the format's name: disqus, wordpress, isso, remark42
    map_url: tuple[tuple[str, str], ...] = ()
    map_thread: dict[str, str] = field(default_factory=dict)
    dry_run: bool = False
    moderate: bool = False  # run the site's content filters; hold what they would hold


@dataclass
class Summary:
    """What an import did (or, dry, would do)."""

    threads: int = 0
    comments: int = 0
    existing: int = 0
    users: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    held: Counter[str] = field(default_factory=Counter)  # --moderate: pending, rejected
    notes: list[str] = field(default_factory=list)

    def lines(self, dry_run: bool) -> list[str]:
        """The summary a person reads at the end."""
        verb = "would import" if dry_run else "imported"
        said = [
            f"{verb}: {self.threads:,} threads, {self.comments:,} comments, "
            f"{self.users:,} authors; {self.existing:,} comments were there already"
        ]
        for status, count in sorted(self.held.items()):
            said.append(
                f"moderation: {count:,} {'held for review' if status == 'pending' else status}"
            )
        for reason, count in sorted(self.skipped.items(), key=lambda kv: -kv[1]):
            said.append(f"skipped {count:,}: {reason}")
        said += self.notes[:20]
        if len(self.notes) > 20:
            said.append(f"… and {len(self.notes) - 20:,} more")
        return said


Staged = tuple[SourcePost, str, str]  # the post, its markdown, its HTML


class _Skip(Exception):
    """This thread is not imported; the message says why, naming the line."""


class Stage:
    """The records of one file, in a temporary SQLite database, each post with its body
    already converted (markdown) and rendered (HTML)."""

    def __init__(self, directory: Path) -> None:
        self._db = sqlite3.connect(directory / "stage.db")
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("CREATE TABLE threads (id TEXT PRIMARY KEY, data TEXT NOT NULL)")
        self._db.execute(
            "CREATE TABLE posts (id TEXT PRIMARY KEY, thread TEXT NOT NULL, data BLOB NOT NULL)"
        )
        self._db.execute("CREATE INDEX posts_thread ON posts (thread)")
        self.duplicates = 0

    def fill(self, records: Iterable[Record], progress: Progress, converter: Converter) -> int:
        """Stage every record; answers how many posts. Bodies are converted a chunk at a
        time, a few chunks behind the reading, so a worker converts while this reads."""
        chunk: list[SourcePost] = []
        pending: deque[tuple[list[SourcePost], list[Body], Future[list[Converted]]]] = deque()
        count = 0
        for record in records:
            if isinstance(record, SourceThread):
                data = json.dumps(
                    [record.source_id, record.url, record.title, record.key, record.closed]
                )
                self._db.execute(
                    "INSERT OR REPLACE INTO threads VALUES (?, ?)", (record.source_id, data)
                )
                continue
            chunk.append(record)
            count += 1
            if len(chunk) >= STAGE_CHUNK:
                bodies = _bodies(chunk)
                pending.append((chunk, bodies, converter.submit(bodies)))
                chunk = []
                while len(pending) > 2:
                    self._posts(converter, *pending.popleft(), progress)
        if chunk:
            bodies = _bodies(chunk)
            pending.append((chunk, bodies, converter.submit(bodies)))
        while pending:
            self._posts(converter, *pending.popleft(), progress)
        self._db.commit()
        return count

    def _posts(
        self,
        converter: Converter,
        posts: list[SourcePost],
        bodies: list[Body],
        pending: Future[list[Converted]],
        progress: Progress,
    ) -> None:
        converted = converter.result(bodies, pending)  # the bodies again if done here
        rows = [
            (post.source_id, post.thread_source_id, _packed(post, source, html))
            for post, (source, html) in zip(posts, converted, strict=True)
        ]
        before = self._db.total_changes
        self._db.executemany("INSERT OR IGNORE INTO posts VALUES (?, ?, ?)", rows)
        self.duplicates += len(rows) - (self._db.total_changes - before)
        progress.update(len(rows))

    def thread_ids(self) -> list[str]:
        """Every thread some post names, the file's own first."""
        rows = self._db.execute("SELECT DISTINCT thread FROM posts ORDER BY thread").fetchall()
        return [str(r[0]) for r in rows]

    def thread(self, source_id: str) -> SourceThread | None:
        row = self._db.execute("SELECT data FROM threads WHERE id = ?", (source_id,)).fetchone()
        if row is None:
            return None
        sid, url, title, key, closed = json.loads(row[0])
        return SourceThread(source_id=sid, url=url, title=title, key=key, closed=bool(closed))

    def posts(self, thread: str) -> Iterator[Staged]:
        for (data,) in self._db.execute(
            "SELECT data FROM posts WHERE thread = ? ORDER BY id", (thread,)
        ):
            yield _unpacked(data)

    def close(self) -> None:
        self._db.close()


def _bodies(posts: list[SourcePost]) -> list[Body]:
    return [(post.body, post.body_format) for post in posts]


def _packed(post: SourcePost, source: str, html: str) -> bytes:
    """A staged post: a flat tuple in marshal's format (the fastest to write and read
    back). The source's own body is not kept: its markdown and HTML are."""
    a = post.author
    row = (
        post.source_id, post.thread_source_id, a.key, a.name, a.avatar_url, a.url, a.email,
        post.created_at.isoformat(), post.body_format, post.parent_source_id, post.state,
        post.likes, post.votes, post.pinned, post.line, source, html,
    )  # fmt: skip
    return marshal.dumps(row)


def _unpacked(data: bytes) -> Staged:
    (
        source_id, thread, key, name, avatar, url, email, created, body_format, parent, state,
        likes, votes, pinned, line, source, html,
    ) = marshal.loads(data)  # noqa: S302 (our own temporary file, written just before)  # fmt: skip
    post = SourcePost(
        source_id=source_id,
        thread_source_id=thread,
        author=SourceAuthor(key=key, name=name, email=email, avatar_url=avatar, url=url),
        created_at=datetime.fromisoformat(created),
        body="",
        body_format=body_format,
        parent_source_id=parent,
        state=state,
        likes=likes,
        votes=votes,
        pinned=pinned,
        line=line,
    )
    return post, source, html


def _where(post: SourcePost) -> str:
    return f"line {post.line}" if post.line else f"post {post.source_id}"


class Importer:
    """Writes one source's records into a site."""

    def __init__(self, service: Service, options: Options, out: TextIO) -> None:
        self._service = service
        self._deps = service.deps
        self._options = options
        self._out = out
        self._make = Consequences(service.deps)
        self._fresh = Freshness(service.deps)

    def _user_id(self, author: SourceAuthor) -> str:
        return imported_user_id(self._options.source, author.key or author.name or "anonymous")

    def _url(self, url: str) -> str:
        for old, new in self._options.map_url:
            if url.startswith(old):
                return new + url[len(old) :]
        return url

    def _key(self, thread: SourceThread, url: str) -> str:
        mapped = self._options.map_thread
        for candidate in (thread.source_id, thread.key, url):
            if candidate and candidate in mapped:
                return mapped[candidate]
        if thread.key:
            return thread.key
        return urlsplit(url).path or "/"

    async def run(self, records: Iterable[Record]) -> Summary:
        """Stage, then write thread by thread; raises ImportFailed on an unreadable file."""
        site = await self._service.sites.get(self._options.site)
        summary = Summary()
        with tempfile.TemporaryDirectory(prefix="comments-import-") as directory:
            stage = Stage(Path(directory))
            try:
                reading = Progress("reading", self._out, unit="comments")
                converter = Converter(self._deps.renderer)
                try:
                    total = stage.fill(records, reading, converter)
                finally:
                    converter.close()
                reading.finish()
                if stage.duplicates:
                    summary.skipped["the same comment id twice in the file"] += stage.duplicates
                writing = Progress(
                    "checking" if self._options.dry_run else "writing",
                    self._out,
                    total=total,
                    unit="comments",
                )
                seen_users = await self._write_all(stage, site.origins, summary, writing)
                writing.finish()
            finally:
                stage.close()
        summary.users = len(seen_users)
        return summary

    async def _write_all(
        self, stage: Stage, origins: Iterable[str], summary: Summary, writing: Progress
    ) -> set[str]:
        """Build and write every staged thread; answers the authors' ids.

        Batches are written while the next is built (on PostgreSQL, two at once): the
        database's work overlaps ours. The pause after each thread lets the writes move
        on. Should one fail, the others end (each commits or rolls back whole) before
        the failure is raised."""
        seen_users: set[str] = set()
        batch: list[ImportedThread] = []
        writers = self._deps.storage.import_writers
        under_way: deque[asyncio.Task[None]] = deque()
        try:
            for thread_id in stage.thread_ids():
                posts = list(stage.posts(thread_id))
                write = await self._thread(
                    origins, stage.thread(thread_id), thread_id, posts, summary
                )
                if write is not None:
                    batch.append(write)
                    seen_users.update(u.id for u in write.users)
                if sum(len(w.comments) for w in batch) >= BATCH:
                    while len(under_way) >= writers:
                        await under_way.popleft()
                    under_way.append(asyncio.create_task(self._write(batch, summary)))
                    batch = []
                writing.update(len(posts))
                await asyncio.sleep(0)
            under_way.append(asyncio.create_task(self._write(batch, summary)))
        finally:
            done = await asyncio.gather(*under_way, return_exceptions=True)
        for outcome in done:
            if isinstance(outcome, BaseException):
                raise outcome
        return seen_users

    async def _thread(
        self,
        origins: Iterable[str],
        source: SourceThread | None,
        source_id: str,
        posts: list[Staged],
        summary: Summary,
    ) -> ImportedThread | None:
        """The thread checked and built, or None (skipped, with its reason counted)."""
        if source is None:
            summary.skipped["comments whose thread is not in the file"] += len(posts)
            return None
        try:
            write = self._build(set(origins), source, posts, summary)
        except _Skip as exc:
            summary.skipped[f"thread {source.url or source_id}: {exc}"] += len(posts)
            return None
        if self._options.moderate:
            write = await self._moderated(write, summary)
        return write

    async def _write(self, batch: list[ImportedThread], summary: Summary) -> None:
        """Commit checked threads together: each one whole, the batch in one transaction."""
        if not batch:
            return
        if self._options.dry_run:
            ids = [c.id for w in batch for c in w.comments]
            there = await self._deps.storage.existing_comment_ids(ids)
            added = [sum(1 for c in w.comments if c.id not in there) for w in batch]
        else:
            added = await self._deps.storage.import_threads(batch)
            # The cached pages now, as every write does; the outbox rows retry it.
            await self._fresh.after([item for w in batch for item in w.effects.outbox])
        for write, new in zip(batch, added, strict=True):
            summary.comments += new
            summary.existing += len(write.comments) - new
            if new:
                summary.threads += 1

    async def _moderated(self, write: ImportedThread, summary: Summary) -> ImportedThread:
        """`--moderate`: published comments go through the site's content filters, as a
        post by an established author would; what they hold waits in the queue."""
        site = await self._service.sites.get(self._options.site)
        screened = []
        for comment in write.comments:
            if comment.status != "approved":
                screened.append(comment)
                continue
            decision = await self._service.screening.dry_run(site, comment.author_id, comment.body)
            status = SCREENED[decision.action]
            if status != "approved":
                summary.held[status] += 1
                comment = replace(
                    comment,
                    status=status,
                    reasons=tuple(r.to_json() for r in decision.reasons),
                    featured_at=None,
                    featured_by=None,
                )
            screened.append(comment)
        return replace(write, comments=tuple(screened))

    def _build(
        self, origins: set[str], source: SourceThread, staged: list[Staged], summary: Summary
    ) -> ImportedThread:
        deps = self._deps
        site = self._options.site
        url = self._url(source.url)
        if url.startswith("/") and not url.startswith("//") and origins:
            url = min(origins) + url  # a path alone (Isso keeps those): on the site's origin
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if len(url) > MAX_URL or parts.scheme not in ("http", "https") or origin not in origins:
            raise _Skip(f"its URL {url[:200]!r} is not on the site's origins (--map-url moves it)")
        key = self._key(source, url)
        if not key or len(key) > MAX_THREAD_KEY:
            raise _Skip(f"its key must be 1 to {MAX_THREAD_KEY} characters")
        now = deps.clock()
        posts = [post for post, _, _ in staged]
        converted = {post.source_id: (source, html) for post, source, html in staged}
        by_id = {p.source_id: p for p in posts}
        for post in posts:
            if post.created_at > now + FUTURE_SLACK:
                raise _Skip(f"{_where(post)}: dated in the future ({post.created_at.isoformat()})")
        depth: dict[str, int] = {}
        root: dict[str, str] = {}

        def place(post: SourcePost) -> None:
            chain: list[SourcePost] = []
            seen: set[str] = set()
            current: SourcePost | None = post
            while current is not None and current.source_id not in depth:
                if current.source_id in seen:
                    raise _Skip(f"{_where(current)}: its parents form a cycle")
                seen.add(current.source_id)
                chain.append(current)
                parent = current.parent_source_id
                current = by_id.get(parent) if parent else None
            for item in reversed(chain):
                parent = item.parent_source_id
                if parent and parent in depth:
                    depth[item.source_id] = depth[parent] + 1
                    root[item.source_id] = root[parent]
                else:
                    depth[item.source_id] = 0
                    root[item.source_id] = item.source_id

        for post in posts:
            place(post)
        ids = {
            p.source_id: derived_id(p.created_at, f"{self._options.source}:{p.source_id}")
            for p in posts
        }
        users: dict[str, User] = {}
        made: list[Comment] = []
        votes: list[tuple[str, str, int]] = []
        orphans = 0
        for post in sorted(posts, key=lambda p: (p.created_at, p.source_id)):
            body, html = converted[post.source_id]
            if len(body) > MAX_BODY:
                raise _Skip(
                    f"{_where(post)}: a comment of {len(body):,} characters "
                    f"(the most is {MAX_BODY:,})"
                )
            status = STATUS[post.state]
            if not body and status != "deleted":
                status = "deleted"
            author = self._user_id(post.author)
            if author not in users:
                users[author] = User(
                    id=author,
                    name=(post.author.name or "Anonymous")[:MAX_NAME],
                    avatar_url=_avatar(post.author.avatar_url),
                    created_at=post.created_at,
                    email=post.author.email,  # kept to link a verified account later, if asked
                )
            parent = post.parent_source_id
            parent_id = ids.get(parent) if parent else None
            if parent and parent_id is None:
                orphans += 1
            score = post.likes
            if post.votes:
                score = 0
                for voter, value in post.votes.items():
                    voter_id = imported_user_id(self._options.source, voter)
                    users.setdefault(
                        voter_id,
                        User(
                            id=voter_id,
                            name="Imported reader",
                            avatar_url=None,
                            created_at=post.created_at,
                        ),
                    )
                    if voter_id != author and value in (1, -1):
                        votes.append((ids[post.source_id], voter_id, value))
                        score += value
            made.append(
                Comment(
                    id=ids[post.source_id],
                    site=site,
                    thread_id="",
                    parent_id=parent_id,
                    root_id=ids[root[post.source_id]],
                    depth=depth[post.source_id],
                    author_id=author,
                    body=body,
                    html=html if body else "",
                    status=status,
                    reasons=(),
                    score=score,
                    report_count=0,
                    created_at=post.created_at,
                    edited_at=None,
                    featured_at=post.created_at if post.pinned and status == "approved" else None,
                    featured_by="import" if post.pinned and status == "approved" else None,
                    source_id=f"{self._options.source}:{post.source_id}",
                )
            )
        if orphans:
            summary.notes.append(
                f"{url[:200]}: {orphans} replies whose parent is not in the file "
                "are shown top-level"
            )
        first = min((p.created_at for p in posts), default=now)
        thread = Thread(
            id=derived_id(first, f"thread:{site}:{key}"),
            site=site,
            key=key,
            url=url,
            title=(source.title or key)[:MAX_TITLE],
            closed=source.closed,
            created_at=first,
        )
        quiet = self._make.changed(site, thread=key)  # the page-version bump, no event
        return ImportedThread(
            thread=thread,
            users=tuple(users.values()),
            comments=tuple(made),
            votes=tuple(votes),
            effects=Effects(outbox=(quiet,)),
        )


def _avatar(url: str | None) -> str | None:
    if url and url.startswith("https://") and len(url) <= MAX_URL and url.isprintable():
        return url
    return None


def read_file(reader: Any, path: Path) -> Iterator[Record]:
    """The reader's records (a module's `read(path)`, or a `Reader(path).read()`), with a
    missing file named in the error."""
    if not path.is_file():
        raise ImportFailed(f"{path}: no such file")
    if hasattr(reader, "path"):
        yield from reader.read()
    else:
        yield from reader.read(path)

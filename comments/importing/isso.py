"""Isso's SQLite database, read as records without ever writing to it.

Isso has no accounts, so an author is known by the name they typed. It keeps a deleted
comment that has replies as a placeholder (mode 4, text emptied), so the replies keep
their parent; and it stores replies one level deep only, each under its top-level
comment. A database has no lines: posts carry `line=None`, their id names them.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from comments.importing.records import (
    MAX_SOURCE_ID,
    ImportFailed,
    Record,
    SourceAuthor,
    SourcePost,
    SourceThread,
    State,
)

FORMAT = "isso"

MAX_NAME = 80
MAX_URL = 2048
MAX_TITLE = 300
MAX_EMAIL = 254

_MAGIC = b"SQLite format 3\x00"
_STATES: dict[int, State] = {1: "approved", 2: "pending", 4: "deleted"}
_COLUMNS = (
    "tid",
    "id",
    "parent",
    "created",
    "mode",
    "text",
    "author",
    "email",
    "website",
    "likes",
    "dislikes",
)

_SELECT_COMMENTS = (
    "SELECT tid, id, parent, created, mode, text, author, email, website, likes, dislikes"
    " FROM comments ORDER BY id"
)


def sniff(head: bytes) -> bool:
    """An SQLite file; whether it holds Isso's tables `read` checks."""
    return head.startswith(_MAGIC)


def _looks_like(head: bytes) -> str:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"\x1f\x8b"):
        return "a gzip file"
    if start.startswith(b"<"):
        return "an XML file"
    if start.startswith((b"{", b"[")):
        return "a JSON file"
    return "not an SQLite database"


def _text(value: object, where: str, column: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            raise ImportFailed(f"{where}: {column} is not UTF-8 text") from None
    return str(value)


def _integer(value: object, where: str, column: str) -> int:
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    raise ImportFailed(f"{where}: {column} is not a number ({value!r:.40})")


def _identifier(value: object, where: str, column: str) -> str:
    if isinstance(value, int) or (isinstance(value, str) and value):
        text = str(value)
        if len(text) > MAX_SOURCE_ID:
            raise ImportFailed(f"{where}: {column} is longer than {MAX_SOURCE_ID} characters")
        return text
    raise ImportFailed(f"{where}: {column} is missing or not an id ({value!r:.40})")


def _created(value: object, where: str) -> datetime:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            pass
    raise ImportFailed(f"{where}: created is not a Unix time ({value!r:.40})")


def _optional_url(value: object, where: str, column: str) -> str | None:
    text = _text(value, where, column).strip()
    # A URL cut short points elsewhere: an over-long one is dropped, not cut.
    return text if text and len(text) <= MAX_URL else None


def _connect(path: Path) -> sqlite3.Connection:
    try:
        with path.open("rb") as file:
            head = file.read(4096)
    except OSError as error:
        raise ImportFailed(f"cannot open {path.name}: {error.strerror}") from None
    if not sniff(head):
        raise ImportFailed(f"not an Isso database: {path.name} looks like {_looks_like(head)}")
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        tables = {
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name IN ('threads', 'comments')"
            )
        }
    except sqlite3.Error as error:
        raise ImportFailed(f"cannot read {path.name} as SQLite: {error}") from None
    if tables != {"threads", "comments"}:
        connection.close()
        raise ImportFailed(
            f"not an Isso database: {path.name} is SQLite without Isso's threads and comments"
        )
    columns = {row[1] for row in connection.execute("PRAGMA table_info(comments)")}
    missing = [column for column in _COLUMNS if column not in columns]
    if missing:
        connection.close()
        raise ImportFailed(f"not an Isso database: comments has no {', '.join(missing)}")
    return connection


def _threads(connection: sqlite3.Connection) -> Iterator[SourceThread]:
    for tid, uri, title in connection.execute("SELECT id, uri, title FROM threads ORDER BY id"):
        where = f"thread {tid!r:.40}"
        source_id = _identifier(tid, where, "id")
        url = _text(uri, where, "uri")
        if not url:
            raise ImportFailed(f"{where}: uri is empty")
        if len(url) > MAX_URL:
            raise ImportFailed(f"{where}: uri is longer than {MAX_URL} characters")
        yield SourceThread(
            source_id=source_id,
            url=url,
            title=_text(title, where, "title")[:MAX_TITLE],
            key=url,
        )


def _post(row: tuple[object, ...]) -> SourcePost:
    tid, cid, parent, created, mode, text, author, email, website, likes, dislikes = row
    where = f"comment {cid!r:.40}"
    source_id = _identifier(cid, where, "id")
    if not isinstance(mode, int) or mode not in _STATES:
        raise ImportFailed(f"{where}: mode {mode!r:.40} is none of Isso's (1, 2, 4)")
    state = _STATES[mode]
    name = _text(author, where, "author").strip()[:MAX_NAME]
    address = _text(email, where, "email").strip()
    if state == "deleted":
        # Isso blanks a deleted comment's author but leaves the address behind.
        name, address = "", ""
    return SourcePost(
        source_id=source_id,
        thread_source_id=_identifier(tid, where, "tid"),
        author=SourceAuthor(
            key=name,
            name=name,
            email=address if address and len(address) <= MAX_EMAIL else None,
            url=_optional_url(website, where, "website") if state != "deleted" else None,
        ),
        created_at=_created(created, where),
        body=_text(text, where, "text"),
        body_format="markdown",
        parent_source_id=None if parent is None else _identifier(parent, where, "parent"),
        state=state,
        likes=_integer(likes, where, "likes") - _integer(dislikes, where, "dislikes"),
    )


def read(path: Path) -> Iterator[Record]:
    """Every thread, then every comment in the order Isso created them."""
    connection = _connect(path)
    try:
        yield from _threads(connection)
        rows = connection.execute(_SELECT_COMMENTS)
        for row in rows:
            yield _post(row)
    except sqlite3.Error as error:
        raise ImportFailed(f"cannot read {path.name}: {error}") from None
    finally:
        connection.close()

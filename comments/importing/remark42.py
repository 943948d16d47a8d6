"""Remark42's backup file: JSON lines, gzip'd or not, read one line at a time.

The first line is the site's meta (`version`, `users`, `posts` with each article's
`read_only`); every later line is one comment. Remark42 has no thread records: an
article is its locator URL, met first with its first comment and titled by the comment's
`title`. Bodies are the markdown the author typed (`orig`) when the file has it, else
the HTML Remark42 rendered (`text`).
"""

from __future__ import annotations

import gzip
import html
import json
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from comments.importing.records import (
    MAX_SOURCE_ID,
    ImportFailed,
    Record,
    SourceAuthor,
    SourcePost,
    SourceThread,
)

FORMAT = "remark42"

MAX_NAME = 80
MAX_URL = 2048
MAX_TITLE = 300
MAX_LINE = 16 * 1024 * 1024  # a 200 KB body escaped in JSON is far below; more is not a backup

_GZIP = b"\x1f\x8b"
_VERSIONS = (0, 1)


def _plain_head(head: bytes) -> bytes:
    if head.startswith(_GZIP):
        try:
            return zlib.decompressobj(wbits=31).decompress(head, 4096)
        except zlib.error:
            return b""
    return head


def sniff(head: bytes) -> bool:
    """A JSON object first, naming Remark42's meta `version` or a comment's `locator`."""
    start = _plain_head(head).lstrip(b"\xef\xbb\xbf \t\r\n")
    return start.startswith(b'{"version":') or (start.startswith(b"{") and b'"locator"' in start)


def _looks_like(head: bytes) -> str:
    start = _plain_head(head).lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"SQLite format 3\x00"):
        return "an SQLite database"
    if start.startswith(b"<"):
        return "an XML file"
    if start.startswith((b"{", b"[")):
        return "JSON of another kind"
    return "neither JSON nor gzip'd JSON"


class _Lines(Protocol):
    def readline(self, size: int | None = -1, /) -> bytes: ...


def _lines(file: _Lines) -> Iterator[tuple[int, str]]:
    number = 0
    while True:
        number += 1
        try:
            raw = file.readline(MAX_LINE + 1)
        except (OSError, EOFError, zlib.error) as error:
            raise ImportFailed(f"line {number}: the compressed data is damaged ({error})") from None
        if not raw:
            return
        if len(raw) > MAX_LINE:
            raise ImportFailed(f"line {number}: longer than {MAX_LINE // 1024 // 1024} MB")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ImportFailed(f"line {number}: not UTF-8 (byte {error.start + 1})") from None
        if text.strip():
            yield number, text


def _object(text: str, line: int) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFailed(f"line {line}: not JSON ({error.msg} at column {error.colno})") from None
    except (ValueError, RecursionError) as error:
        raise ImportFailed(f"line {line}: not readable JSON ({error})") from None
    if not isinstance(value, dict):
        raise ImportFailed(f"line {line}: a JSON {type(value).__name__}, not an object")
    return value


def _string(record: dict[str, Any], key: str, where: str) -> str:
    value = record.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ImportFailed(f"{where}: {key} is not a string")
    return value


def _identifier(value: str, where: str, key: str) -> str:
    if len(value) > MAX_SOURCE_ID:
        raise ImportFailed(f"{where}: {key} is longer than {MAX_SOURCE_ID} characters")
    return value


def _flag(record: dict[str, Any], key: str, where: str) -> bool:
    value = record.get(key, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ImportFailed(f"{where}: {key} is not true or false")
    return value


def _time(value: object, where: str) -> datetime:
    if isinstance(value, str) and "T" in value.upper():
        try:
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is not None:
                return moment.astimezone(UTC)
        except (ValueError, OverflowError):
            pass
    raise ImportFailed(f"{where}: time {value!r:.60} is not an RFC 3339 date")


def _closed_urls(meta: dict[str, Any], line: int) -> tuple[set[str], dict[str, str]]:
    version = meta.get("version", 0)
    if version not in _VERSIONS:
        raise ImportFailed(f"line {line}: Remark42 backup version {version!r:.20} is not known")
    posts = meta.get("posts") or []
    if not isinstance(posts, list):
        raise ImportFailed(f"line {line}: posts is not a list")
    closed: set[str] = set()
    titles: dict[str, str] = {}
    for post in posts:
        if not isinstance(post, dict):
            raise ImportFailed(f"line {line}: a post in posts is not an object")
        url = _string(post, "url", f"line {line}: post")
        if post.get("read_only") is True:
            closed.add(url)
        title = _string(post, "title", f"line {line}: post {url[:80]}")
        if title:
            titles[url] = title[:MAX_TITLE]
    return closed, titles


def _votes(record: dict[str, Any], where: str) -> dict[str, int]:
    votes = record.get("votes") or {}
    if not isinstance(votes, dict):
        raise ImportFailed(f"{where}: votes is not an object")
    result: dict[str, int] = {}
    for voter, up in votes.items():
        if not isinstance(up, bool):
            raise ImportFailed(f"{where}: the vote of {voter[:80]!r} is not true or false")
        result[_identifier(voter, where, "a voter's id")] = 1 if up else -1
    return result


def _post(record: dict[str, Any], line: int) -> tuple[SourcePost, str]:
    """The post, and the title its article had when the comment was made."""
    where = f"line {line}: comment"
    source_id = _identifier(_string(record, "id", where), where, "id")
    if not source_id:
        raise ImportFailed(f"{where} has no id")
    where = f"line {line}: comment {source_id}"
    locator = record.get("locator")
    if not isinstance(locator, dict):
        raise ImportFailed(f"{where}: no locator")
    url = _string(locator, "url", where)
    if not url:
        raise ImportFailed(f"{where}: locator has no url")
    if len(url) > MAX_URL:
        raise ImportFailed(f"{where}: locator url is longer than {MAX_URL} characters")
    user = record.get("user")
    if not isinstance(user, dict):
        raise ImportFailed(f"{where}: no user")
    picture = _string(user, "picture", where).strip()
    # Remark42 stores names HTML-escaped; ours are plain text.
    name = html.unescape(_string(user, "name", where)).strip()[:MAX_NAME]
    score = record.get("score", 0) or 0
    if not isinstance(score, int) or isinstance(score, bool):
        raise ImportFailed(f"{where}: score is not a number")
    votes = _votes(record, where)
    orig = _string(record, "orig", where)
    body = orig or _string(record, "text", where)
    parent = _identifier(_string(record, "pid", where), where, "pid")
    post = SourcePost(
        source_id=source_id,
        thread_source_id=url,
        author=SourceAuthor(
            key=_identifier(_string(user, "id", where), where, "user id"),
            name=name,
            avatar_url=picture if picture and len(picture) <= MAX_URL else None,
        ),
        created_at=_time(record.get("time"), where),
        body=body,
        body_format="markdown" if orig or not body else "html",
        parent_source_id=parent or None,
        state="deleted" if _flag(record, "delete", where) else "approved",
        # The score beyond what the named votes add up to (votes from before Remark42
        # kept voters, say).
        likes=score - sum(votes.values()),
        votes=votes,
        pinned=_flag(record, "pin", where),
        line=line,
    )
    return post, _string(record, "title", where)[:MAX_TITLE]


def _check(path: Path) -> bool:
    """Whether the file is gzip'd, once it is known to be a backup."""
    try:
        with path.open("rb") as file:
            head = file.read(4096)
    except OSError as error:
        raise ImportFailed(f"cannot open {path.name}: {error.strerror}") from None
    if not sniff(head):
        raise ImportFailed(f"not a Remark42 backup: {path.name} looks like {_looks_like(head)}")
    return head.startswith(_GZIP)


def read(path: Path) -> Iterator[Record]:
    """Each article as its first comment comes, then its comments, in the file's order."""
    zipped = _check(path)
    with gzip.open(path, "rb") if zipped else path.open("rb") as file:
        closed: set[str] = set()
        titles: dict[str, str] = {}
        seen: set[str] = set()
        first = True
        for line, text in _lines(file):
            record = _object(text, line)
            if first:
                first = False
                if "locator" not in record:  # the meta; a file without one starts with a comment
                    closed, titles = _closed_urls(record, line)
                    continue
            post, title = _post(record, line)
            url = post.thread_source_id
            if url not in seen:
                seen.add(url)
                yield SourceThread(
                    source_id=url,
                    url=url,
                    title=title or titles.get(url, ""),
                    key=url,
                    closed=url in closed,
                )
            yield post

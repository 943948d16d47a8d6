"""Remark42 backups as its `Native.Export` writes them: the meta on the first line, then
one `store.Comment` per line in Go's field order, UTF-8 unescaped, optionally gzip'd
(Remark42's automatic backups are `.gz`)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

SITE = "news"
ELECTIONS = "https://news.example.org/2024/01/vybory/"
ABOUT = "https://news.example.org/about/"


@dataclass(frozen=True)
class ExpectedPost:
    """What the reader should yield for one comment line."""

    thread: str
    parent: str | None
    state: str
    author_key: str
    author_name: str
    body: str
    body_format: str
    created_at: datetime
    line: int
    votes: dict[str, int] = field(default_factory=dict)
    likes: int = 0
    pinned: bool = False


@dataclass(frozen=True)
class Expected:
    """Threads (url -> (title, closed)) in the order met, and posts by id."""

    threads: dict[str, tuple[str, bool]]
    posts: dict[str, ExpectedPost]


def user(name: str, user_id: str, *, admin: bool = False) -> dict[str, Any]:
    """A `store.User` as exported: the ip is a hash, the picture a proxied avatar URL."""
    return {
        "name": name,
        "id": user_id,
        "picture": f"https://news.example.org/api/v1/avatar/{user_id}.image",
        "ip": "6a3c5b2f1d0e9a8b7c6d5e4f3a2b1c0d9e8f7a6b",
        "admin": admin,
    }


def comment(
    comment_id: str,
    url: str,
    who: dict[str, Any],
    time: str,
    *,
    pid: str = "",
    text: str = "",
    orig: str | None = None,
    score: int = 0,
    votes: dict[str, bool] | None = None,
    pin: bool = False,
    delete: bool = False,
    title: str = "",
) -> dict[str, Any]:
    """A `store.Comment` with its fields in Go's order and its omitempty ones left out."""
    record: dict[str, Any] = {"id": comment_id, "pid": pid, "text": text}
    if orig:
        record["orig"] = orig
    record |= {"user": who, "locator": {"site": SITE, "url": url}, "score": score}
    if votes:
        record["votes"] = votes
    record |= {"vote": 0, "time": time}
    if pin:
        record["pin"] = True
    if delete:
        record["delete"] = True
    if title:
        record["title"] = title
    return record


def meta(read_only: Iterable[str] = (), urls: Iterable[str] = ()) -> dict[str, Any]:
    """The first line: users' flags and each article's read-only flag."""
    locked = set(read_only)
    return {
        "version": 1,
        "users": [
            {
                "id": "github_5a1f0c",
                "blocked": {"status": False, "until": "0001-01-01T00:00:00Z"},
                "verified": True,
            }
        ],
        "posts": [{"url": url, "read_only": url in locked} for url in urls],
    }


def _line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


@contextmanager
def _output(path: Path, gzipped: bool) -> Iterator[IO[str]]:
    if gzipped:
        with gzip.open(path, "wt", encoding="utf-8") as zipped:
            yield zipped
    else:
        with path.open("w", encoding="utf-8") as plain:
            yield plain


def write_lines(path: Path, records: Iterable[dict[str, Any]], *, gzipped: bool = False) -> None:
    """Records one per line, as Export writes them."""
    with _output(path, gzipped) as out:
        for record in records:
            out.write(_line(record))


def _utc(*parts: int) -> datetime:
    year, month, day, hour, minute, second, micro = (*parts, 0)[:7]
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


def write_sample(path: Path, *, gzipped: bool = False) -> Expected:
    """Two articles, one read-only, with the cases Remark42 exports really hold."""
    anna = user("Анна Петрова", "github_5a1f0c")
    boris = user("Boris", "google_77d1e2")
    carl = user("Carl", "email_0be8a4")
    tom = user("Tom & Jerry &lt;3", "telegram_42")
    admin = user("Редакция", "email_admin01", admin=True)
    ghost = {"name": "deleted", "id": "deleted", "picture": "", "admin": False}
    title = "Выборы: как голосовали регионы"
    records = [
        meta(read_only=[ABOUT], urls=[ELECTIONS, ABOUT]),
        comment(
            "4b8f2c1e-6a0d-4f3b-9c27-1d5e8a7b6c01",
            ELECTIONS,
            anna,
            "2024-01-15T13:00:00.123456789+03:00",
            text="<p>Спасибо за <strong>разбор</strong>!</p>\n",
            orig="Спасибо за **разбор**!",
            score=2,
            votes={
                "google_77d1e2": True,
                "email_0be8a4": True,
                "telegram_42": True,
                "github_9f": False,
            },
            title=title,
        ),
        comment(
            "9e6d1a3b-2c4f-4e8a-b1d7-5f0c3e2a9b02",
            ELECTIONS,
            boris,
            "2024-01-15T11:30:00Z",
            pid="4b8f2c1e-6a0d-4f3b-9c27-1d5e8a7b6c01",
            text="<p>Where are the turnout figures from?</p>\n",
            orig="Where are the turnout figures from?",
            pin=True,
            title=title,
        ),
        comment(
            "c3a7e5f1-8b2d-4a6c-9e0f-7d1b3c5a2e03",
            ELECTIONS,
            anna,
            "2024-01-15T12:00:00.5Z",
            pid="9e6d1a3b-2c4f-4e8a-b1d7-5f0c3e2a9b02",
            text="<blockquote>\n<p>turnout</p>\n</blockquote>\n<p>ЦИК.</p>\n",
            orig="> turnout\n\nЦИК.",
            score=-1,
            votes={"google_77d1e2": False},
            title=title,
        ),
        # Deleted by its author: Remark42 empties text, votes and pin, keeps the user.
        comment(
            "d1f0b2a4-3c5e-4d7f-8a9b-0c1d2e3f4a04",
            ELECTIONS,
            carl,
            "2024-01-16T09:00:00+00:00",
            delete=True,
            title=title,
        ),
        comment(
            "e2a1c3b5-4d6f-4e8a-9b0c-1d2e3f4a5b05",
            ELECTIONS,
            tom,
            "2024-01-16T09:15:00-05:00",
            pid="d1f0b2a4-3c5e-4d7f-8a9b-0c1d2e3f4a04",
            text="<p>Too late, we read it.</p>\n",
            orig="Too late, we read it.",
            title=title,
        ),
        # Hard-deleted by an admin: the user is gone too.
        comment(
            "f3b2d4c6-5e7a-4f9b-0c1d-2e3f4a5b6c06",
            ELECTIONS,
            ghost,
            "2024-01-17T07:00:00Z",
            delete=True,
            title=title,
        ),
        # Imported into Remark42 from elsewhere: rendered HTML only.
        comment(
            "disqus_8812345",
            ELECTIONS,
            boris,
            "2019-03-02T18:45:10Z",
            text="<p>Old <em>Disqus</em> comment</p>",
            score=3,
        ),
        comment(
            "a4c3e5d7-6f8b-4a0c-1d2e-3f4a5b6c7d08",
            ABOUT,
            admin,
            "2023-06-01T00:00:00Z",
            text="<p>Комментарии закрыты.</p>\n",
            orig="Комментарии закрыты.",
            pin=True,
            title="О сайте",
        ),
    ]
    write_lines(path, records, gzipped=gzipped)
    first, reply, deeper, removed, orphan, hard, old, about = (
        str(record["id"]) for record in records[1:]
    )
    return Expected(
        threads={ELECTIONS: (title, False), ABOUT: ("О сайте", True)},
        posts={
            first: ExpectedPost(
                ELECTIONS,
                None,
                "approved",
                "github_5a1f0c",
                "Анна Петрова",
                "Спасибо за **разбор**!",
                "markdown",
                _utc(2024, 1, 15, 10, 0, 0, 123456),
                2,
                votes={"google_77d1e2": 1, "email_0be8a4": 1, "telegram_42": 1, "github_9f": -1},
            ),
            reply: ExpectedPost(
                ELECTIONS,
                first,
                "approved",
                "google_77d1e2",
                "Boris",
                "Where are the turnout figures from?",
                "markdown",
                _utc(2024, 1, 15, 11, 30, 0),
                3,
                pinned=True,
            ),
            deeper: ExpectedPost(
                ELECTIONS,
                reply,
                "approved",
                "github_5a1f0c",
                "Анна Петрова",
                "> turnout\n\nЦИК.",
                "markdown",
                _utc(2024, 1, 15, 12, 0, 0, 500000),
                4,
                votes={"google_77d1e2": -1},
            ),
            removed: ExpectedPost(
                ELECTIONS,
                None,
                "deleted",
                "email_0be8a4",
                "Carl",
                "",
                "markdown",
                _utc(2024, 1, 16, 9, 0, 0),
                5,
            ),
            orphan: ExpectedPost(
                ELECTIONS,
                removed,
                "approved",
                "telegram_42",
                "Tom & Jerry <3",
                "Too late, we read it.",
                "markdown",
                _utc(2024, 1, 16, 14, 15, 0),
                6,
            ),
            hard: ExpectedPost(
                ELECTIONS,
                None,
                "deleted",
                "deleted",
                "deleted",
                "",
                "markdown",
                _utc(2024, 1, 17, 7, 0, 0),
                7,
            ),
            old: ExpectedPost(
                ELECTIONS,
                None,
                "approved",
                "google_77d1e2",
                "Boris",
                "<p>Old <em>Disqus</em> comment</p>",
                "html",
                _utc(2019, 3, 2, 18, 45, 10),
                8,
                likes=3,
            ),
            about: ExpectedPost(
                ABOUT,
                None,
                "approved",
                "email_admin01",
                "Редакция",
                "Комментарии закрыты.",
                "markdown",
                _utc(2023, 6, 1, 0, 0, 0),
                9,
                pinned=True,
            ),
        },
    )


def write_large(
    path: Path, comments: int = 200_000, *, per_thread: int = 50, gzipped: bool = False
) -> None:
    """A big site's backup, written line by line."""
    readers = [user(f"Читатель {number}", f"github_{number:06x}") for number in range(997)]
    text = '<p>Комментарий с <em>разметкой</em> и <a href="https://example.org/">ссылкой</a>.</p>'
    orig = "Комментарий с *разметкой* и [ссылкой](https://example.org/). "

    def records() -> Iterator[dict[str, Any]]:
        yield meta()
        for number in range(comments):
            top = number - number % 5
            yield comment(
                f"{number:08d}-0000-4000-8000-000000000000",
                f"https://news.example.org/articles/{number // per_thread}/",
                readers[number % len(readers)],
                f"2020-01-{1 + number % 28:02d}T{number % 24:02d}:00:00.123456789+03:00",
                pid="" if top == number else f"{top:08d}-0000-4000-8000-000000000000",
                text=text * 3,
                orig=orig * 3,
                score=1,
                votes={readers[(number + 1) % len(readers)]["id"]: True},
                title=f"Статья {number // per_thread}",
            )

    write_lines(path, records(), gzipped=gzipped)

"""Isso databases written by Isso itself (its `isso.db.SQLite3` API), so the reader meets
the schema, flattening and deletion placeholders Isso really produces."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from isso import config, db  # type: ignore[import-untyped]
from isso.utils import Bloomfilter  # type: ignore[import-untyped]


@dataclass(frozen=True)
class ExpectedPost:
    """What the reader should yield for one comment Isso kept."""

    thread: str
    parent: str | None
    state: str
    author: str
    likes: int
    body: str
    created_at: datetime


@dataclass(frozen=True)
class Expected:
    """The threads (source id -> (uri, title)) and comments (source id -> post) Isso kept."""

    threads: dict[str, tuple[str, str]]
    posts: dict[str, ExpectedPost]
    removed: frozenset[str]  # bodies of comments Isso deleted outright (it reuses their ids)


def _open(path: Path) -> db.SQLite3:
    return db.SQLite3(str(path), config.load(config.default_file()))


def _time(
    year: int, month: int, day: int, hour: int, minute: int, second: int, micro: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


def _add(
    isso: db.SQLite3,
    uri: str,
    created: datetime,
    text: str,
    *,
    author: str | None = None,
    email: str | None = None,
    website: str | None = None,
    parent: int | None = None,
    mode: int = 1,
) -> str:
    row = isso.comments.add(
        uri,
        {
            "parent": parent,
            "created": created.timestamp(),
            "mode": mode,
            "remote_addr": "192.0.2.0",
            "text": text,
            "author": author,
            "email": email,
            "website": website,
            "notification": 0,
        },
    )
    return str(row["id"])


def write_sample(path: Path) -> Expected:
    """Three articles as Isso stores them after a season of use, and what survives."""
    isso = _open(path)
    elections = "/2024/01/vybory/"
    about = "/about/"
    gone = "/drafts/withdrawn/"
    # Isso makes a thread with its first comment, and drops threads left without any.
    isso.threads.new(elections, "Выборы: как голосовали регионы")

    first = _add(
        isso,
        elections,
        _time(2024, 1, 15, 10, 0, 0, micro=500_000),
        "Спасибо за **разбор**! Особенно [таблица](https://example.org/t).",
        author="Анна Петрова",
        email="anna@example.org",
        website="https://anna.example.org/",
    )
    for address in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
        isso.comments.vote(True, int(first), address)
    isso.comments.vote(False, int(first), "198.51.100.4")
    reply = _add(
        isso,
        elections,
        _time(2024, 1, 15, 11, 30, 0),
        "Where did the turnout figures come from?",
        author="Boris",
        parent=int(first),
    )
    # A reply to a reply: Isso stores it under the top-level comment.
    deeper = _add(
        isso,
        elections,
        _time(2024, 1, 15, 12, 0, 0),
        "> Where did the turnout figures come from?\n\nFrom the commission's site.",
        author="Анна Петрова",
        email="anna@example.org",
        parent=int(reply),
    )
    anonymous = _add(
        isso,
        elections,
        _time(2024, 1, 16, 8, 0, 0),
        "Awaiting moderation, no name given.",
        mode=2,
    )
    placeholder = _add(
        isso,
        elections,
        _time(2024, 1, 16, 9, 0, 0),
        "I take this back.",
        author="Carl",
        email="carl@example.org",
        website="https://carl.example.org/",
    )
    kept_reply = _add(
        isso,
        elections,
        _time(2024, 1, 16, 9, 15, 0),
        "Too late, Carl, we read it.",
        author="Dora",
        parent=int(placeholder),
    )
    isso.comments.delete(int(placeholder))  # has a reply: kept as an empty placeholder
    removed = _add(isso, elections, _time(2024, 1, 17, 7, 0, 0), "Oops, wrong page.", author="Eve")
    isso.comments.delete(int(removed))  # no reply: deleted outright
    isso.threads.new(about, "About this site")
    about_post = _add(isso, about, _time(2023, 6, 1, 0, 0, 0), "Nice site.", author="Frank")
    isso.threads.new(gone, "Withdrawn")
    withdrawn = _add(isso, gone, _time(2023, 7, 1, 0, 0, 0), "First!", author="Gina")
    isso.comments.delete(int(withdrawn))  # its thread goes with it (Isso's trigger)

    tid = {uri: str(isso.threads[uri]["id"]) for uri in (elections, about)}
    posts = {
        first: ExpectedPost(
            tid[elections],
            None,
            "approved",
            "Анна Петрова",
            2,
            "Спасибо за **разбор**! Особенно [таблица](https://example.org/t).",
            _time(2024, 1, 15, 10, 0, 0, micro=500_000),
        ),
        reply: ExpectedPost(
            tid[elections],
            first,
            "approved",
            "Boris",
            0,
            "Where did the turnout figures come from?",
            _time(2024, 1, 15, 11, 30, 0),
        ),
        deeper: ExpectedPost(
            tid[elections],
            first,
            "approved",
            "Анна Петрова",
            0,
            "> Where did the turnout figures come from?\n\nFrom the commission's site.",
            _time(2024, 1, 15, 12, 0, 0),
        ),
        anonymous: ExpectedPost(
            tid[elections],
            None,
            "pending",
            "",
            0,
            "Awaiting moderation, no name given.",
            _time(2024, 1, 16, 8, 0, 0),
        ),
        placeholder: ExpectedPost(
            tid[elections], None, "deleted", "", 0, "", _time(2024, 1, 16, 9, 0, 0)
        ),
        kept_reply: ExpectedPost(
            tid[elections],
            placeholder,
            "approved",
            "Dora",
            0,
            "Too late, Carl, we read it.",
            _time(2024, 1, 16, 9, 15, 0),
        ),
        about_post: ExpectedPost(
            tid[about], None, "approved", "Frank", 0, "Nice site.", _time(2023, 6, 1, 0, 0, 0)
        ),
    }
    return Expected(
        threads={
            tid[elections]: (elections, "Выборы: как голосовали регионы"),
            tid[about]: (about, "About this site"),
        },
        posts=posts,
        removed=frozenset({"Oops, wrong page.", "First!"}),
    )


def write_large(path: Path, comments: int = 200_000, per_thread: int = 50) -> None:
    """Isso's own schema, then rows in bulk: its API commits once per comment, too slow
    for a benchmark's hundreds of thousands."""
    _open(path)
    voters = memoryview(Bloomfilter(iterable=["192.0.2.0"]).array)
    body = "Комментарий с *разметкой* и [ссылкой](https://example.org/). " * 4
    start = datetime(2020, 1, 1, tzinfo=UTC).timestamp()

    def threads() -> Iterator[tuple[str, str]]:
        for number in range(comments // per_thread + 1):
            yield f"/articles/{number}/", f"Article {number}"

    def rows() -> Iterator[tuple[object, ...]]:
        for number in range(comments):
            top = number - number % 5 + 1
            yield (
                number // per_thread + 1,
                None if number % 5 == 0 else top,
                start + number * 60.0,
                1,
                "192.0.2.0",
                f"{number}: {body}",
                f"Reader {number % 997}",
                f"reader{number % 997}@example.org",
                voters,
            )

    connection = sqlite3.connect(path)
    try:
        with connection:
            connection.executemany("INSERT INTO threads (uri, title) VALUES (?, ?)", threads())
            connection.executemany(
                "INSERT INTO comments (tid, parent, created, mode, remote_addr, text, author,"
                " email, voters) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows(),
            )
    finally:
        connection.close()

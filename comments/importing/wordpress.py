"""Reading a WordPress export (WXR 1.0-1.2: RSS with the `wp:` namespace).

Each `<item>` that is a post or a page is a thread, each `<wp:comment>` in it a post.
The file is read as a stream: every element is dropped as soon as its text is taken, so
memory stays flat however large the export. Fields WordPress writes before an item's
comments (title, link, id, type, comment status) let its comments stream too; an item
that lists them after its comments has those comments held until the item ends.

Pingbacks, trackbacks, other comment types and comments on attachments, menu items or
custom post types are not yielded; `Reader.skipped` counts them, by reason, so the
import can say what it left out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from lxml import etree  # type: ignore[import-untyped]

from comments.importing.records import (
    MAX_SOURCE_ID,
    ImportFailed,
    Record,
    SourceAuthor,
    SourcePost,
    SourceThread,
    State,
)

FORMAT = "wordpress"

WP_NAMESPACES: Final = frozenset(f"http://wordpress.org/export/1.{n}/" for n in range(3))
THREAD_TYPES: Final = frozenset({"post", "page"})
COMMENT_TYPES: Final = frozenset({"", "comment"})  # older exports leave the type empty
MAX_NAME: Final = 80
MAX_URL: Final = 2048
MAX_EMAIL: Final = 254
MAX_TITLE: Final = 300

# Every field of an item its thread needs; once all have been met, its comments stream.
_WP_FIELDS: Final = frozenset({"post_id", "post_type", "comment_status"})
_HEADER: Final = frozenset({"title", "link"}) | _WP_FIELDS
_COMMENT_FIELDS: Final = frozenset(
    {
        "comment_id",
        "comment_author",
        "comment_author_email",
        "comment_author_url",
        "comment_date",
        "comment_date_gmt",
        "comment_content",
        "comment_approved",
        "comment_type",
        "comment_parent",
        "comment_user_id",
    }
)
# The tags read ("{namespace}name" -> name), in every WXR version.
_ITEM_TAGS: Final = {
    **{name: name for name in ("title", "link", "guid")},
    **{f"{{{ns}}}{name}": name for ns in WP_NAMESPACES for name in _WP_FIELDS},
}
_COMMENT_TAGS: Final = {f"{{{ns}}}{name}": name for ns in WP_NAMESPACES for name in _COMMENT_FIELDS}
_COMMENT: Final = frozenset(f"{{{ns}}}comment" for ns in WP_NAMESPACES)
_STATES: Final[dict[str, State]] = {
    "1": "approved",
    "0": "pending",
    "spam": "spam",
    "trash": "deleted",
    "post-trashed": "deleted",  # what WordPress marks a trashed post's comments with
}
_NO_DATE: Final = "0000-00-00 00:00:00"
_SNIFF: Final = re.compile(rb"<rss\b[^>]*xmlns:wp=[\"']http://wordpress\.org/export/1\.")


def sniff(head: bytes) -> bool:
    """Whether the first 4 KB look like a WordPress export (an RSS root with `wp:`)."""
    return _SNIFF.search(head) is not None


def read(path: Path) -> Iterator[Record]:
    """The file's threads and posts, in file order; `Reader` also counts what it skips."""
    yield from Reader(path).read()


@dataclass
class _Item:
    line: int
    fields: dict[str, tuple[str, int]] = field(default_factory=dict)
    held: list[_Comment] = field(default_factory=list)
    thread: SourceThread | None = None
    done: bool = False  # thread decided: yielded, or its type is not imported

    @property
    def post_type(self) -> str:
        return self.fields.get("post_type", ("post", 0))[0].strip() or "post"


@dataclass
class _Comment:
    line: int
    fields: dict[str, tuple[str, int]] = field(default_factory=dict)


class Reader:
    """One pass over one export; after `read()` is exhausted, `skipped` holds the
    number of comments left out by reason ("pingback", "comment on attachment", …)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.skipped: Counter[str] = Counter()

    def read(self) -> Iterator[Record]:
        with self.path.open("rb") as file:
            head = file.read(4096)
            _refuse_non_xml(head)
            file.seek(0)
            events = etree.iterparse(
                file,
                events=("start", "end"),
                resolve_entities=False,
                no_network=True,
                load_dtd=False,
                huge_tree=False,
                remove_comments=True,
                remove_pis=True,
            )
            try:
                yield from self._walk(events)
            except etree.XMLSyntaxError as error:
                # A newer libxml2 stops at an entity bomb before the root element is seen:
                # the entities are still the reason, and the message says so.
                declared = _entity_line(self.path)
                if declared is not None:
                    raise _entities(declared) from None
                line = error.position[0] if error.position else error.lineno
                raise ImportFailed(f"line {line}: malformed XML: {error.msg}") from None

    def _walk(self, events: Any) -> Iterator[Record]:
        path: list[str] = []  # tags from the root down to the current element
        item: _Item | None = None
        comment: _Comment | None = None
        for event, element in events:
            if event == "start":
                if not path:
                    self._check_root(element)
                path.append(element.tag)
                depth = len(path)
                if depth == 3 and path[1:] == ["channel", "item"]:
                    item = _Item(element.sourceline)
                elif depth == 4 and item is not None and path[3] in _COMMENT:
                    comment = _Comment(element.sourceline)
                continue
            depth = len(path)
            tag = path.pop()
            if depth == 5 and comment is not None:
                if (name := _COMMENT_TAGS.get(tag)) is not None:
                    comment.fields.setdefault(name, (_text(element), element.sourceline))
            elif depth == 4 and item is not None:
                if comment is not None:
                    yield from self._on_comment(item, comment)
                    comment = None
                elif (name := _ITEM_TAGS.get(tag)) is not None:
                    item.fields.setdefault(name, (_text(element), element.sourceline))
            elif depth == 3 and item is not None:
                yield from self._on_item_end(item)
                item = None
            if depth <= 4 or (depth == 5 and comment is not None):  # the rest go with a field
                element.clear()
                parent = element.getparent()
                if parent is not None:
                    parent.remove(element)

    def _check_root(self, root: Any) -> None:
        dtd = root.getroottree().docinfo.internalDTD
        if dtd is not None and any(True for _ in dtd.iterentities()):
            raise _entities(_entity_line(self.path) or root.sourceline)
        if _local(root) != "rss" or _namespace(root) is not None:
            raise ImportFailed(
                f"line {root.sourceline}: not a WordPress export: {_looks_like(root)}"
            )
        if not WP_NAMESPACES.intersection(root.nsmap.values()):
            raise ImportFailed(
                f"line {root.sourceline}: an RSS feed without WordPress's wp: namespace,"
                " not a WordPress export (WXR)"
            )

    def _on_comment(self, item: _Item, comment: _Comment) -> Iterator[Record]:
        if not item.done and not _HEADER <= item.fields.keys():
            item.held.append(comment)
            return
        yield from self._on_item_end(item)
        yield from self._post(item, comment)

    def _on_item_end(self, item: _Item) -> Iterator[Record]:
        """The thread, if not yet decided, and any comments held until it was."""
        yield from self._thread(item)
        held, item.held = item.held, []
        for comment in held:
            yield from self._post(item, comment)

    def _thread(self, item: _Item) -> Iterator[Record]:
        if item.done:
            return
        item.done = True
        if item.post_type not in THREAD_TYPES:
            return
        post_id = _id(item.fields, "post_id")
        if post_id is None:
            raise ImportFailed(f"line {item.line}: item has no wp:post_id")
        url, url_line = item.fields.get("link", ("", item.line))
        url = url.strip() or item.fields.get("guid", ("", 0))[0].strip()
        if not url:
            raise ImportFailed(f"line {item.line}: item {post_id} has neither link nor guid")
        if len(url) > MAX_URL:
            raise ImportFailed(f"line {url_line}: link is over {MAX_URL} characters")
        status = item.fields.get("comment_status", ("", 0))[0].strip()
        item.thread = SourceThread(
            source_id=post_id,
            url=url,
            title=" ".join(item.fields.get("title", ("", 0))[0].split())[:MAX_TITLE],
            closed=status == "closed",
        )
        yield item.thread

    def _post(self, item: _Item, comment: _Comment) -> Iterator[Record]:
        if item.thread is None:
            self.skipped[f"comment on {item.post_type}"] += 1
            return
        fields = comment.fields
        kind = fields.get("comment_type", ("", 0))[0].strip()
        if kind not in COMMENT_TYPES:
            self.skipped[kind] += 1
            return
        source_id = _id(fields, "comment_id")
        if source_id is None:
            raise ImportFailed(f"line {comment.line}: wp:comment has no wp:comment_id")
        parent = _id(fields, "comment_parent")
        approved = fields.get("comment_approved", ("1", 0))[0].strip()
        yield SourcePost(
            source_id=source_id,
            thread_source_id=item.thread.source_id,
            author=_author(fields),
            created_at=_date(fields, comment.line),
            body=fields.get("comment_content", ("", 0))[0],
            body_format="html",
            parent_source_id=None if parent == "0" else parent,
            state=_STATES.get(approved, "pending"),  # an unknown state waits for a moderator
            line=comment.line,
        )


def _author(fields: dict[str, tuple[str, int]]) -> SourceAuthor:
    name = " ".join(fields.get("comment_author", ("", 0))[0].split())[:MAX_NAME]
    user_id = _id(fields, "comment_user_id")
    email = fields.get("comment_author_email", ("", 0))[0].strip()
    url = fields.get("comment_author_url", ("", 0))[0].strip()
    return SourceAuthor(
        key=user_id if user_id not in (None, "0") else name,
        name=name,
        email=email if 0 < len(email) <= MAX_EMAIL else None,
        url=url if 0 < len(url) <= MAX_URL else None,
    )


def _date(fields: dict[str, tuple[str, int]], line: int) -> datetime:
    """The GMT date, else the local one read as UTC (WordPress zeroes GMT for drafts)."""
    for name in ("comment_date_gmt", "comment_date"):
        text, at = fields.get(name, ("", line))
        text = text.strip()
        if not text or text == _NO_DATE:
            continue
        try:
            when = datetime.fromisoformat(text)
        except ValueError:
            raise ImportFailed(f"line {at}: wp:{name} {text[:40]!r} is not a date") from None
        return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    raise ImportFailed(f"line {line}: wp:comment has no date")


def _id(fields: dict[str, tuple[str, int]], name: str) -> str | None:
    if name not in fields:
        return None
    text, at = fields[name]
    text = text.strip()
    if len(text) > MAX_SOURCE_ID:
        raise ImportFailed(f"line {at}: wp:{name} is over {MAX_SOURCE_ID} characters")
    return text or None


def _text(element: Any) -> str:
    """The element's text; markup left unescaped inside it is kept as markup."""
    text: str = element.text or ""
    if len(element):
        text += "".join(
            etree.tostring(child, encoding="unicode", with_tail=True) for child in element
        )
    return text


def _local(element: Any) -> str:
    return str(etree.QName(element).localname)


def _namespace(element: Any) -> str | None:
    namespace: str | None = etree.QName(element).namespace
    return namespace


def _looks_like(root: Any) -> str:
    name = _local(root)
    if name == "disqus":
        return "it looks like a Disqus export"
    if name == "feed":
        return "it looks like an Atom feed"
    return f"an XML file whose root is <{name}>"


def _refuse_non_xml(head: bytes) -> None:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith((b"<", b"\xff\xfe", b"\xfe\xff")):  # XML, perhaps in UTF-16
        return
    if not start:
        raise ImportFailed("the file is empty")
    if start.startswith(b"SQLite format 3\x00"):
        raise ImportFailed("not a WordPress export: it is an SQLite database (Isso's?)")
    if start[:1] in (b"{", b"["):
        raise ImportFailed("not a WordPress export: it looks like JSON (a Remark42 backup?)")
    raise ImportFailed("line 1: not a WordPress export: the file is not XML")


def _entity_line(path: Path) -> int | None:
    """The line of the first entity declaration before the root element (in the file's
    first megabyte), or None when there is none there."""
    with path.open("rb") as file:
        head = file.read(1 << 20)
    root = _ELEMENT_START.search(head)
    at = head.find(b"<!ENTITY", 0, root.start() if root else len(head))
    return None if at < 0 else head.count(b"\n", 0, at) + 1


def _entities(line: int) -> ImportFailed:
    return ImportFailed(
        f"line {line}: the DOCTYPE declares entities, which a WordPress export never"
        " does; refusing to read it"
    )


# An element's start tag (not `<?xml`, `<!DOCTYPE`, `<!ENTITY` or a comment).
_ELEMENT_START = re.compile(rb"<[A-Za-z_:]")

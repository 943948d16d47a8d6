"""Reads a Disqus export: the XML file Disqus mails to a forum's owner.

Disqus lists its categories, then its threads, then posts in no promised order: a reply
may come before its parent, and a post may name a thread the file does not hold. Both are
yielded as they are, for the writer to judge. The file is read one top-level element at a
time and each is dropped once yielded, so memory stays flat however large the export.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lxml import etree  # type: ignore[import-untyped, unused-ignore]

from comments.importing.records import (
    MAX_SOURCE_ID,
    ImportFailed,
    Record,
    SourceAuthor,
    SourcePost,
    SourceThread,
    State,
)

FORMAT = "disqus"

NS = "{http://disqus.com}"
DSQ_ID = "{http://disqus.com/disqus-internals}id"

MAX_NAME = 80
MAX_URL = 2048
MAX_TITLE = 300
MAX_EMAIL = 254
# Elements inside one thread or post: Disqus writes about fifteen, so anything near this
# is a file built to grow the tree, not an export.
MAX_ELEMENTS = 1000

_HEAD = 4096
_WHERE = re.compile(r",? line \d+, column \d+$")


def sniff(head: bytes) -> bool:
    """Whether a file's first bytes look like a Disqus export."""
    return b"<disqus" in head and b"http://disqus.com" in head


def read(path: Path) -> Iterator[Record]:
    """Yield the export's threads and posts in file order; ImportFailed says where it broke."""
    with path.open("rb") as file:
        head = file.read(_HEAD)
        _refuse_head(head)
        file.seek(0)
        events = etree.iterparse(
            file,
            events=("end",),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
        root: Any = None
        inside = 0  # elements ended since the last top-level one
        try:
            for _event, elem in events:
                if root is None:
                    root = _open(elem, head)
                parent = elem.getparent()
                if parent is not root:
                    inside += 1
                    if inside > MAX_ELEMENTS and parent is not None:
                        raise ImportFailed(
                            f"line {_line(_top(elem, root))}: an element holds more than "
                            f"{MAX_ELEMENTS} others, which no Disqus export does"
                        )
                    continue
                inside = 0
                if elem.tag == NS + "thread":
                    yield _thread(elem)
                elif elem.tag == NS + "post":
                    yield _post(elem)
                elem.clear(keep_tail=False)
                while elem.getprevious() is not None:
                    del root[0]
        except etree.XMLSyntaxError as error:
            message = _WHERE.sub("", str(error.msg or error))
            raise ImportFailed(f"line {error.lineno}: malformed XML: {message}") from None


def _refuse_head(head: bytes) -> None:
    """Name what the file is when its first bytes already show it is no Disqus XML."""
    if head[:16] == b"SQLite format 3\x00":
        raise _not_disqus("an SQLite database (Isso keeps its comments in one)")
    if head[:2] == b"\x1f\x8b":
        raise _not_disqus("a gzip archive: unpack it first (Disqus mails its export gzipped)")
    if head[:4] == b"PK\x03\x04":
        raise _not_disqus("a zip archive")
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not text:
        raise _not_disqus("an empty file")
    if text[:1] in (b"{", b"["):
        raise _not_disqus("JSON (as Remark42 backups are)")
    lower = text.lower()
    if lower.startswith(b"<!doctype html") or lower.startswith(b"<html"):
        raise _not_disqus("an HTML page")
    if text[:1] != b"<" and head[:2] not in (b"\xff\xfe", b"\xfe\xff"):
        raise _not_disqus("neither XML nor any export this reads")
    entity = head.find(b"<!ENTITY")
    if entity >= 0:
        doctype = head.find(b"<!DOCTYPE", 0, entity)
        raise _entities(head[: entity if doctype < 0 else doctype].count(b"\n") + 1)


def _open(first: Any, head: bytes) -> Any:
    """The document's root, once its DOCTYPE and root element are known to be Disqus's."""
    tree = first.getroottree()
    docinfo = tree.docinfo
    dtd = docinfo.internalDTD
    if (dtd is not None and list(dtd.iterentities())) or docinfo.system_url:
        doctype = head.find(b"<!DOCTYPE")  # else it is somewhere before the root
        raise _entities(head[:doctype].count(b"\n") + 1 if doctype >= 0 else _line(tree.getroot()))
    root = tree.getroot()
    tag = str(root.tag)
    if tag == NS + "disqus":
        return root
    local = etree.QName(root).localname
    namespaces = " ".join(str(uri) for uri in root.nsmap.values())
    if local == "rss" and "wordpress.org/export" in namespaces:
        raise _not_disqus("a WordPress export (WXR)")
    if local == "disqus":
        raise _not_disqus("XML with a <disqus> root outside the namespace http://disqus.com")
    raise _not_disqus(f"XML whose root is <{local}>, not <disqus>")


def _not_disqus(what: str) -> ImportFailed:
    return ImportFailed(f"not a Disqus export: the file looks like {what}")


def _entities(line: int) -> ImportFailed:
    return ImportFailed(
        f"line {line}: the DOCTYPE declares entities or an external DTD, which a Disqus "
        "export never does; refused"
    )


def _top(elem: Any, root: Any) -> Any:
    """The top-level element holding `elem`, to name its line."""
    while elem.getparent() is not None and elem.getparent() is not root:
        elem = elem.getparent()
    return elem


def _thread(elem: Any) -> SourceThread:
    line = _line(elem)
    fields = _children(elem)
    identifier = fields.get(NS + "id")
    key = _text(identifier).strip()
    if key:
        _check_id(key, "<thread><id>", identifier)
    link = fields.get(NS + "link")
    url = _text(link).strip()
    if len(url) > MAX_URL:
        raise ImportFailed(f"line {_line(link)}: <link> is {len(url)} characters, over {MAX_URL}")
    return SourceThread(
        source_id=_check_id(elem.get(DSQ_ID), "<thread dsq:id>", line),
        url=url,
        title=_text(fields.get(NS + "title")).strip()[:MAX_TITLE],
        key=key or None,
        closed=_flag(fields.get(NS + "isClosed")),
    )


def _post(elem: Any) -> SourcePost:
    line = _line(elem)
    fields = _children(elem)
    thread = fields.get(NS + "thread")
    parent = fields.get(NS + "parent")
    parent_id = parent.get(DSQ_ID) if parent is not None else None
    state: State = "approved"
    if _flag(fields.get(NS + "isSpam")):
        state = "spam"
    elif _flag(fields.get(NS + "isDeleted")):
        state = "deleted"
    return SourcePost(
        source_id=_check_id(elem.get(DSQ_ID), "<post dsq:id>", line),
        thread_source_id=_check_id(
            thread.get(DSQ_ID) if thread is not None else None,
            "<post><thread dsq:id>",
            thread if thread is not None else line,
        ),
        author=_author(fields.get(NS + "author")),
        created_at=_date(fields.get(NS + "createdAt"), line),
        body=_text(fields.get(NS + "message")),
        body_format="html",
        parent_source_id=(
            _check_id(parent_id, "<parent dsq:id>", parent) if parent_id else None
        ),
        state=state,
        line=line,
    )


def _author(elem: Any) -> SourceAuthor:
    if elem is None:
        return SourceAuthor(key="", name="")
    fields = _children(elem)
    name = _text(fields.get(NS + "name")).strip()[:MAX_NAME]
    email = _text(fields.get(NS + "email")).strip()
    username = fields.get(NS + "username")
    key = _text(username).strip()
    if _flag(fields.get(NS + "isAnonymous")):
        key = ""
    elif key:
        _check_id(key, "<author><username>", username)
    else:
        key = name
    return SourceAuthor(
        key=key, name=name, email=email if email and len(email) <= MAX_EMAIL else None
    )


def _date(elem: Any, line: int) -> datetime:
    if elem is None:
        raise ImportFailed(f"line {line}: <post> has no <createdAt>")
    text = _text(elem).strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise ImportFailed(f"line {_line(elem)}: <createdAt> {shown!r} is not a date") from None
    if moment.tzinfo is None:  # Disqus writes UTC, sometimes without saying so
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _check_id(value: str | None, what: str, where: Any) -> str:
    """The id, or ImportFailed naming the line of `where` (a line, or the element: its
    line is found only for the message)."""
    if value and len(value) <= MAX_SOURCE_ID:
        return value
    line = where if isinstance(where, int) else _line(where)
    if not value:
        raise ImportFailed(f"line {line}: {what} is missing")
    raise ImportFailed(f"line {line}: {what} is {len(value)} characters, over {MAX_SOURCE_ID}")


def _children(elem: Any) -> dict[str, Any]:
    """An element's children by tag, the first of each: one pass instead of a find each."""
    fields: dict[str, Any] = {}
    for child in elem:
        fields.setdefault(child.tag, child)
    return fields


def _text(elem: Any) -> str:
    """An element's text, CDATA included; stray markup inside it keeps only its text."""
    if elem is None:
        return ""
    if not len(elem):
        return str(elem.text or "")
    return "".join(str(part) for part in elem.itertext())


def _flag(elem: Any) -> bool:
    return _text(elem).strip().lower() in ("true", "1")


def _line(elem: Any) -> int:
    """The line of the element's start tag.

    Past line 65534 libxml2 keeps no line on an element and answers with its first text
    node's, counted where that text ends; the newlines in that text are taken back off.
    """
    line = int(elem.sourceline)
    if line <= _BIG_LINE or not _big_lines_skewed():
        return line
    if elem.text is not None:
        return line - str(elem.text).count("\n")
    if len(elem):
        return _line(elem[0])
    return line - str(elem.tail or "").count("\n")


_BIG_LINE = 65534


@functools.cache
def _big_lines_skewed() -> bool:
    """Whether this libxml2 has that habit, found once by parsing a line past it."""
    probe = b"<r>" + b"\n" * 65535 + b"<a>\n</a></r>"
    return int(etree.fromstring(probe)[0].sourceline) != 65536

"""Markdown source to the sanitised HTML that other readers see.

The markdown renders with raw HTML off; nh3 then enforces an explicit allow-list, so a
bug in either alone does not let markup through. Only absolute http, https and mailto
links survive, and they get `rel="nofollow ugc noopener"`.

Two renderers give the same HTML. markdown-it-pyrs (markdown-it in Rust, about thirty
times faster) renders most comments. markdown-it-py (`js-default` with linkify, the
reference) renders the ones where the Rust one may differ: its linkifier finds no bare
domains or e-mail addresses (`example.com`, `www.`, `a@b.com`), no `mailto:` or `//host`
in text, and ends URLs elsewhere; it percent-encodes non-ASCII hosts where markdown-it-py
writes punycode; it nests without limit; a few white-space edges differ; and it panics
on some input. So a comment goes the fast way only when every URL in it is one the two
agree on, checked against linkify-it's own match, and nothing else in it is one of
those cases; the links screening counts are read from the HTML either way, so they are
exactly the links readers get.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from typing import Protocol
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it_pyrs import MarkdownIt as FastMarkdownIt

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "strong",
        "em",
        "a",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "s",
        "del",
        "hr",
    }
)
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

# markdown-it-py's `js-default` without headings, images and tables, and so without raw
# HTML, typographic replacements or smart quotes.
_FAST_RULES = [
    "paragraph",
    "blockquote",
    "list",
    "code",
    "fence",
    "hr",
    "reference",
    "emphasis",
    "strikethrough",
    "backticks",
    "link",
    "autolink",
    "linkify",
    "newline",
    "escape",
    "entity",
]
# What markdown-it-py alone linkifies, normalises, parses or trims: `mailto:` in text,
# punycode (shown decoded), a fence (an unclosed one keeps no final newline there), a
# reference definition (`[x]: ` takes more destinations there), NUL, line and paragraph
# separators; a lone carriage return; a `//host` link; non-ASCII white space at the edge
# of a line (stripped from a paragraph's ends there). Plain substring tests first: most
# comments hold none of these, and a regex alternation costs more than all of them.
_ODD_CHARACTERS = re.compile("[\x00\x85\u2028\u2029]")
_LONE_CR = re.compile(r"\r(?!\n)")
_BARE_SLASHES = re.compile(r"(?<![:/])//")
_UNICODE_SPACE = "".join(c for c in map(chr, range(0x1C, 0x3001)) if c.isspace() and c > " ")
_ANY_UNICODE_SPACE = re.compile(f"[{_UNICODE_SPACE}]")
_EDGE_UNICODE_SPACE = re.compile(
    rf"(?:^|\r)[ \t>*+\-\d.)]*[{_UNICODE_SPACE}]|[{_UNICODE_SPACE}][ \t]*(?:$|\r)", re.M
)
# A dot before a letter or digit: a bare domain or IP address needs one (linkify-it's own
# test, which is slower, runs only then), as `localhost` and `www.` are tested apart.
_DOT_WORD = re.compile(r"\.[^\W_]")
# An ordered list item numbered other than 1, or an empty item, ends a quote's lazy
# paragraph in markdown-it-py only (CommonMark, and the Rust renderer, keep the line).
_QUOTED_ITEM = re.compile(r"[ \t]*(?:(?!0*1[.)])\d{1,9}[.)]|(?:[-*+]|\d{1,9}[.)])[ \t\r]*$)")
_QUOTE_MARKERS = re.compile(r"(?:[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)*>)+")
_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.")
# What may come before a URL both renderers link alike: nothing, white space, `(`.
_LEADS = frozenset({"", " ", "\t", "\n", "\r", "("})
# URL characters markdown-it-py keeps as they are (no percent-encoding, no decoding).
_PLAIN_URL = re.compile(r"[A-Za-z0-9;/?:@&=+$,\-_.!~*'()#]+")
# A URL markdown-it-py's normaliser (mdurl's parse and format) returns as it is; others
# are put through it to see.
_PLAIN_HOST_URL = re.compile(
    r"https?://(?:[a-z0-9-]{1,63}\.)*[a-z0-9-]{1,63}(?::\d{1,5})?"
    r"(?:[/?#][A-Za-z0-9;/?:@&=+$,\-_.!~*'()#]*)?",
    re.I,
)
# A markdown link's destination: plain characters up to its `)`.
_DESTINATION = re.compile(r"([A-Za-z0-9;/?:@&=+$,\-_.!~*'#]+)\)")
_ANCHOR = re.compile(r'<a href="([^"]*)"(?: title="[^"]*")?>(.*?)</a>', re.S)
# Block containers opened; markdown-it-py stops nesting at 100 levels, the Rust one does not.
_CONTAINERS = ("<blockquote", "<ul", "<ol", "<li")
_DEEP = 90
# nh3 writes every attribute double-quoted and escaped, an anchor's href first.
_HREF = re.compile(r'<a href="([^"]*)"')
_EMPTY_QUOTE = "<blockquote>\n</blockquote>"


class _SchemaTest(Protocol):
    def test_schema_at(self, text: str, name: str, position: int) -> int:
        """How many characters after `position` linkify-it takes as the scheme's tail."""
        ...


def _keep_attribute(tag: str, name: str, value: str) -> str | None:
    """Drop relative and protocol-relative links; the tag allow-list limits the rest."""
    if tag != "a" or name != "href":
        return value
    parts = urlsplit(value)
    scheme = parts.scheme.lower()
    if (scheme in ("http", "https") and parts.netloc) or (scheme == "mailto" and parts.path):
        return value
    return None


@dataclass(frozen=True)
class Parsed:
    """A comment parsed once: its links for the link rules, its safe HTML for readers.

    `links` are the hrefs of the anchors the HTML carries, so a link the sanitiser drops
    (relative, `ftp:`) is not counted.
    """

    source: str
    html: str
    links: tuple[str, ...]


class Renderer:
    """Turns comment source into safe HTML; built once per app, reused by every request."""

    def __init__(self) -> None:
        self._fast = FastMarkdownIt("zero").enable_many(_FAST_RULES)  # type: ignore[arg-type]
        self._md = MarkdownIt("js-default", {"linkify": True}).disable(
            ["heading", "lheading", "image", "table"]
        )
        self._md.enable("linkify")
        linkify = self._md.linkify
        if linkify is None:
            raise RuntimeError("markdown-it-py needs linkify-it-py: markdown-it-py[linkify]")
        self._linkify: _SchemaTest = linkify
        # linkify-it's own quick test for a bare domain, e-mail address or IP address.
        self._bare_host = re.compile(linkify.re["host_fuzzy_test"], re.I)
        self._cleaner = nh3.Cleaner(
            tags=set(ALLOWED_TAGS),
            clean_content_tags={"script", "style"},
            attributes={"a": {"href"}},
            attribute_filter=_keep_attribute,
            link_rel=LINK_REL,
            url_schemes=set(ALLOWED_SCHEMES),
            url_relative="deny",
        )

    def parse(self, source: str) -> Parsed:
        """Parse `source` once, for both screening (its links) and publishing (its HTML)."""
        html = self._fast_html(source)
        if html is None:
            html = self._cleaner.clean(self._md.render(source)).strip()
        return Parsed(source, html, tuple(unescape(href) for href in _HREF.findall(html)))

    def html(self, parsed: Parsed) -> str:
        """Safe HTML for what was parsed."""
        return parsed.html

    def render(self, source: str) -> str:
        """Safe HTML for `source`."""
        return self.parse(source).html

    def count_links(self, source: str) -> int:
        """How many links the rendered comment will carry."""
        return len(self.parse(source).links)

    def _fast_html(self, source: str) -> str | None:
        """The Rust renderer's safe HTML, or None where markdown-it-py's may differ."""
        expected = self._expected_anchors(source)
        if expected is None:
            return None
        try:
            raw = self._fast.render(source, xhtml=False)
        except BaseException as error:  # a Rust panic is a BaseException, not an Exception
            if type(error).__name__ != "PanicException":
                raise
            return None
        if _anchors(raw) != expected or sum(raw.count(tag) for tag in _CONTAINERS) >= _DEEP:
            return None
        return self._cleaner.clean(raw).strip().replace(_EMPTY_QUOTE, "<blockquote></blockquote>")

    def _expected_anchors(self, source: str) -> list[tuple[bool, str]] | None:
        """The anchors markdown-it-py makes of `source`, in order, as (linkified, href);
        None when it may make others, or the Rust renderer may go wrong."""
        lowered = source.lower()
        if "mailto:" in lowered or "xn--" in lowered or "```" in source or "~~~" in source:
            return None
        if "]:" in source or _ODD_CHARACTERS.search(source):
            return None
        if "\r" in source and _LONE_CR.search(source):
            return None
        if source.count("//") > source.count("://") and _BARE_SLASHES.search(source):
            return None
        if not source.isascii() and _ANY_UNICODE_SPACE.search(source):
            if _EDGE_UNICODE_SPACE.search(source):
                return None
        # markdown-it-pyrs 0.4 panics on an unclosed code span in a link label (`[` then
        # a backtick; the panic is caught, but each one writes a Rust backtrace to stderr),
        # and a URL it linkifies after an unclosed `[` eats as many characters before the
        # `[` as the URL's scheme has.
        if "`" in source and source.find("[") in range(source.rfind("`")):
            return None
        if "[" in source and _open_bracket_before_url(source):
            return None
        if ">" in source and _item_after_quote(source):
            return None
        expected: list[tuple[bool, str]] = []
        outside: list[str] = []  # the source without its URLs, for the bare-domain test
        done = 0
        at = source.find("://")
        while at >= 0:
            start = at
            while start and source[start - 1] in _SCHEME_CHARS:
                start -= 1
            scheme = source[start:at].lower()
            lead = source[start - 1] if start else ""
            if scheme not in ("http", "https") or lead not in _LEADS:
                return None
            if lead == "(" and source[start - 2 : start - 1] == "]":
                destination = _DESTINATION.match(source, start)
                if destination is None:
                    return None
                url = destination[1]
                if not self._kept(url):
                    return None
                expected.append((False, url))
            else:
                # What markdown-it-py's inline linkify rule takes: linkify-it's match of
                # the scheme's tail, without a closing `*`.
                length = self._linkify.test_schema_at(source, scheme + ":", at + 1)
                url = source[start : at + 1 + length].rstrip("*")
                if not length or not _PLAIN_URL.fullmatch(url) or not self._kept(url):
                    return None
                expected.append((True, url))
            outside.append(source[done:start])
            done = start + len(url)
            at = source.find("://", max(done, at + 3))
        outside.append(source[done:])
        text = " ".join(outside)
        if "localhost" in lowered or "www." in lowered or _DOT_WORD.search(text):
            if self._bare_host.search(text):
                return None
        return expected

    def _kept(self, url: str) -> bool:
        """Whether markdown-it-py links `url` as it is written."""
        return _PLAIN_HOST_URL.fullmatch(url) is not None or self._md.normalizeLink(url) == url


def _item_after_quote(source: str) -> bool:
    """Whether a line `_QUOTED_ITEM` matches continues a deeper quote's paragraph."""
    depth = 0  # of the paragraph the last line belongs to; 0 after a blank line
    for line in source.split("\n"):
        if not depth and ">" not in line:
            continue
        markers = _QUOTE_MARKERS.match(line)
        level = markers[0].count(">") if markers else 0
        rest = line[markers.end() :] if markers else line
        if not rest.strip(" \t\r"):
            depth = 0
        elif level < depth:
            if _QUOTED_ITEM.match(rest):
                return True
        else:
            depth = level
    return False


def _open_bracket_before_url(source: str) -> bool:
    """Whether a `[` with no `]` yet comes before a `://`."""
    bracket_open = False
    for chunk in source.split("://")[:-1]:
        opening, closing = chunk.rfind("["), chunk.rfind("]")
        if opening != closing:
            bracket_open = opening > closing
        if bracket_open:
            return True
    return False


def _anchors(raw: str) -> list[tuple[bool, str]]:
    """The anchors of rendered HTML, in order, as (linkified: text is the href, href)."""
    return [
        (unescape(text) == href, href)
        for href, text in ((unescape(href), text) for href, text in _ANCHOR.findall(raw))
    ]

"""Markdown source to the sanitised HTML that other readers see.

markdown-it's `js-default` preset escapes raw HTML; nh3 then enforces an explicit
allow-list, so a bug in either alone does not let markup through. Only absolute
http, https and mailto links survive, and they get `rel="nofollow ugc noopener"`.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

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
    """A comment parsed once: its links for the link rules, its tokens for the HTML."""

    source: str
    tokens: list[Token]
    links: tuple[str, ...]


class Renderer:
    """Turns comment source into safe HTML; built once per app, reused by every request."""

    def __init__(self) -> None:
        self._md = MarkdownIt("js-default", {"linkify": True}).disable(
            ["heading", "lheading", "image", "table"]
        )
        self._md.enable("linkify")
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
        tokens = self._md.parse(source, {})
        found = tuple(
            str(child.attrGet("href") or "")
            for token in tokens
            for child in token.children or []
            if child.type == "link_open"
        )
        return Parsed(source, tokens, found)

    def html(self, parsed: Parsed) -> str:
        """Safe HTML for what was parsed."""
        raw = self._md.renderer.render(parsed.tokens, self._md.options, {})
        return self._cleaner.clean(raw).strip()

    def render(self, source: str) -> str:
        """Safe HTML for `source`."""
        return self.html(self.parse(source))

    def count_links(self, source: str) -> int:
        """How many links the rendered comment will carry."""
        return len(self.parse(source).links)

"""Markdown source to the sanitised HTML that other readers see.

markdown-it's `js-default` preset escapes raw HTML; nh3 then enforces an explicit
allow-list, so a bug in either alone does not let markup through. Only absolute
http, https and mailto links survive, and they get `rel="nofollow ugc noopener"`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt

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

    def render(self, source: str) -> str:
        """Safe HTML for `source`."""
        return self._cleaner.clean(self._md.render(source)).strip()

    def links(self, source: str) -> list[str]:
        """The targets of the links the comment carries (for the link rules)."""
        found: list[str] = []
        for token in self._md.parse(source):
            for child in token.children or []:
                if child.type == "link_open":
                    found.append(str(child.attrGet("href") or ""))
        return found

    def count_links(self, source: str) -> int:
        """How many links the rendered comment will carry."""
        return len(self.links(source))

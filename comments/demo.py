"""The demo: a news article at `/` with the comment widget embedded as publishers do it,
and its Russian edition at `/ru` (its own thread, the widget asked for Russian).

Like a publisher's template, the page carries the thread's first page inside the
widget's mount element (the embed fragment, made by the same call the
`/embed/…` endpoint makes), so the comments show before, and without, JavaScript.
"""

from __future__ import annotations

import logging
import re
from html import escape, unescape
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from comments.http.context import context_of
from comments.models import Sort
from comments.service.embed import embed_language

log = logging.getLogger(__name__)

PAGES = Path(__file__).resolve().parent / "static" / "demo"
ARTICLE = PAGES / "article.html"
ARTICLE_RU = PAGES / "article.ru.html"
DEMO_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)


MOUNT = re.compile(r'<div id="comments"(?P<attrs>[^>]*)>')
ATTRIBUTE = re.compile(r'(data-[a-z-]+)="([^"]*)"')
SORTS: dict[str, Sort] = {"oldest": "oldest", "newest": "newest", "top": "top"}


async def _with_fragment(request: Request, html: str) -> str:
    """The page with the thread's fragment inside the mount element, read from the
    element's own `data-*` attributes; the page as it was if the fragment fails (the
    widget loads the thread itself then)."""
    mount = MOUNT.search(html)
    if mount is None:
        return html
    attrs = {name: unescape(value) for name, value in ATTRIBUTE.findall(mount.group("attrs"))}
    site, thread = attrs.get("data-site"), attrs.get("data-thread")
    sort = SORTS.get(attrs.get("data-sort", "oldest"))
    if not site or not thread or sort is None:
        return html
    language = embed_language(attrs.get("data-lang"))
    try:
        fragment = await context_of(request).service.embeds.fragment(site, thread, sort, language)
    except Exception:  # a page without its comments is still a page
        log.warning("the demo page goes out without its comments fragment", exc_info=True)
        return html
    return html[: mount.end()] + fragment + html[mount.end() :]


def _template(request: Request, path: Path) -> str:
    """A demo page pointing at this service's own public URL (a small file, read each time)."""
    base = escape(context_of(request).public_url, quote=True)
    return path.read_text(encoding="utf-8").replace("__BASE__", base)


async def _page(request: Request, path: Path) -> Response:
    """A demo page with its comments fragment, under the demo's CSP."""
    html = await _with_fragment(request, _template(request, path))
    return HTMLResponse(html, headers={"Content-Security-Policy": DEMO_CSP})


async def article(request: Request) -> Response:
    """The article page."""
    return await _page(request, ARTICLE)


async def article_ru(request: Request) -> Response:
    """The same story in Russian."""
    return await _page(request, ARTICLE_RU)

"""The demo: a news article at `/` with the comment widget embedded as publishers do it,
and its Russian edition at `/ru` (its own thread, the widget asked for Russian)."""

from __future__ import annotations

from html import escape
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from comments.http.context import context_of

PAGES = Path(__file__).resolve().parent / "static" / "demo"
ARTICLE = PAGES / "article.html"
ARTICLE_RU = PAGES / "article.ru.html"
DEMO_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)


def _page(request: Request, path: Path) -> Response:
    """A demo page pointing at this service's own public URL, under the demo's CSP."""
    base = escape(context_of(request).public_url, quote=True)
    html = path.read_text(encoding="utf-8").replace("__BASE__", base)
    return HTMLResponse(html, headers={"Content-Security-Policy": DEMO_CSP})


async def article(request: Request) -> Response:
    """The article page."""
    return _page(request, ARTICLE)


async def article_ru(request: Request) -> Response:
    """The same story in Russian."""
    return _page(request, ARTICLE_RU)

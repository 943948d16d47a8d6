"""The demo: a news article at `/` with the comment widget embedded as publishers do it."""

from __future__ import annotations

from html import escape
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from comments.http.context import context_of

ARTICLE = Path(__file__).resolve().parent / "static" / "demo" / "article.html"
DEMO_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)


async def article(request: Request) -> Response:
    """The article page, pointing at this service's own public URL."""
    base = escape(context_of(request).public_url, quote=True)
    html = ARTICLE.read_text(encoding="utf-8").replace("__BASE__", base)
    return HTMLResponse(html, headers={"Content-Security-Policy": DEMO_CSP})

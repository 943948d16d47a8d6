"""The reader's e-mail choices, and the two pages mail links open: unsubscribe and confirm.

`GET` of a mail page never changes anything (mail scanners open links): it shows what
the link would do and a button. The button, and a mail client's one-click unsubscribe
(RFC 8058: `POST` with `List-Unsubscribe=One-Click`), `POST` to the same URL. The
token in the link is the only credential, so no cookie is read and none can be forged.
"""

from __future__ import annotations

from html import escape

from pydantic import BaseModel, ConfigDict, Field, StrictBool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from comments.http.context import context_of
from comments.http.inputs import site_field
from comments.http.language import language_of
from comments.http.routing import Endpoint
from comments.mail_address import MAX_ADDRESS
from comments.models import Language
from comments.service import Choices, Viewer
from comments.service.mail import words
from comments.service.mail_tokens import MAX_TOKEN

PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}


class ChoicesQuery(BaseModel):
    """The site the choices are for."""

    model_config = ConfigDict(extra="forbid")

    site: str = site_field()


class ChoicesBody(BaseModel):
    """Choices to change; what is left out stays."""

    model_config = ConfigDict(extra="forbid")

    replies: StrictBool | None = Field(None, description="Tell me of replies to all my comments")
    decisions: StrictBool | None = Field(
        None, description="Tell me when a held comment of mine is approved or rejected"
    )
    alerts: StrictBool | None = Field(None, description="Staff: new queue items and reports")
    email: str | None = Field(
        None,
        max_length=MAX_ADDRESS,
        description="An address to confirm: a link is mailed to it, and it counts once opened",
    )


async def get_choices(request: Request, query: ChoicesQuery, viewer: Viewer) -> Response:
    """The caller's e-mail choices on the site, and the verified address."""
    data = await context_of(request).service.notifications.get(viewer, query.site)
    return JSONResponse(data, headers={"Cache-Control": "no-store"})


async def put_choices(
    request: Request, query: ChoicesQuery, body: ChoicesBody, viewer: Viewer
) -> Response:
    """Change the caller's e-mail choices; a new address gets a confirmation link."""
    choices = Choices(
        replies=body.replies, decisions=body.decisions, alerts=body.alerts, email=body.email
    )
    data = await context_of(request).service.notifications.put(
        viewer, query.site, choices, language_of(request.headers)
    )
    return JSONResponse(data, headers={"Cache-Control": "no-store"})


def _page(
    request: Request, language: Language, title: str, body: str, status: int = 200
) -> Response:
    base = escape(context_of(request).public_url)
    html = f"""<!doctype html>
<html lang="{language}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{escape(title)}</title>
<link rel="stylesheet" href="{base}/static/auth/login.css">
</head><body><main class="login"><h1>{escape(title)}</h1>{body}</main></body></html>"""
    return HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)


def _token(request: Request) -> str:
    token = request.query_params.get("t", "")
    return token if len(token) <= MAX_TOKEN else ""


def _bad_link(request: Request, language: Language, title: str) -> Response:
    return _page(
        request, language, title, f"<p>{escape(words(language, 'page_bad_link'))}</p>", 400
    )


def _button(token: str, label: str) -> str:
    return (
        f'<form method="post" action="?t={escape(token)}">'
        f'<button type="submit">{escape(label)}</button></form>'
    )


async def unsubscribe(request: Request) -> Response:
    """GET: what the link stops, and a button; POST: stop it (one click, RFC 8058)."""
    notifications = context_of(request).service.notifications
    language = language_of(request.headers)
    title = words(language, "page_unsubscribe_title")
    token = _token(request)
    if request.method == "GET":
        found = await notifications.check_unsubscribe(token)
        if found is None:
            return _bad_link(request, language, title)
        lists = ", ".join(words(language, f"list_{name}") for name in found.lists)
        ask = words(language, "page_unsubscribe_ask", site=found.site, lists=lists)
        body = f"<p>{escape(ask)}</p>" + _button(token, words(language, "page_unsubscribe_button"))
        return _page(request, language, title, body)
    done = await notifications.unsubscribe(token)
    if done is None:
        return _bad_link(request, language, title)
    said = words(language, "page_unsubscribed", site=done.site)
    return _page(request, language, title, f'<p role="status">{escape(said)}</p>')


async def confirm(request: Request) -> Response:
    """GET: which address the link confirms, and a button; POST: confirm it."""
    notifications = context_of(request).service.notifications
    language = language_of(request.headers)
    title = words(language, "page_confirm_title")
    token = _token(request)
    if request.method == "GET":
        address = notifications.confirmable(token)
        if address is None:
            return _bad_link(request, language, title)
        ask = words(language, "page_confirm_ask", email=address)
        body = f"<p>{escape(ask)}</p>" + _button(token, words(language, "page_confirm_button"))
        return _page(request, language, title, body)
    confirmed = await notifications.confirm(token)
    if confirmed is None:
        return _bad_link(request, language, title)
    said = words(language, "page_confirmed", email=confirmed)
    return _page(request, language, title, f'<p role="status">{escape(said)}</p>')


PAGES = [
    Route("/mail/unsubscribe", unsubscribe, methods=["GET", "POST"]),
    Route("/mail/confirm", confirm, methods=["GET", "POST"]),
]


async def failed(request: Request, site: str, viewer: Viewer) -> Response:
    """Messages (e-mails, webhook calls) given up on after their last retry (admins)."""
    items = await context_of(request).service.failures.list(viewer, site)
    return JSONResponse({"failed": items}, headers={"Cache-Control": "no-store"})


async def retry_failed(request: Request, site: str, item_id: str, viewer: Viewer) -> Response:
    """Send a failed message again (admins)."""
    await context_of(request).service.failures.retry(viewer, site, item_id)
    return Response(status_code=202)


ENDPOINTS = [
    # "moderator": a bearer token (the widget's) or the dashboard's cookie session.
    Endpoint("GET", "/api/v1/me/notifications", get_choices, "My e-mail choices", "account",
             query=ChoicesQuery, auth="moderator", site="query", errors=(403, 404, 422)),
    Endpoint("PUT", "/api/v1/me/notifications", put_choices, "Change my e-mail choices",
             "account", query=ChoicesQuery, body=ChoicesBody, auth="moderator", site="query",
             errors=(403, 404, 422, 429)),
    Endpoint("GET", "/api/v1/sites/{site}/outbox/failed", failed,
             "Messages given up on (e-mails, webhook calls)", "webhooks", auth="moderator",
             errors=(403, 404)),
    Endpoint("POST", "/api/v1/sites/{site}/outbox/failed/{item_id}/retry", retry_failed,
             "Send a failed message again", "webhooks", ok=202, auth="moderator",
             errors=(403, 404)),
]  # fmt: skip

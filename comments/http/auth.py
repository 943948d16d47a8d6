"""Who is calling: the bearer token or dashboard session of a request, through the service.

An endpoint declares what it needs (`Auth`); the router calls `resolve_viewer` once and
hands the handler the result, so no handler looks at credentials itself.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Literal

from starlette.requests import Request

from comments.errors import Forbidden, LoginRequired
from comments.http.context import context_of
from comments.http.cookies import session_cookie
from comments.service import Viewer

# none: nobody is asked; optional: a token when sent (a bad one is still 401); reader: a
# bearer token; moderator: a bearer token (an API token with a role, checked by the
# service) or the dashboard's cookie session.
Auth = Literal["none", "optional", "reader", "moderator"]


def bearer(request: Request) -> str | None:
    """The request's bearer token, None when absent, 401 when malformed."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise LoginRequired("The Authorization header must be `Bearer <token>`.")
    return token.strip()


async def optional_viewer(request: Request, site: str | None = None) -> Viewer | None:
    """The caller when a token is sent (a bad token is still 401), else None."""
    token = bearer(request)
    if token is None:
        return None
    return await context_of(request).service.sessions.viewer(token, site)


async def required_viewer(request: Request, site: str | None = None) -> Viewer:
    """The caller, or 401."""
    viewer = await optional_viewer(request, site)
    if viewer is None:
        raise LoginRequired("Please log in first.")
    return viewer


UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def csrf_token(secret: bytes, session_token: str) -> str:
    """The CSRF token that goes with a dashboard session: a MAC of it, never stored."""
    return hmac.new(secret, b"csrf:" + session_token.encode(), hashlib.sha256).hexdigest()


async def dashboard_viewer(request: Request) -> Viewer | None:
    """The dashboard session of the request's cookie; CSRF and Origin checked on writes."""
    context = context_of(request)
    name, _path, _secure = session_cookie(context.public_url)
    token = request.cookies.get(name)
    if not token:
        return None
    viewer = await context.service.sessions.viewer(token, kinds=("dashboard",))
    if request.method in UNSAFE:
        origin = request.headers.get("origin")
        if origin != context.origin:
            raise Forbidden("This request did not come from the dashboard.")
        sent = request.headers.get("x-csrf-token", "")
        if not hmac.compare_digest(sent, csrf_token(context.secret, token)):
            raise Forbidden("The request's CSRF token is missing or wrong. Reload the page.")
    return viewer


async def moderator_viewer(request: Request) -> Viewer:
    """A bearer token (an API token with a role), or the dashboard's cookie session."""
    if "authorization" in request.headers:
        return await required_viewer(request)
    viewer = await dashboard_viewer(request)
    if viewer is None:
        raise LoginRequired("Please log in to the dashboard.")
    return viewer


async def resolve_viewer(request: Request, auth: Auth, site: str | None) -> Viewer | None:
    """The caller an endpoint's declaration asks for (bound to `site` when given), or 401."""
    if auth == "optional":
        return await optional_viewer(request, site)
    if auth == "reader":
        return await required_viewer(request, site)
    if auth == "moderator":
        return await moderator_viewer(request)
    return None

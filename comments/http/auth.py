"""Who is calling: the bearer token of a request, resolved through the service."""

from __future__ import annotations

from starlette.requests import Request

from comments.errors import LoginRequired
from comments.service import Service, Viewer


def service_of(request: Request) -> Service:
    """The service the app factory built (on the app's state, never a global)."""
    service: Service = request.app.state.service
    return service


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
    return await service_of(request).sessions.viewer(token, site)


async def required_viewer(request: Request, site: str | None = None) -> Viewer:
    """The caller, or 401."""
    viewer = await optional_viewer(request, site)
    if viewer is None:
        raise LoginRequired("Please log in first.")
    return viewer

"""The caller's own account."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from comments.http.context import context_of
from comments.http.inputs import site_field
from comments.http.language import requested_language
from comments.http.present import iso, user_json
from comments.http.routing import Endpoint
from comments.service import Viewer


class MeQuery(BaseModel):
    """The site the token should be good for."""

    model_config = ConfigDict(extra="forbid")

    site: str = site_field()


async def me(request: Request, query: MeQuery, viewer: Viewer) -> Response:
    """Who the token belongs to, with roles, ban state and language on the site.

    `ban` comes only with a visible ban; the request's language is remembered.
    """
    profile = await context_of(request).service.profiles.me(
        viewer, query.site, requested_language(request.headers)
    )
    data = user_json(profile.user) | {
        "roles": sorted(profile.roles),
        "banned": profile.ban is not None,
        "language": profile.user.language,
    }
    if profile.ban is not None:
        data["ban"] = {"until": iso(profile.ban.until), "reason": profile.ban.reason}
    return JSONResponse({"user": data}, headers={"Cache-Control": "no-store"})


async def export(request: Request, viewer: Viewer) -> Response:
    """Every comment and vote of the caller, as JSON to keep."""
    data = await context_of(request).service.account.export(viewer)
    return JSONResponse(
        data,
        headers={
            "Cache-Control": "no-store",
            "Content-Disposition": 'attachment; filename="my-comments.json"',
        },
    )


async def erase(request: Request, viewer: Viewer) -> Response:
    """Erase the caller: comments become tombstones, the profile goes."""
    await context_of(request).service.account.erase(viewer)
    return Response(status_code=204)


ENDPOINTS = [
    Endpoint("GET", "/api/v1/me", me, "The logged-in reader", "account", query=MeQuery,
             auth="reader", site="query", errors=(404, 422)),
    Endpoint("GET", "/api/v1/me/export", export, "Export my comments and votes", "account",
             auth="reader", errors=()),
    Endpoint("DELETE", "/api/v1/me", erase, "Erase my account", "account", ok=204,
             auth="reader", errors=()),
]  # fmt: skip

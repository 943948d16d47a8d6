"""The caller's own account."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from comments.http.auth import required_viewer, service_of
from comments.http.present import user_json
from comments.http.routing import Endpoint


class MeQuery(BaseModel):
    """The site the token should be good for."""

    model_config = ConfigDict(extra="forbid")

    site: str = Field(min_length=1, max_length=64)


async def me(request: Request, query: MeQuery) -> Response:
    """Who the token belongs to, with roles and ban state on the site."""
    viewer = await required_viewer(request, query.site)
    banned = await service_of(request).moderation.banned(query.site, viewer.user.id)
    data = user_json(viewer.user) | {"roles": sorted(viewer.roles), "banned": banned}
    return JSONResponse({"user": data}, headers={"Cache-Control": "no-store"})


async def export(request: Request) -> Response:
    """Every comment and vote of the caller, as JSON to keep."""
    viewer = await required_viewer(request)
    data = await service_of(request).account.export(viewer)
    return JSONResponse(
        data,
        headers={
            "Cache-Control": "no-store",
            "Content-Disposition": 'attachment; filename="my-comments.json"',
        },
    )


async def erase(request: Request) -> Response:
    """Erase the caller: comments become tombstones, the profile goes."""
    viewer = await required_viewer(request)
    await service_of(request).account.erase(viewer)
    return Response(status_code=204)


ENDPOINTS = [
    Endpoint("GET", "/api/v1/me", me, "The logged-in reader", "account", query=MeQuery,
             auth="required", errors=(404, 422)),
    Endpoint("GET", "/api/v1/me/export", export, "Export my comments and votes", "account",
             auth="required", errors=()),
    Endpoint("DELETE", "/api/v1/me", erase, "Erase my account", "account", ok=204,
             auth="required", errors=()),
]  # fmt: skip

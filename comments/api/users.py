"""The staff's user search: find a site's people by name to ban, unban or give a role."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from comments.http.context import context_of
from comments.http.present import iso, user_json
from comments.http.routing import Endpoint
from comments.service import Person, Viewer


class UsersQuery(BaseModel):
    """Part of a name."""

    model_config = ConfigDict(extra="forbid")

    q: str = Field(min_length=1, max_length=80, description="Part of the name, case aside")


def person_json(person: Person) -> dict[str, Any]:
    """A user as staff see them: roles on the site, and an active ban, shadow or not."""
    data = user_json(person.user) | {
        "roles": sorted(person.roles),
        "banned": person.ban is not None,
    }
    if person.ban is not None:
        ban = person.ban
        data["ban"] = {"until": iso(ban.until), "reason": ban.reason, "shadow": ban.shadow}
    return data


async def search_users(request: Request, site: str, query: UsersQuery, viewer: Viewer) -> Response:
    """Up to 20 of the site's people (who wrote there, or hold a role or ban) by name."""
    people = await context_of(request).service.people.search(viewer, site, query.q)
    return JSONResponse(
        {"users": [person_json(person) for person in people]},
        headers={"Cache-Control": "no-store"},
    )


ENDPOINTS = [
    Endpoint("GET", "/api/v1/sites/{site}/users", search_users, "Find the site's people",
             "moderation", query=UsersQuery, auth="moderator", errors=(403, 404, 422)),
]  # fmt: skip

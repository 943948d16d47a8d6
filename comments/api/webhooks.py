"""A site's webhook endpoints and their delivery log (site admins)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from comments.http.context import context_of
from comments.http.routing import Endpoint
from comments.service import Viewer
from comments.service.webhooks import EVENTS, MAX_URL, Webhooks

SITE = "/api/v1/sites/{site}/webhooks"
EventName = Literal[
    "comment.created", "comment.updated", "comment.approved", "comment.rejected",
    "comment.deleted", "comment.reported", "user.banned", "user.unbanned",
    "thread.closed", "thread.opened", "moderation.alert",
]  # fmt: skip


class WebhookBody(BaseModel):
    """Where to send which events."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=1, max_length=MAX_URL, description="http:// or https://")
    events: list[EventName] = Field(
        min_length=1, max_length=len(EVENTS), description="Among: " + ", ".join(EVENTS)
    )


class DeliveriesQuery(BaseModel):
    """A page of the delivery log, newest first."""

    model_config = ConfigDict(extra="forbid")

    cursor: str | None = Field(None, max_length=26)
    limit: int = Field(50, ge=1, le=100)


HOOK_SCHEMA = {
    "type": "object",
    "required": ["id", "url", "events", "enabled", "failures", "created_at"],
    "properties": {
        "id": {"type": "string"},
        "url": {"type": "string"},
        "events": {"type": "array", "items": {"type": "string", "enum": list(EVENTS)}},
        "enabled": {"type": "boolean", "description": "False after 50 failures in a row"},
        "failures": {"type": "integer", "description": "Failed attempts in a row"},
        "created_at": {"type": "string", "format": "date-time"},
        "previous_secret_until": {"type": ["string", "null"], "format": "date-time"},
        "secret": {"type": "string", "description": "`whsec_…`; only in the POST's answer"},
    },
}
LIST_SCHEMA = {
    "type": "object",
    "required": ["webhooks"],
    "properties": {"webhooks": {"type": "array", "items": HOOK_SCHEMA}},
}
DELIVERIES_SCHEMA = {
    "type": "object",
    "required": ["deliveries", "next_cursor"],
    "properties": {
        "deliveries": {"type": "array", "items": {"type": "object"}},
        "next_cursor": {"type": ["string", "null"]},
    },
}
QUEUED_SCHEMA = {
    "type": "object",
    "required": ["message_id"],
    "properties": {"message_id": {"type": "string", "description": "Its `webhook-id`"}},
}
ROTATED_SCHEMA = {
    "type": "object",
    "required": ["secret", "previous_secret_until"],
    "properties": {
        "secret": {"type": "string"},
        "previous_secret_until": {"type": "string", "format": "date-time"},
    },
}


def _hooks(request: Request) -> Webhooks:
    context = context_of(request)
    service = context.service
    return Webhooks(
        service.deps,
        service.moderation.staff,
        allow_private=context.settings.webhook_allow_private,
    )


async def list_webhooks(request: Request, site: str, viewer: Viewer) -> Response:
    """The site's endpoints, without their secrets."""
    return JSONResponse({"webhooks": await _hooks(request).endpoints(viewer, site)})


async def add_webhook(request: Request, site: str, body: WebhookBody, viewer: Viewer) -> Response:
    """Add an endpoint; the answer holds its signing secret, this once."""
    hook = await _hooks(request).create(viewer, site, body.url, body.events)
    return JSONResponse(hook, status_code=201)


async def delete_webhook(request: Request, site: str, webhook_id: str, viewer: Viewer) -> Response:
    """Remove an endpoint and its log."""
    await _hooks(request).delete(viewer, site, webhook_id)
    return Response(status_code=204)


async def rotate_webhook(request: Request, site: str, webhook_id: str, viewer: Viewer) -> Response:
    """A new secret; the old one signs beside it for a day."""
    return JSONResponse(await _hooks(request).rotate(viewer, site, webhook_id))


async def enable_webhook(request: Request, site: str, webhook_id: str, viewer: Viewer) -> Response:
    """Switch a disabled endpoint back on, its failures reset."""
    return JSONResponse(await _hooks(request).enable(viewer, site, webhook_id))


async def test_webhook(request: Request, site: str, webhook_id: str, viewer: Viewer) -> Response:
    """Queue a `webhook.test` message to the endpoint."""
    message_id = await _hooks(request).test(viewer, site, webhook_id)
    return JSONResponse({"message_id": message_id}, status_code=202)


async def list_deliveries(
    request: Request, site: str, webhook_id: str, query: DeliveriesQuery, viewer: Viewer
) -> Response:
    """The endpoint's attempts, newest first."""
    rows = await _hooks(request).deliveries(viewer, site, webhook_id, query.cursor, query.limit)
    more = rows[-1]["id"] if len(rows) == query.limit else None
    return JSONResponse({"deliveries": rows, "next_cursor": more})


async def redeliver(
    request: Request, site: str, webhook_id: str, delivery_id: str, viewer: Viewer
) -> Response:
    """Send a logged message again, under its own `webhook-id`."""
    message_id = await _hooks(request).redeliver(viewer, site, webhook_id, delivery_id)
    return JSONResponse({"message_id": message_id}, status_code=202)


ENDPOINTS = [
    Endpoint("GET", SITE, list_webhooks, "List webhook endpoints", "webhooks",
             ok_schema=LIST_SCHEMA, auth="moderator", errors=(403, 404)),
    Endpoint("POST", SITE, add_webhook, "Add a webhook endpoint", "webhooks", body=WebhookBody,
             ok=201, ok_schema=HOOK_SCHEMA, auth="moderator", errors=(403, 404, 422)),
    Endpoint("DELETE", SITE + "/{webhook_id}", delete_webhook, "Remove a webhook endpoint",
             "webhooks", ok=204, auth="moderator", errors=(403, 404)),
    Endpoint("POST", SITE + "/{webhook_id}/rotate", rotate_webhook, "Rotate a webhook's secret",
             "webhooks", ok_schema=ROTATED_SCHEMA, auth="moderator", errors=(403, 404)),
    Endpoint("POST", SITE + "/{webhook_id}/enable", enable_webhook, "Switch a webhook back on",
             "webhooks", ok_schema=HOOK_SCHEMA, auth="moderator", errors=(403, 404)),
    Endpoint("POST", SITE + "/{webhook_id}/test", test_webhook, "Send a test message",
             "webhooks", ok=202, ok_schema=QUEUED_SCHEMA, auth="moderator", errors=(403, 404)),
    Endpoint("GET", SITE + "/{webhook_id}/deliveries", list_deliveries, "A webhook's deliveries",
             "webhooks", query=DeliveriesQuery, ok_schema=DELIVERIES_SCHEMA, auth="moderator",
             errors=(403, 404, 422)),
    Endpoint("POST", SITE + "/{webhook_id}/deliveries/{delivery_id}/redeliver", redeliver,
             "Send a delivery again", "webhooks", ok=202, ok_schema=QUEUED_SCHEMA,
             auth="moderator", errors=(403, 404)),
]  # fmt: skip

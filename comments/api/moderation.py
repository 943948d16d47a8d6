"""The moderators' API: queues, decisions, claims, bans, threads, settings, roles, the log.

Callers are the dashboard (cookie session with CSRF) or scripts holding an API token
with a role; a reader's widget token is refused with 403, but for the actions the
widget offers a site's own staff in the article: a decision, feature and unfeature, a
ban (comments/service/staff.py).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sse_starlette.sse import EventSourceResponse
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from comments.http.context import context_of
from comments.http.inputs import free_text
from comments.http.language import VARY_LANGUAGE, language_of
from comments.http.present import iso
from comments.http.routing import Endpoint
from comments.messages import shown
from comments.models import Role, SitePolicy
from comments.service import ThreadChange, Viewer
from comments.service.admin import LogEntry
from comments.service.idempotency import HEADER as IDEMPOTENCY_HEADER
from comments.service.idempotency import checked_key
from comments.service.moderation import queue_item_json

USER_ID = Field(min_length=3, max_length=300, description="provider:subject")


class QueueQueryParams(BaseModel):
    """Which queue, which page, which filters."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["pending", "reported", "rejected", "approved"] = "pending"
    limit: int = Field(50, ge=1, le=100)
    cursor: str | None = Field(None, max_length=26)
    thread: str | None = Field(None, min_length=1, max_length=512)
    author: str | None = Field(None, min_length=1, max_length=300)
    reason: str | None = Field(None, pattern=r"^[A-Z_]{1,40}$")
    q: str | None = Field(None, min_length=1, max_length=200)


class DecisionBody(BaseModel):
    """A moderator's decision on one comment."""

    model_config = ConfigDict(extra="forbid")

    action: Literal["approve", "reject", "requeue"]
    from_status: Literal["pending", "approved", "rejected"] | None = None
    reason: str | None = free_text(None, max_length=500)


class BulkBody(BaseModel):
    """One decision on many comments."""

    model_config = ConfigDict(extra="forbid")

    ids: list[str] = Field(min_length=1, max_length=100)
    action: Literal["approve", "reject"]
    from_status: Literal["pending", "approved", "rejected"] = "pending"
    reason: str | None = free_text(None, max_length=500)


class BanBody(BaseModel):
    """A ban, a suspension (`until`), or a shadow ban."""

    model_config = ConfigDict(extra="forbid")

    user_id: str = USER_ID
    reason: str = free_text(min_length=1, max_length=500)
    until: AwareDatetime | None = None
    shadow: bool = False
    reject_pending: bool = False


class ThreadBody(BaseModel):
    """A thread to close or open."""

    model_config = ConfigDict(extra="forbid")

    thread: str = Field(min_length=1, max_length=512)


class ThreadOptionsBody(BaseModel):
    """Per-thread switches; null goes back to the site's policy, absent leaves as is."""

    model_config = ConfigDict(extra="forbid")

    thread: str = Field(min_length=1, max_length=512)
    premoderation: Literal["off", "new", "all"] | None = None
    slow_mode_seconds: int | None = Field(None, ge=5, le=86_400)


class SettingsBody(BaseModel):
    """What an admin changes; absent fields stay."""

    model_config = ConfigDict(extra="forbid")

    policy: SitePolicy | None = None
    origins: list[str] | None = Field(None, max_length=50)
    sso_secret: str | None = Field(None, min_length=32, max_length=256)


class RolesBody(BaseModel):
    """The user's roles on the site, all of them."""

    model_config = ConfigDict(extra="forbid")

    roles: list[Literal["moderator", "admin"]] = Field(max_length=2)


class CheckBody(BaseModel):
    """A text to run the filters on."""

    model_config = ConfigDict(extra="forbid")

    body: str = free_text(max_length=10_000)


class LogQuery(BaseModel):
    """A page of the audit log."""

    model_config = ConfigDict(extra="forbid")

    cursor: str | None = Field(None, max_length=26)


async def queue(request: Request, site: str, query: QueueQueryParams, viewer: Viewer) -> Response:
    """One page of a moderation queue."""
    page = await context_of(request).service.moderation.queue(
        viewer,
        site,
        query.status,
        cursor=query.cursor,
        limit=query.limit,
        thread=query.thread,
        author=query.author,
        reason=query.reason,
        text=query.q,
    )
    language = language_of(request.headers)
    return JSONResponse(
        {
            "items": [queue_item_json(item, language) for item in page.items],
            "next_cursor": page.next_cursor,
            "counts": page.counts,
            "oldest_pending_at": iso(page.oldest_pending_at),
        },
        headers={"Cache-Control": "no-store", "Vary": VARY_LANGUAGE},
    )


async def decide(request: Request, comment_id: str, body: DecisionBody, viewer: Viewer) -> Response:
    """Approve, reject or requeue; 409 when someone decided first."""
    comment = await context_of(request).service.moderation.decide(
        viewer,
        comment_id,
        body.action,
        body.from_status,
        body.reason,
        idempotency_key=checked_key(request.headers.get(IDEMPOTENCY_HEADER)),
    )
    return JSONResponse(
        {
            "comment": {"id": comment.id, "status": comment.status},
            "decided_by": {"id": viewer.user.id, "name": viewer.user.name},
        }
    )


async def bulk(request: Request, site: str, body: BulkBody, viewer: Viewer) -> Response:
    """The same decision on many comments."""
    results = await context_of(request).service.moderation.bulk(
        viewer, site, body.ids, body.action, body.from_status, body.reason
    )
    return JSONResponse({"results": results})


async def claim(request: Request, comment_id: str, viewer: Viewer) -> Response:
    """Take an item for a minute, so other moderators see it is being reviewed."""
    holder = await context_of(request).service.moderation.claim(viewer, comment_id)
    return JSONResponse({"claimed_by": holder, "expires_in": 60})


async def feature(request: Request, comment_id: str, viewer: Viewer) -> Response:
    """Pin a published top-level comment to the top of its thread (at most five a thread)."""
    comment = await context_of(request).service.moderation.feature(viewer, comment_id)
    return JSONResponse({"comment": _featured_json(comment)})


async def unfeature(request: Request, comment_id: str, viewer: Viewer) -> Response:
    """Unpin a featured comment."""
    comment = await context_of(request).service.moderation.unfeature(viewer, comment_id)
    return JSONResponse({"comment": _featured_json(comment)})


def _featured_json(comment: Any) -> dict[str, Any]:
    featured = comment.featured
    return {
        "id": comment.id,
        "status": comment.status,
        "featured": featured,
        "featured_at": iso(comment.featured_at) if featured else None,
        "featured_by": comment.featured_by if featured else None,
    }


def _ban_json(ban: Any, name: str | None) -> dict[str, Any]:
    return {
        "user_id": ban.user_id,
        "user_name": name,
        "until": iso(ban.until),
        "shadow": ban.shadow,
        "reason": ban.reason,
        "created_by": ban.created_by,
        "created_at": iso(ban.created_at),
    }


async def list_bans(request: Request, site: str, viewer: Viewer) -> Response:
    """The site's bans and suspensions."""
    found = await context_of(request).service.moderation.bans(viewer, site)
    return JSONResponse({"bans": [_ban_json(ban, name) for ban, name in found]})


async def add_ban(request: Request, site: str, body: BanBody, viewer: Viewer) -> Response:
    """Ban a user; optionally reject everything they have waiting (`rejected_ids` names it,
    so an undo can lift the ban and requeue each)."""
    ban, rejected = await context_of(request).service.moderation.ban(
        viewer,
        site,
        body.user_id,
        body.reason,
        until=body.until,
        shadow=body.shadow,
        reject_pending=body.reject_pending,
    )
    return JSONResponse(
        {"ban": _ban_json(ban, None), "rejected": len(rejected), "rejected_ids": rejected},
        status_code=201,
    )


async def lift_ban(request: Request, site: str, user_id: str, viewer: Viewer) -> Response:
    """Lift a ban."""
    await context_of(request).service.moderation.unban(viewer, site, user_id)
    return Response(status_code=204)


async def _thread(request: Request, viewer: Viewer, site: str, key: str, closed: bool) -> Response:
    thread = await context_of(request).service.moderation.set_thread_closed(
        viewer, site, key, closed
    )
    return JSONResponse({"thread": _thread_json(thread)})


def _thread_json(thread: Any) -> dict[str, Any]:
    return {
        "key": thread.key,
        "url": thread.url,
        "title": thread.title,
        "closed": thread.closed,
        "premoderation": thread.premoderation,
        "slow_mode_seconds": thread.slow_mode_seconds,
        "surge_until": iso(thread.surge_until),
    }


async def thread_options(
    request: Request, site: str, body: ThreadOptionsBody, viewer: Viewer
) -> Response:
    """Pre-moderate one thread, or put it in slow mode."""
    given = body.model_fields_set
    change = ThreadChange(
        **{
            name: getattr(body, name)
            for name in ("premoderation", "slow_mode_seconds")
            if name in given
        }
    )
    thread = await context_of(request).service.moderation.thread_options(
        viewer, site, body.thread, change
    )
    return JSONResponse({"thread": _thread_json(thread)})


async def close_thread(request: Request, site: str, body: ThreadBody, viewer: Viewer) -> Response:
    """Close a thread to new comments."""
    return await _thread(request, viewer, site, body.thread, True)


async def open_thread(request: Request, site: str, body: ThreadBody, viewer: Viewer) -> Response:
    """Open a closed thread again."""
    return await _thread(request, viewer, site, body.thread, False)


async def audit_log(request: Request, site: str, query: LogQuery, viewer: Viewer) -> Response:
    """Who decided what, when and why, newest first."""
    rows, cursor = await context_of(request).service.moderation.log(viewer, site, query.cursor)
    return JSONResponse({"entries": [_log_json(row) for row in rows], "next_cursor": cursor})


def _log_json(row: LogEntry) -> dict[str, Any]:
    """One entry; `details` as stored (rows of every age keep their own field names)."""
    entry, about = row.entry, row.comment
    return {
        "id": entry.id,
        "at": iso(entry.created_at),
        "actor": {"id": entry.actor_id, "name": row.actor_name or "Automatic moderation"}
        if entry.actor_id
        else {"id": None, "name": "Automatic moderation"},
        "action": entry.action,
        "comment_id": entry.comment_id,
        "comment": None
        if about is None
        else {"id": about.id, "thread": about.thread, "excerpt": about.excerpt},
        "user_id": entry.user_id,
        "reason": entry.reason,
        "details": entry.details,
    }


def _settings_json(site: Any) -> dict[str, Any]:
    """Secrets are write-only: their presence shows, never their value."""
    return {
        "policy": site.policy.model_dump(exclude={"classifier_secret"}),
        "origins": list(site.origins),
        "sso_secret_set": bool(site.sso_secret),
        "classifier_secret_set": bool(site.policy.classifier_secret),
    }


async def get_settings(request: Request, site: str, viewer: Viewer) -> Response:
    """The site's policy and origins (the SSO secret only as set or not)."""
    found = await context_of(request).service.moderation.require(viewer, site)
    return JSONResponse(_settings_json(found))


async def put_settings(request: Request, site: str, body: SettingsBody, viewer: Viewer) -> Response:
    """Admins change the policy, the origins, the SSO secret."""
    found = await context_of(request).service.moderation.update_settings(
        viewer, site, policy=body.policy, origins=body.origins, sso_secret=body.sso_secret
    )
    return JSONResponse(_settings_json(found))


async def list_roles(request: Request, site: str, viewer: Viewer) -> Response:
    """Who moderates and administers the site; `source: environment` marks the admins named
    in the service's settings, whose roles are not changed here."""
    members = await context_of(request).service.moderation.roles(viewer, site)
    return JSONResponse(
        {
            "roles": [
                {"user_id": m.user_id, "user_name": m.name, "roles": m.roles, "source": m.source}
                for m in members
            ]
        }
    )


async def put_roles(
    request: Request, site: str, user_id: str, body: RolesBody, viewer: Viewer
) -> Response:
    """Set a user's roles on the site."""
    wanted: list[Role] = list(body.roles)
    await context_of(request).service.moderation.set_roles(viewer, site, user_id, wanted)
    return JSONResponse({"user_id": user_id, "roles": sorted(set(wanted))})


async def check(request: Request, site: str, body: CheckBody, viewer: Viewer) -> Response:
    """The "test this text" box: the filters' verdict, nothing stored."""
    decision = await context_of(request).service.moderation.check(viewer, site, body.body)
    language = language_of(request.headers)
    return JSONResponse(
        {
            "action": decision.action,
            "masked": any(r.code == "MASKED" for r in decision.reasons),
            "reasons": [shown(r.to_json(), language, "span") for r in decision.reasons],
        },
        headers={"Vary": VARY_LANGUAGE},
    )


async def events(request: Request, site: str, viewer: Viewer) -> Response:
    """Server-Sent Events of the site's queues: new items, decisions, claims, counts."""
    # Checked now (403 before the stream starts), then again while it runs: it ends
    # within seconds of the caller's logout, role removal or ban, and sends nothing after.
    watch = await context_of(request).service.moderation_events(viewer, site)

    async def stream() -> Any:
        async with watch as received:
            yield {"event": "ready", "data": "{}"}
            async for name, data in received:
                yield {"event": name, "data": _json(data)}

    return EventSourceResponse(stream(), ping=15, headers={"Cache-Control": "no-store"})


def _json(data: dict[str, Any]) -> str:
    import json

    return json.dumps(data, separators=(",", ":"))


SITE = "/api/v1/sites/{site}"
DECISION = "/api/v1/moderation/comments/{comment_id}"
ENDPOINTS = [
    Endpoint("GET", SITE + "/moderation/queue", queue, "A moderation queue", "moderation",
             query=QueueQueryParams, auth="moderator", errors=(403, 404, 422)),
    Endpoint("POST", DECISION + "/decision", decide, "Decide on a comment", "moderation",
             body=DecisionBody, auth="moderator", errors=(403, 404, 409, 422)),
    Endpoint("POST", DECISION + "/claim", claim, "Claim an item for review", "moderation",
             auth="moderator", errors=(403, 404, 409)),
    Endpoint("POST", DECISION + "/feature", feature, "Feature a comment", "moderation",
             auth="moderator", errors=(403, 404, 409)),
    Endpoint("POST", DECISION + "/unfeature", unfeature, "Unfeature a comment", "moderation",
             auth="moderator", errors=(403, 404)),
    Endpoint("POST", SITE + "/moderation/bulk", bulk, "Decide on many comments", "moderation",
             body=BulkBody, auth="moderator", errors=(403, 404, 422)),
    Endpoint("GET", SITE + "/bans", list_bans, "Bans and suspensions", "moderation",
             auth="moderator", errors=(403, 404)),
    Endpoint("POST", SITE + "/bans", add_ban, "Ban a user", "moderation", body=BanBody, ok=201,
             auth="moderator", errors=(403, 404, 422)),
    Endpoint("DELETE", SITE + "/bans/{user_id}", lift_ban, "Lift a ban", "moderation", ok=204,
             auth="moderator", errors=(403, 404)),
    Endpoint("POST", SITE + "/threads/close", close_thread, "Close a thread", "moderation",
             body=ThreadBody, auth="moderator", errors=(403, 404, 422)),
    Endpoint("POST", SITE + "/threads/open", open_thread, "Open a thread", "moderation",
             body=ThreadBody, auth="moderator", errors=(403, 404, 422)),
    Endpoint("POST", SITE + "/threads/options", thread_options, "Per-thread moderation",
             "moderation", body=ThreadOptionsBody, auth="moderator", errors=(403, 404, 422)),
    Endpoint("GET", SITE + "/moderation/log", audit_log, "The audit log", "moderation",
             query=LogQuery, auth="moderator", errors=(403, 404, 422)),
    Endpoint("GET", SITE + "/settings", get_settings, "The site's policy", "moderation",
             auth="moderator", errors=(403, 404)),
    # Three word lists of 10,000 entries fit in the larger body.
    Endpoint("PUT", SITE + "/settings", put_settings, "Change the site's policy", "moderation",
             body=SettingsBody, auth="moderator", errors=(403, 404, 422),
             max_body=4 * 1024 * 1024),
    Endpoint("GET", SITE + "/roles", list_roles, "Roles on the site", "moderation",
             auth="moderator", errors=(403, 404)),
    Endpoint("PUT", SITE + "/roles/{user_id}", put_roles, "Set a user's roles", "moderation",
             body=RolesBody, auth="moderator", errors=(403, 404, 409, 422)),
    Endpoint("POST", SITE + "/moderation/check", check, "Test a text against the filters",
             "moderation", body=CheckBody, auth="moderator", errors=(403, 404, 422)),
]  # fmt: skip

STREAMS = [
    Endpoint("GET", SITE + "/moderation/events", events, "Live queue events (SSE)", "moderation",
             auth="moderator", errors=(403, 404)),
]  # fmt: skip

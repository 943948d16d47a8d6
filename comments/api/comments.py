"""Reading and writing comments: the endpoints the widget calls."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from comments.http.answers import send
from comments.http.client import client_address
from comments.http.context import context_of
from comments.http.inputs import free_text
from comments.http.language import language_of, requested_language, varies_by_language
from comments.http.present import comment_json
from comments.http.routing import Endpoint
from comments.models import MAX_BODY, MAX_THREAD_KEY, MAX_TITLE, MAX_URL, Site
from comments.service import NewComment, PageQuery, Viewer
from comments.service.idempotency import HEADER as IDEMPOTENCY_HEADER
from comments.service.idempotency import checked_key

THREAD_KEY = Field(min_length=1, max_length=MAX_THREAD_KEY, description="The article's key")
# The router refuses a key no thread can have (PostgreSQL cannot even compare one
# holding NUL) with 422, as it does every identifier.
ReadKey = Annotated[str, THREAD_KEY]


class ListQuery(BaseModel):
    """Which page of which thread."""

    model_config = ConfigDict(extra="forbid")

    thread: ReadKey
    sort: Literal["oldest", "newest", "top"] = "oldest"
    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, max_length=200, description="next_cursor of the last page")
    parent: str | None = Field(None, min_length=26, max_length=26, description="List its replies")
    around: str | None = Field(
        None,
        min_length=26,
        max_length=26,
        description="A permalink's comment: the first page begins with its top-level comment",
    )


class PostBody(BaseModel):
    """A new comment or reply."""

    model_config = ConfigDict(extra="forbid")

    thread: str = THREAD_KEY
    body: str = free_text(max_length=MAX_BODY, description="Markdown source")
    parent_id: str | None = Field(None, min_length=26, max_length=26)
    thread_url: str | None = Field(None, max_length=MAX_URL)
    # A title is shown, not matched: right-to-left titles need their marks (one line).
    thread_title: str | None = free_text(None, max_length=MAX_TITLE)
    notify: StrictBool = Field(
        False, description="Tell me of replies by e-mail (needs a verified address)"
    )


class EditBody(BaseModel):
    """A comment's new text."""

    model_config = ConfigDict(extra="forbid")

    body: str = free_text(max_length=MAX_BODY)


class VoteBody(BaseModel):
    """Up, down, or withdraw."""

    model_config = ConfigDict(extra="forbid")

    value: Literal[1, -1, 0]

    @field_validator("value", mode="before")
    @classmethod
    def _integer(cls, value: object) -> object:
        """JSON `true` or `1.0` is no vote (the literal check alone would take it as 1)."""
        if type(value) is not int:
            raise ValueError("must be the integer 1, -1 or 0")
        return value


class ReportBody(BaseModel):
    """Why a comment should be looked at."""

    model_config = ConfigDict(extra="forbid")

    reason: Literal["spam", "abuse", "off_topic", "other"]
    note: str | None = free_text(None, max_length=500)


class CountsQuery(BaseModel):
    """Threads to count."""

    model_config = ConfigDict(extra="forbid")

    thread: list[ReadKey] = Field(min_length=1, max_length=100)


async def list_comments(
    request: Request, site: Site, query: ListQuery, viewer: Viewer | None
) -> Response:
    """A page of a thread, or of one comment's replies: the shared cached bytes, and for a
    logged-in reader their own `viewer` block beside them."""
    page = PageQuery(
        thread=query.thread,
        sort=query.sort,
        limit=query.limit,
        cursor=query.cursor,
        parent=query.parent,
        around=query.around,
    )
    reading = context_of(request).service.reading
    answer = await reading.answer(site, page, viewer, language_of(request.headers))
    return send(request.headers, answer)


async def post_comment(request: Request, site: Site, body: PostBody, viewer: Viewer) -> Response:
    """Post a comment or a reply; moderation decides its status."""
    context = context_of(request)
    view = await context.service.posting.post(
        site.name,
        viewer,
        NewComment(
            thread=body.thread,
            body=body.body,
            parent_id=body.parent_id,
            thread_url=body.thread_url,
            thread_title=body.thread_title,
            notify=body.notify,
        ),
        client_address(request, context.trusted_networks),
        idempotency_key=checked_key(request.headers.get(IDEMPOTENCY_HEADER)),
        language=requested_language(request.headers),
    )
    response = JSONResponse(comment_json(view, language_of(request.headers)), status_code=201)
    varies_by_language(response.headers)
    return response


async def edit_comment(
    request: Request, comment_id: str, body: EditBody, viewer: Viewer
) -> Response:
    """The author edits within the site's edit window."""
    view = await context_of(request).service.posting.edit(comment_id, viewer, body.body)
    response = JSONResponse(comment_json(view, language_of(request.headers)))
    varies_by_language(response.headers)
    return response


async def delete_comment(request: Request, comment_id: str, viewer: Viewer) -> Response:
    """The author or a moderator deletes; a comment with replies stays as a tombstone."""
    await context_of(request).service.posting.delete(comment_id, viewer)
    return Response(status_code=204)


async def vote_comment(
    request: Request, comment_id: str, body: VoteBody, viewer: Viewer
) -> Response:
    """One vote per reader; 0 withdraws it."""
    score = await context_of(request).service.posting.vote(comment_id, viewer, body.value)
    return JSONResponse({"score": score, "my_vote": body.value})


async def report_comment(
    request: Request, comment_id: str, body: ReportBody, viewer: Viewer
) -> Response:
    """Flag a comment for the moderators."""
    posting = context_of(request).service.posting
    await posting.report(comment_id, viewer, body.reason, body.note)
    return JSONResponse({"reported": True}, status_code=201)


async def count_comments(request: Request, site: Site, query: CountsQuery) -> Response:
    """Published comment counts for article lists."""
    answer = await context_of(request).service.reading.counts_answer(site, query.thread)
    return send(request.headers, answer)


ENDPOINTS = [
    Endpoint("GET", "/api/v1/sites/{site}/comments", list_comments, "List a thread", "comments",
             query=ListQuery, auth="optional", site="path", errors=(400, 404, 422)),
    Endpoint("POST", "/api/v1/sites/{site}/comments", post_comment, "Post a comment", "comments",
             body=PostBody, ok=201, auth="reader", site="path", errors=(403, 404, 422)),
    Endpoint("PATCH", "/api/v1/comments/{comment_id}", edit_comment, "Edit a comment", "comments",
             body=EditBody, auth="reader", errors=(403, 404, 422)),
    Endpoint("DELETE", "/api/v1/comments/{comment_id}", delete_comment, "Delete a comment",
             "comments", ok=204, auth="reader", errors=(403, 404)),
    Endpoint("PUT", "/api/v1/comments/{comment_id}/vote", vote_comment, "Vote on a comment",
             "comments", body=VoteBody, auth="reader", errors=(403, 404, 422)),
    Endpoint("POST", "/api/v1/comments/{comment_id}/reports", report_comment, "Report a comment",
             "comments", body=ReportBody, ok=201, auth="reader", errors=(403, 404, 409, 422)),
    Endpoint("GET", "/api/v1/sites/{site}/counts", count_comments, "Count comments per thread",
             "comments", query=CountsQuery, site="path", errors=(404, 422)),
]  # fmt: skip

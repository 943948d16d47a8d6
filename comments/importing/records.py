"""What every importer reads its source into: plain records, in the source's own order.

A reader yields `SourceThread` and `SourcePost` records as it meets them (Disqus lists
threads first and posts anywhere after, a parent sometimes after its replies), or
raises `ImportFailed` naming the element or line it could not read. It checks sizes and
shapes but decides nothing: which thread a post lands in, whether its parent exists,
what its body renders to, is the writer's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

State = Literal["approved", "pending", "spam", "deleted"]

MAX_SOURCE_ID = 200
MAX_BODY_IN = 200_000  # a body longer than this is skipped with a reason, not cut


class ImportFailed(Exception):
    """The file cannot be read; the message names where (element, line) and why."""


@dataclass(frozen=True)
class SourceAuthor:
    """Who wrote a post, as the source knows them."""

    key: str  # the source's id for the author, else their name ("" for anonymous)
    name: str
    email: str | None = None
    avatar_url: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class SourceThread:
    """An article: the source's id for it (if any), its URL and title."""

    source_id: str
    url: str
    title: str = ""
    key: str | None = None  # the thread key the source implies (Isso's uri, Remark42's url)
    closed: bool = False


@dataclass(frozen=True)
class SourcePost:
    """One comment as the source has it."""

    source_id: str
    thread_source_id: str
    author: SourceAuthor
    created_at: datetime
    body: str
    body_format: Literal["html", "markdown", "text"] = "html"
    parent_source_id: str | None = None
    state: State = "approved"
    likes: int = 0  # the score, when the source does not say who voted
    votes: dict[str, int] = field(default_factory=dict)  # author key -> +1 / -1
    pinned: bool = False
    line: int | None = None  # where in the file, for messages


Record = SourceThread | SourcePost

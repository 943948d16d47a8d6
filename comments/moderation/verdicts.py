"""What filters read (`Submission`, `Facts`) and what they answer (`Verdict`), and the codes.

`ReasonCode` is the one list of reason codes: the API publishes it in its OpenAPI
document, the dashboard filters by it, the widget shows the messages that go with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal

from comments.models import Reason, SitePolicy, Tier
from comments.moderation.words import WordHit

Action = Literal["allow", "hold", "reject", "refuse"]
SEVERITY: dict[Action, int] = {"allow": 0, "hold": 1, "reject": 2, "refuse": 3}
Refusal = Literal["banned", "thread_closed", "rate_limited"]


class ReasonCode(StrEnum):
    """Why a filter spoke; stable, published, and stored with each comment."""

    SHADOW_BANNED = "SHADOW_BANNED"
    SURGE = "SURGE"
    PREMODERATION = "PREMODERATION"
    NEW_AUTHOR = "NEW_AUTHOR"
    REPORTED = "REPORTED"
    PROFANITY = "PROFANITY"
    BANNED_WORD = "BANNED_WORD"
    SUSPECT_WORD = "SUSPECT_WORD"
    LISTED_WORD = "LISTED_WORD"
    MASKED = "MASKED"
    BLOCKED_DOMAIN = "BLOCKED_DOMAIN"
    LINK_DOMAIN = "LINK_DOMAIN"
    NEW_AUTHOR_LINKS = "NEW_AUTHOR_LINKS"
    TOO_MANY_LINKS = "TOO_MANY_LINKS"
    DUPLICATE = "DUPLICATE"
    COPY_PASTE = "COPY_PASTE"
    SHOUTING = "SHOUTING"
    REPEATED_CHARACTERS = "REPEATED_CHARACTERS"
    CLASSIFIER = "CLASSIFIER"
    CLASSIFIER_UNAVAILABLE = "CLASSIFIER_UNAVAILABLE"
    FILTER_ERROR = "FILTER_ERROR"


@dataclass(frozen=True)
class Submission:
    """The text under review and what rendering found in it."""

    body: str
    link_count: int
    is_edit: bool = False
    links: tuple[str, ...] = ()


@dataclass(frozen=True)
class Wait:
    """A rate limit or slow mode that refuses this post: how long, and what to say."""

    retry_after: int
    message: str


@dataclass(frozen=True)
class Facts:
    """Everything else a filter may know, loaded by the service before the run."""

    policy: SitePolicy
    author_id: str
    author_approved: int
    now: datetime
    trusted: bool = False
    same_text_by_author: int = 0
    same_text_by_others: int = 0
    premoderation: str | None = None
    classifier: tuple[str, str | None] | None = None
    classifier_failed: bool = False
    word_hits: tuple[WordHit, ...] = ()
    ban_message: str | None = None
    shadow_banned: bool = False
    thread_closed: bool = False
    rate_limited: Wait | None = None
    slow_mode: Wait | None = None
    surge_holds: bool = False
    hidden_by_reports: bool = False


@dataclass(frozen=True)
class Verdict:
    """One filter's partial decision: an action and why.

    `refuse` is not moderation but a refusal of the request itself (a ban, a closed
    thread, a rate limit): the run stops there and the author gets the `refusal` error.
    """

    action: Action
    code: str
    message: str
    span: tuple[int, int] | None = None
    refusal: Refusal | None = None
    retry_after: int | None = None
    tier: Tier | None = None
    params: tuple[tuple[str, str | int], ...] = ()

    def reason(self) -> Reason:
        """The stored form."""
        action: Literal["allow", "hold", "reject"] = (
            "reject" if self.action == "refuse" else self.action
        )
        return Reason(
            code=self.code,
            message=self.message,
            action=action,
            span=self.span,
            tier=self.tier,
            params=self.params,
        )

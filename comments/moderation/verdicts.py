"""What filters read (`Submission`, `Facts`) and what they answer (`Verdict`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from comments.models import Reason, SitePolicy
from comments.moderation.words import WordHit

Action = Literal["allow", "hold", "reject"]
SEVERITY: dict[Action, int] = {"allow": 0, "hold": 1, "reject": 2}


@dataclass(frozen=True)
class Submission:
    """The text under review and what rendering found in it."""

    body: str
    link_count: int
    is_edit: bool = False
    links: tuple[str, ...] = ()


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


@dataclass(frozen=True)
class Verdict:
    """One filter's partial decision: an action and why."""

    action: Action
    code: str
    message: str
    span: tuple[int, int] | None = None

    def reason(self) -> Reason:
        """The stored form."""
        return Reason(code=self.code, message=self.message, action=self.action, span=self.span)

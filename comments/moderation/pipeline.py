"""Runs the phases and folds their verdicts: the strictest wins, a failing filter holds.

A refusal (ban, closed thread, rate limit) ends the run at once: the request itself is
refused, so nothing after it matters.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from comments.models import Reason
from comments.moderation.phases import PHASES, Filter
from comments.moderation.verdicts import (
    SEVERITY,
    Action,
    Facts,
    ReasonCode,
    Submission,
    Verdict,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Decision:
    """The pipeline's answer: one action, the trail of reasons, and a refusal if any."""

    action: Action
    reasons: tuple[Reason, ...]
    refusal: Verdict | None = None

    @property
    def shadow(self) -> bool:
        """Whether the comment is shown to its author alone."""
        return any(r.code == ReasonCode.SHADOW_BANNED for r in self.reasons)

    @property
    def masked(self) -> bool:
        """Whether some words are starred out in what is published."""
        return any(r.code == ReasonCode.MASKED for r in self.reasons)


def run_pipeline(
    submission: Submission, facts: Facts, phases: Sequence[Filter] = PHASES
) -> Decision:
    """Every phase in order; an exception holds the comment rather than letting it through."""
    verdicts: list[Verdict] = []
    for phase in phases:
        try:
            verdict = phase(submission, facts)
        except Exception:
            log.exception("moderation filter %s failed; holding the comment", phase.__name__)
            verdict = Verdict(
                "hold",
                ReasonCode.FILTER_ERROR,
                "Your comment will be published after a quick review.",
            )
        if verdict is None:
            continue
        if verdict.action == "refuse":
            return Decision("refuse", (), verdict)
        verdicts.append(verdict)
    action: Action = "allow"
    for verdict in verdicts:
        if SEVERITY[verdict.action] > SEVERITY[action]:
            action = verdict.action
    return Decision(action=action, reasons=tuple(v.reason() for v in verdicts))

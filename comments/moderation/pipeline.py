"""Runs the phases and folds their verdicts: the strictest wins, a failing filter holds."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from comments.models import Reason
from comments.moderation.phases import PHASES, Filter
from comments.moderation.verdicts import SEVERITY, Action, Facts, Submission, Verdict

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Decision:
    """The pipeline's answer: one action and the trail of reasons behind it."""

    action: Action
    reasons: tuple[Reason, ...]


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
                "hold", "FILTER_ERROR", "Your comment will be published after a quick review."
            )
        if verdict is not None:
            verdicts.append(verdict)
    action: Action = "allow"
    for verdict in verdicts:
        if SEVERITY[verdict.action] > SEVERITY[action]:
            action = verdict.action
    return Decision(action=action, reasons=tuple(v.reason() for v in verdicts))

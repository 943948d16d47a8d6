"""The moderation pipeline: ordered, small, pure filters that return verdicts with reasons.

The service loads every fact a decision needs first (`Facts`), so filters do no I/O.
"""

from comments.moderation.pipeline import Decision, run_pipeline
from comments.moderation.verdicts import Facts, ReasonCode, Submission, Verdict, Wait

__all__ = [
    "Decision",
    "Facts",
    "ReasonCode",
    "Submission",
    "Verdict",
    "Wait",
    "run_pipeline",
]

"""The order filters run in, read top to bottom like the site's policy.

A filter is `(submission, facts) -> Verdict | None`; configurable ones are plain
functions reading `facts.policy`, so a policy change needs no rebuild.
"""

from __future__ import annotations

from collections.abc import Callable

from comments.moderation.verdicts import Facts, Submission, Verdict

Filter = Callable[[Submission, Facts], Verdict | None]


def too_many_links(submission: Submission, facts: Facts) -> Verdict | None:
    """More links than the site allows: a person looks first."""
    limit = facts.policy.max_links
    if submission.link_count > limit:
        return Verdict(
            "hold",
            "TOO_MANY_LINKS",
            f"Your comment has {submission.link_count} links; this site reviews comments "
            f"with more than {limit} before publishing them.",
        )
    return None


def premoderation(submission: Submission, facts: Facts) -> Verdict | None:
    """The site reviews every comment, or those of authors it does not know yet."""
    mode = facts.policy.premoderation
    if facts.trusted or mode == "off":
        return None
    if mode == "all":
        return Verdict(
            "hold", "PREMODERATION", "This site reviews every comment before publishing it."
        )
    if facts.author_approved < facts.policy.new_author_comments:
        return Verdict(
            "hold",
            "NEW_AUTHOR",
            "This site reviews the first comments of new readers before publishing them.",
        )
    return None


PHASES: tuple[Filter, ...] = (
    too_many_links,
    premoderation,
)

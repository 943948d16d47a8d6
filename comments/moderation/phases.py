"""The order filters run in, read top to bottom like the site's policy.

A filter is `(submission, facts) -> Verdict | None`; configurable ones are plain
functions reading `facts.policy`, so a policy change needs no rebuild. The service
loads every fact first (comments/service/screening.py), so no filter does I/O.

`PHASES` is what a post or an edit goes through, in order: who may write here at all
(bans, closed threads, rate limits, slow mode), then how busy the thread is (surge),
then whether the site reviews first (premoderation, reports), then the text itself
(`CONTENT_PHASES`: word lists, links, spam signals, the site's classifier). The dry run
("test this text") runs exactly `CONTENT_PHASES` minus the duplicate check.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from comments.messages import localized
from comments.models import SitePolicy
from comments.moderation.normalize import classes
from comments.moderation.roots import TIER_ORDER
from comments.moderation.verdicts import Facts, ReasonCode, Submission, Verdict, Wait
from comments.moderation.words import WordHit

Filter = Callable[[Submission, Facts], Verdict | None]


WORD_CODES = {
    "default": ReasonCode.PROFANITY,
    "banned": ReasonCode.BANNED_WORD,
    "suspect": ReasonCode.SUSPECT_WORD,
}
_RANK = {"publish": -1, "mask": 0, "hold": 1, "reject": 2}


def word_action(hit: WordHit, policy: SitePolicy) -> str:
    """What the site does with this hit: publish, mask, hold or reject.

    Built-in words go by their tier; the site's own lists by the list's action.
    """
    if hit.list_name == "default":
        tier = hit.tier or "strong"
        return {
            "mild": policy.profanity_mild,
            "strong": policy.profanity_strong,
            "slur": policy.profanity_slur,
        }[tier]
    return {"banned": policy.banned_action, "suspect": policy.suspect_action}.get(
        hit.list_name, "hold"
    )


def word_lists(submission: Submission, facts: Facts) -> Verdict | None:
    """Built-in words by tier and the site's banned and suspect words, after
    normalisation; the strictest action decides, its first match is the span shown to
    moderators (and, between equals, the worse tier)."""
    worst: tuple[int, int, WordHit] | None = None
    for hit in facts.word_hits:
        action = word_action(hit, facts.policy)
        rank = (_RANK[action], TIER_ORDER[hit.tier] if hit.tier else -1)
        if rank[0] < 0 or (worst is not None and rank <= worst[:2]):
            continue
        worst = (*rank, hit)
    if worst is None:
        return None
    hit = worst[2]
    action = word_action(hit, facts.policy)
    verdict = "allow" if action == "mask" else action
    code = (
        ReasonCode.MASKED
        if action == "mask"
        else WORD_CODES.get(hit.list_name, ReasonCode.LISTED_WORD)
    )
    said: dict[str, object] = {"code": code, "action": verdict, "message": ""}
    if hit.tier is not None:
        said["tier"] = hit.tier
    return Verdict(
        verdict,  # type: ignore[arg-type]
        code,
        localized(said, "en"),  # the wording every language's catalog says again
        hit.span,
        tier=hit.tier,
    )


def too_many_links(submission: Submission, facts: Facts) -> Verdict | None:
    """More links than the site allows: a person looks first."""
    limit = facts.policy.max_links
    if submission.link_count > limit:
        return Verdict(
            "hold",
            ReasonCode.TOO_MANY_LINKS,
            f"Your comment has {submission.link_count} links; this site reviews comments "
            f"with more than {limit} before publishing them.",
            params=(("count", submission.link_count), ("limit", limit)),
        )
    return None


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().rstrip(".")


def _within(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def _span(body: str, needle: str) -> tuple[int, int] | None:
    at = body.lower().find(needle.lower())
    return (at, at + len(needle)) if at >= 0 and needle else None


def link_rules(submission: Submission, facts: Facts) -> Verdict | None:
    """Blocked domains are refused; new authors' links and links off the allow list wait."""
    policy = facts.policy
    for url in submission.links:
        host = _host(url)
        if _within(host, policy.blocked_domains):
            return Verdict(
                "reject",
                ReasonCode.BLOCKED_DOMAIN,
                f"Links to {host} are not allowed on this site.",
                _span(submission.body, host),
                params=(("host", host),),
            )
    if not submission.links or facts.trusted:
        return None
    if policy.allowed_domains:
        for url in submission.links:
            host = _host(url)
            if not _within(host, policy.allowed_domains):
                return Verdict(
                    "hold",
                    ReasonCode.LINK_DOMAIN,
                    f"Links to {host} are checked by a moderator before publishing.",
                    _span(submission.body, host),
                    params=(("host", host),),
                )
    if facts.author_approved < policy.link_min_approved:
        return Verdict(
            "hold",
            ReasonCode.NEW_AUTHOR_LINKS,
            "Links from new readers are checked by a moderator before publishing.",
            _span(submission.body, submission.links[0]),
        )
    return None


def duplicate_text(submission: Submission, facts: Facts) -> Verdict | None:
    """The same text again from its author, or from several authors at once: spam signals."""
    if submission.is_edit or facts.policy.duplicate_window_seconds == 0:
        return None
    if facts.same_text_by_author:
        return Verdict(
            "hold",
            ReasonCode.DUPLICATE,
            "You posted this text already; a moderator will look at it.",
        )
    if facts.same_text_by_others + 1 >= facts.policy.copy_paste_authors:
        return Verdict(
            "hold",
            ReasonCode.COPY_PASTE,
            "Several readers posted this same text; a moderator will look at it.",
        )
    return None


_CAPITALS = re.compile(r"[A-Z\u0400-\u042f]")
_OTHER_CASED = re.compile(r"[\u00c0-\u024f\u0370-\u03ff\u0460-\u052f\u1e00-\u1fff\uff21-\uff3a]")


def shouting(submission: Submission, facts: Facts) -> Verdict | None:
    """Mostly capital letters (of at least 20 letters).

    A text of ASCII and Cyrillic is counted by two C-speed passes: its capitals by
    pattern, its letters on its class projection; any other text only once it has
    enough capitals to matter, letter by letter.
    """
    body, ratio = submission.body, facts.policy.shouting_ratio
    projection = classes(body)
    if projection is not None:
        upper, letters = len(_CAPITALS.findall(body)), projection.count("a")
    else:
        upper = len(_CAPITALS.findall(body))
        if _OTHER_CASED.search(body):
            upper = sum(map(str.isupper, body))
        if upper < 20 * ratio:
            return None  # too few capitals to matter, however many letters
        letters = sum(map(str.isalpha, body))
    if letters >= 20 and upper >= ratio * letters:
        return Verdict(
            "hold",
            ReasonCode.SHOUTING,
            "Your comment is mostly in capital letters; a moderator will look at it.",
        )
    return None


_DOUBLE = re.compile(r"(.)\1", re.DOTALL)


def repeated_characters(submission: Submission, facts: Facts) -> Verdict | None:
    """A long run of one character (keyboard mashing, padding).

    A run of `2k` holds two neighbours of every `k`-th character, so only a character
    doubled in that sample can make one; each is looked for with one `str.find`.
    """
    body, length = submission.body, facts.policy.max_char_run
    starts = [
        at
        for char in set(_DOUBLE.findall(body[:: length // 2]))
        if (at := body.find(char * length)) >= 0
    ]
    if not starts:
        return None
    start = min(starts)
    end = start + length
    while end < len(body) and body[end] == body[start]:
        end += 1
    return Verdict(
        "hold",
        ReasonCode.REPEATED_CHARACTERS,
        "Your comment repeats one character many times; a moderator will look at it.",
        (start, end),
    )


def external_classifier(submission: Submission, facts: Facts) -> Verdict | None:
    """The site's own classifier said so; when it could not answer, a person decides."""
    if facts.classifier_failed:
        return Verdict(
            "hold",
            ReasonCode.CLASSIFIER_UNAVAILABLE,
            "Your comment will be published after a quick review.",
        )
    if facts.classifier is None or facts.classifier[0] == "allow":
        return None
    action, reason = facts.classifier
    message = reason or "This site's checks flagged your comment for review."
    return Verdict("reject" if action == "reject" else "hold", ReasonCode.CLASSIFIER, message)


def banned(submission: Submission, facts: Facts) -> Verdict | None:
    """A visible ban refuses the request; a shadow ban publishes to its author alone."""
    if facts.ban_message is not None:
        return Verdict("refuse", "BANNED", facts.ban_message, refusal="banned")
    if facts.shadow_banned:
        return Verdict("allow", ReasonCode.SHADOW_BANNED, "Shown to its author only.")
    return None


def closed_thread(submission: Submission, facts: Facts) -> Verdict | None:
    """A thread closed by a moderator or by its age takes no new comments."""
    if facts.thread_closed and not submission.is_edit:
        return Verdict(
            "refuse",
            "THREAD_CLOSED",
            "This discussion is closed to new comments.",
            refusal="thread_closed",
        )
    return None


def _wait(wait: Wait | None, code: str) -> Verdict | None:
    return None if wait is None else Verdict(
        "refuse", code, wait.message, refusal="rate_limited", retry_after=wait.retry_after
    )  # fmt: skip


def rate_limits(submission: Submission, facts: Facts) -> Verdict | None:
    """The reader (or their address) is over the site's pace."""
    return _wait(facts.rate_limited, "RATE_LIMITED")


def slow_mode(submission: Submission, facts: Facts) -> Verdict | None:
    """The thread allows one comment per reader every so many seconds."""
    return _wait(facts.slow_mode, "SLOW_MODE")


def surge(submission: Submission, facts: Facts) -> Verdict | None:
    """A thread in surge whose site holds every comment meanwhile."""
    if facts.surge_holds and not facts.trusted:
        return Verdict(
            "hold",
            ReasonCode.SURGE,
            "This site reviews every comment while this discussion is this busy.",
        )
    return None


def premoderation(submission: Submission, facts: Facts) -> Verdict | None:
    """The site reviews every comment, or those of authors it does not know yet."""
    mode = facts.premoderation or facts.policy.premoderation
    if facts.trusted or mode == "off":
        return None
    if mode == "all":
        return Verdict(
            "hold",
            ReasonCode.PREMODERATION,
            "This site reviews every comment before publishing it.",
        )
    if facts.author_approved < facts.policy.new_author_comments:
        return Verdict(
            "hold",
            ReasonCode.NEW_AUTHOR,
            "This site reviews the first comments of new readers before publishing them.",
        )
    return None


def reported(submission: Submission, facts: Facts) -> Verdict | None:
    """An edit of a comment that reports have hidden waits for the moderator's review."""
    if submission.is_edit and facts.hidden_by_reports:
        return Verdict(
            "hold",
            ReasonCode.REPORTED,
            "Readers reported this comment; a moderator will look at your edit.",
        )
    return None


CONTENT_PHASES: tuple[Filter, ...] = (
    word_lists,
    link_rules,
    too_many_links,
    duplicate_text,
    shouting,
    repeated_characters,
    external_classifier,
)
DRY_RUN_PHASES: tuple[Filter, ...] = tuple(p for p in CONTENT_PHASES if p is not duplicate_text)
PHASES: tuple[Filter, ...] = (
    banned,
    closed_thread,
    rate_limits,
    slow_mode,
    surge,
    premoderation,
    reported,
    *CONTENT_PHASES,
)

"""Screening: the facts a post, an edit or a dry run needs, loaded once, then the phases.

One function per kind of submission builds `Facts` — one SQL statement for the thread,
the author's ban and record, duplicates and the thread's pace; the rate-limit windows
in the cache; the site's classifier; the word lists — and runs the ordered phases of
`comments.moderation.phases`, which do no I/O. The dry run goes through the very same
content phases with the facts of an established author in good standing on an open
thread, so "test this text" answers what a post would get.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime, timedelta

from comments.errors import RateLimited
from comments.models import Ban, Comment, Site, Thread
from comments.moderation import Decision, Facts, Submission, Wait, run_pipeline
from comments.moderation.phases import DRY_RUN_PHASES, PHASES
from comments.moderation.words import WordHit
from comments.render import Parsed
from comments.service.context import Deps
from comments.service.limits import RateLimits
from comments.service.reading import thread_closed
from comments.service.sessions import Viewer
from comments.storage import FactsQuery, StoredFacts

ESTABLISHED = 10**6  # approved comments of the author a dry run pretends to be


@dataclass(frozen=True)
class Surge:
    """A thread in surge after this post: until when, and whether this post started it."""

    until: datetime
    started: bool
    per_minute: int


@dataclass(frozen=True)
class Screened:
    """The decision on a submission and what the write needs from screening."""

    decision: Decision
    hits: tuple[WordHit, ...]
    stored: StoredFacts
    parsed: Parsed
    surge: Surge | None = None


@dataclass(frozen=True)
class _Content:
    parsed: Parsed
    submission: Submission
    classifier: tuple[str, str | None] | None
    classifier_failed: bool
    hits: tuple[WordHit, ...]


class Screening:
    """Loads the facts and runs the phases."""

    def __init__(self, deps: Deps, limits: RateLimits) -> None:
        self._deps = deps
        self._limits = limits

    async def post(
        self, site: Site, viewer: Viewer, key: str, body: str, address: str | None
    ) -> Screened:
        """A new comment or reply on the thread keyed `key` (which may not exist yet)."""
        policy = site.policy
        now = self._deps.clock()
        window = policy.duplicate_window_seconds
        stored = await self._deps.storage.screening_facts(
            FactsQuery(
                site=site.name,
                author_id=viewer.user.id,
                thread_key=key,
                body=body,
                duplicates_since=now - timedelta(seconds=window) if window else None,
                recent_since=now - timedelta(minutes=1) if policy.surge_per_minute else None,
            )
        )
        trusted = _trusted(viewer)
        ban_message, shadow = self._ban(stored, now)
        closed = thread_closed(stored.thread, site, self._deps)
        surge = None if trusted else self._surge(site, stored, now)
        rate = slow = None
        if not trusted and ban_message is None and not closed:
            rate = await _waited(self._limits.posting(site, viewer.user.id, address))
            seconds = self._slow_seconds(site, stored.thread, surge)
            if rate is None and seconds and stored.thread is not None:
                slow = await _waited(
                    self._limits.slow_mode(site, stored.thread, viewer.user.id, seconds)
                )
        content = await self._content(site, viewer.user.id, body, is_edit=False)
        facts = Facts(
            policy=policy,
            author_id=viewer.user.id,
            author_approved=stored.author_approved,
            now=now,
            trusted=trusted,
            same_text_by_author=stored.same_text_by_author,
            same_text_by_others=stored.same_text_by_others,
            premoderation=stored.thread.premoderation if stored.thread else None,
            classifier=content.classifier,
            classifier_failed=content.classifier_failed,
            word_hits=content.hits,
            ban_message=ban_message,
            shadow_banned=shadow,
            thread_closed=closed,
            rate_limited=rate,
            slow_mode=slow,
            surge_holds=surge is not None and policy.surge_action == "premoderate",
        )
        decision = run_pipeline(content.submission, facts, PHASES)
        self._count(decision)
        return Screened(decision, content.hits, stored, content.parsed, surge)

    async def edit(self, site: Site, viewer: Viewer, comment: Comment, body: str) -> Screened:
        """A new text for an existing comment: no rate limits, the thread's own switches."""
        now = self._deps.clock()
        stored = await self._deps.storage.screening_facts(
            FactsQuery(site=site.name, author_id=viewer.user.id, thread_id=comment.thread_id)
        )
        ban_message, shadow = self._ban(stored, now)
        content = await self._content(site, viewer.user.id, body, is_edit=True)
        hide = site.policy.hide_after_reports
        facts = Facts(
            policy=site.policy,
            author_id=viewer.user.id,
            author_approved=stored.author_approved,
            now=now,
            trusted=_trusted(viewer),
            premoderation=stored.thread.premoderation if stored.thread else None,
            classifier=content.classifier,
            classifier_failed=content.classifier_failed,
            word_hits=content.hits,
            ban_message=ban_message,
            shadow_banned=shadow,
            hidden_by_reports=hide > 0 and comment.report_count - comment.reviewed_reports >= hide,
        )
        decision = run_pipeline(content.submission, facts, PHASES)
        self._count(decision)
        return Screened(decision, content.hits, stored, content.parsed)

    def _count(self, decision: Decision) -> None:
        """The verdict for `/metrics`: a refusal by its code, else each reason given."""
        if decision.refusal is not None:
            self._deps.telemetry.verdict("refuse", [decision.refusal.code])
        else:
            self._deps.telemetry.verdict(decision.action, [r.code for r in decision.reasons])

    async def dry_run(self, site: Site, author_id: str, body: str) -> Decision:
        """The content phases as a post by an established author would get them."""
        content = await self._content(site, author_id, body, is_edit=False)
        facts = Facts(
            policy=site.policy,
            author_id=author_id,
            author_approved=ESTABLISHED,
            now=self._deps.clock(),
            classifier=content.classifier,
            classifier_failed=content.classifier_failed,
            word_hits=content.hits,
        )
        return run_pipeline(content.submission, facts, DRY_RUN_PHASES)

    async def _content(self, site: Site, author_id: str, body: str, *, is_edit: bool) -> _Content:
        parsed = self._deps.renderer.parse(body)
        links = parsed.links
        submission = Submission(body=body, link_count=len(links), is_edit=is_edit, links=links)
        classifier, failed = await self._classify(site, author_id, body)
        hits = tuple(await self._deps.words.find(site.policy, body))
        return _Content(parsed, submission, classifier, failed, hits)

    async def _classify(
        self, site: Site, author_id: str, body: str
    ) -> tuple[tuple[str, str | None] | None, bool]:
        """Ask the site's classifier, if it has one; (answer, failed)."""
        policy = site.policy
        if not policy.classifier_url or not policy.classifier_secret:
            return None, False
        payload = {"site": site.name, "author": author_id, "body": body}
        answer = await self._deps.classifier.ask(
            policy.classifier_url, policy.classifier_secret, payload, policy.classifier_timeout_ms
        )
        if answer is None:
            return None, True
        return (answer.action, answer.reason), False

    @staticmethod
    def _ban(stored: StoredFacts, now: datetime) -> tuple[str | None, bool]:
        """The refusal message of a visible ban, and whether a shadow ban holds."""
        ban = stored.ban
        shadow = ban is not None and ban.shadow and ban.active(now)
        return ban_message(ban, now), shadow

    @staticmethod
    def _surge(site: Site, stored: StoredFacts, now: datetime) -> Surge | None:
        """Whether this post finds (or puts) the thread in surge; a first comment never does."""
        threshold = site.policy.surge_per_minute
        thread = stored.thread
        if threshold == 0 or thread is None:
            return None
        was_on = thread.surge_until is not None and thread.surge_until > now
        per_minute = stored.recent_in_thread + 1
        if per_minute >= threshold:
            until = now + timedelta(minutes=site.policy.surge_minutes)
            return Surge(until=until, started=not was_on, per_minute=per_minute)
        if was_on and thread.surge_until is not None:
            return Surge(until=thread.surge_until, started=False, per_minute=per_minute)
        return None

    @staticmethod
    def _slow_seconds(site: Site, thread: Thread | None, surge: Surge | None) -> int | None:
        if thread is not None and thread.slow_mode_seconds:
            return thread.slow_mode_seconds
        if surge is not None and site.policy.surge_action == "slow":
            return site.policy.surge_slow_seconds
        return None


async def _waited(check: Awaitable[None]) -> Wait | None:
    """A rate-limit check's refusal as a fact for the phases, instead of an error."""
    try:
        await check
    except RateLimited as exc:
        return Wait(exc.retry_after or 1, exc.message)
    return None


def ban_message(ban: Ban | None, now: datetime) -> str | None:
    """What a reader under an active visible ban is told; None when no such ban holds."""
    if ban is None or ban.shadow or not ban.active(now):
        return None
    until = f" until {ban.until:%d %B %Y, %H:%M} UTC" if ban.until else ""
    return f"You are banned from commenting on this site{until}."


def _trusted(viewer: Viewer) -> bool:
    return bool(viewer.roles & {"moderator", "admin"})

"""Every phase of the screening list, called directly on plain facts with the time injected."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from comments.models import SitePolicy
from comments.moderation import Facts, Submission, Wait, run_pipeline
from comments.moderation.phases import (
    CONTENT_PHASES,
    DRY_RUN_PHASES,
    PHASES,
    banned,
    closed_thread,
    duplicate_text,
    external_classifier,
    link_rules,
    premoderation,
    rate_limits,
    repeated_characters,
    reported,
    shouting,
    slow_mode,
    surge,
    too_many_links,
    word_lists,
)
from comments.moderation.verdicts import ReasonCode
from comments.moderation.words import WordHit

NOW = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)


def facts(approved: int = 10, **fields: Any) -> Facts:
    policy = SitePolicy.model_validate(fields.pop("policy", {}))
    return Facts(policy=policy, author_id="dev:a", author_approved=approved, now=NOW, **fields)


def text(
    body: str = "A measured view.", *, edit: bool = False, links: tuple[str, ...] = ()
) -> Submission:
    return Submission(body=body, link_count=len(links), is_edit=edit, links=links)


def test_a_visible_ban_refuses_the_post_and_a_shadow_ban_publishes_to_its_author_alone() -> None:
    refused = banned(text(), facts(ban_message="You are banned."))
    assert refused is not None and refused.action == "refuse" and refused.refusal == "banned"
    shadow = banned(text(), facts(shadow_banned=True))
    assert shadow is not None and shadow.action == "allow"
    assert shadow.code == ReasonCode.SHADOW_BANNED
    assert banned(text(), facts()) is None


def test_a_closed_thread_refuses_new_comments_but_not_edits() -> None:
    closed = closed_thread(text(), facts(thread_closed=True))
    assert closed is not None and closed.refusal == "thread_closed"
    assert closed_thread(text(edit=True), facts(thread_closed=True)) is None


def test_rate_limits_and_slow_mode_refuse_with_the_time_to_wait() -> None:
    limited = rate_limits(text(), facts(rate_limited=Wait(42, "Too fast.")))
    assert limited is not None and limited.refusal == "rate_limited"
    assert limited.retry_after == 42 and limited.message == "Too fast."
    slow = slow_mode(text(), facts(slow_mode=Wait(7, "Slow mode.")))
    assert slow is not None and slow.refusal == "rate_limited" and slow.retry_after == 7
    assert rate_limits(text(), facts()) is None and slow_mode(text(), facts()) is None


def test_surge_holds_only_when_the_site_chose_to_premoderate_a_busy_thread() -> None:
    held = surge(text(), facts(surge_holds=True))
    assert held is not None and held.action == "hold" and held.code == ReasonCode.SURGE
    assert surge(text(), facts(surge_holds=True, trusted=True)) is None
    assert surge(text(), facts()) is None


def test_premoderation_by_site_by_thread_and_for_new_authors() -> None:
    every = premoderation(text(), facts(policy={"premoderation": "all"}))
    assert every is not None and every.code == ReasonCode.PREMODERATION
    per_thread = premoderation(text(), facts(premoderation="all"))
    assert per_thread is not None and per_thread.code == ReasonCode.PREMODERATION
    newcomer = premoderation(text(), facts(approved=0, policy={"premoderation": "new"}))
    assert newcomer is not None and newcomer.code == ReasonCode.NEW_AUTHOR
    # A thread switched off overrides the site, and staff are never held.
    assert (
        premoderation(text(), facts(premoderation="off", policy={"premoderation": "all"})) is None
    )
    assert premoderation(text(), facts(trusted=True, policy={"premoderation": "all"})) is None


def test_an_edit_of_a_comment_hidden_by_reports_waits_for_review() -> None:
    held = reported(text(edit=True), facts(hidden_by_reports=True))
    assert held is not None and held.code == ReasonCode.REPORTED
    assert reported(text(), facts(hidden_by_reports=True)) is None


def test_word_lists_take_the_strictest_list_and_report_its_span() -> None:
    hits = (
        WordHit("suspect", "idiot", (2, 7)),
        WordHit("banned", "scum", (10, 14)),
    )
    verdict = word_lists(text("a idiot, scum"), facts(word_hits=hits))
    assert verdict is not None and verdict.action == "reject"
    assert verdict.code == ReasonCode.BANNED_WORD and verdict.span == (10, 14)
    masked = word_lists(
        text("a idiot"), facts(word_hits=hits[:1], policy={"suspect_action": "mask"})
    )
    assert masked is not None and masked.action == "allow" and masked.code == ReasonCode.MASKED


def test_link_rules_refuse_blocked_domains_and_hold_new_authors_links() -> None:
    blocked = link_rules(
        text("see spam.example", links=("https://spam.example/x",)),
        facts(policy={"blocked_domains": ["spam.example"]}),
    )
    assert blocked is not None and blocked.action == "reject"
    assert blocked.code == ReasonCode.BLOCKED_DOMAIN
    newcomer = link_rules(text("x", links=("https://news.example/a",)), facts(approved=0))
    assert newcomer is not None and newcomer.code == ReasonCode.NEW_AUTHOR_LINKS
    elsewhere = link_rules(
        text("x", links=("https://other.example/a",)),
        facts(policy={"allowed_domains": ["news.example"]}),
    )
    assert elsewhere is not None and elsewhere.code == ReasonCode.LINK_DOMAIN
    many = too_many_links(text("x", links=("https://a.example",) * 4), facts())
    assert many is not None and many.code == ReasonCode.TOO_MANY_LINKS


def test_spam_signals_duplicates_shouting_and_mashing() -> None:
    again = duplicate_text(text(), facts(same_text_by_author=1))
    assert again is not None and again.code == ReasonCode.DUPLICATE
    assert duplicate_text(text(edit=True), facts(same_text_by_author=1)) is None
    pasted = duplicate_text(text(), facts(same_text_by_others=2))
    assert pasted is not None and pasted.code == ReasonCode.COPY_PASTE
    loud = shouting(text("THIS IS AN OUTRAGE AND EVERYONE KNOWS IT"), facts())
    assert loud is not None and loud.code == ReasonCode.SHOUTING
    mashed = repeated_characters(text("no" + "o" * 30), facts())
    assert mashed is not None and mashed.code == ReasonCode.REPEATED_CHARACTERS


def test_the_classifier_decides_and_its_silence_holds() -> None:
    said = external_classifier(text(), facts(classifier=("reject", "Off topic.")))
    assert said is not None and said.action == "reject" and said.message == "Off topic."
    silent = external_classifier(text(), facts(classifier_failed=True))
    assert silent is not None and silent.code == ReasonCode.CLASSIFIER_UNAVAILABLE
    assert external_classifier(text(), facts(classifier=("allow", None))) is None


def test_a_refusal_stops_the_run_before_any_reason_is_kept() -> None:
    decision = run_pipeline(
        text("THIS IS AN OUTRAGE AND EVERYONE KNOWS IT"),
        facts(ban_message="You are banned.", policy={"premoderation": "all"}),
    )
    assert decision.action == "refuse" and decision.reasons == ()
    assert decision.refusal is not None and decision.refusal.refusal == "banned"


def test_the_list_reads_like_the_policy_and_the_dry_run_is_its_content_part() -> None:
    names = [phase.__name__ for phase in PHASES]
    assert names[:7] == [
        "banned",
        "closed_thread",
        "rate_limits",
        "slow_mode",
        "surge",
        "premoderation",
        "reported",
    ]
    assert PHASES[7:] == CONTENT_PHASES
    assert DRY_RUN_PHASES == tuple(p for p in CONTENT_PHASES if p is not duplicate_text)
    # A shadow ban is kept on the trail (moderators see it) without holding the comment.
    decision = run_pipeline(text(), replace(facts(), shadow_banned=True))
    assert decision.action == "allow" and decision.shadow

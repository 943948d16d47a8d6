"""The pipeline's folding rules, on plain data with the time injected."""

from __future__ import annotations

from datetime import UTC, datetime

from comments.models import SitePolicy
from comments.moderation import Facts, Submission, Verdict, run_pipeline
from comments.moderation.phases import premoderation, too_many_links

NOW = datetime(2026, 3, 14, tzinfo=UTC)


def facts(approved: int = 10, trusted: bool = False, **policy: object) -> Facts:
    return Facts(
        policy=SitePolicy.model_validate(policy),
        author_id="dev:a",
        author_approved=approved,
        now=NOW,
        trusted=trusted,
    )


def test_link_heavy_comment_is_held_with_a_reason_the_author_can_act_on() -> None:
    decision = run_pipeline(Submission("x", link_count=4), facts(max_links=3))
    assert decision.action == "hold"
    assert decision.reasons[0].code == "TOO_MANY_LINKS"
    assert "4 links" in decision.reasons[0].message


def test_new_author_is_held_only_under_new_user_premoderation() -> None:
    new = facts(approved=0, premoderation="new")
    assert run_pipeline(Submission("x", 0), new).reasons[0].code == "NEW_AUTHOR"
    known = facts(approved=3, premoderation="new", new_author_comments=3)
    assert run_pipeline(Submission("x", 0), known).action == "allow"
    assert run_pipeline(Submission("x", 0), facts(trusted=True, premoderation="all")).action == (
        "allow"
    )


def test_strictest_verdict_wins_and_every_reason_is_kept() -> None:
    def rejecting(_s: Submission, _f: Facts) -> Verdict:
        return Verdict("reject", "TEST_REJECT", "No.")

    decision = run_pipeline(
        Submission("x", 9), facts(premoderation="all"), (too_many_links, rejecting, premoderation)
    )
    assert decision.action == "reject"
    assert [r.code for r in decision.reasons] == ["TOO_MANY_LINKS", "TEST_REJECT", "PREMODERATION"]


def test_a_failing_filter_holds_the_comment_instead_of_letting_it_through() -> None:
    def broken(_s: Submission, _f: Facts) -> Verdict | None:
        raise RuntimeError("scorer down")

    decision = run_pipeline(Submission("x", 0), facts(), (broken,))
    assert decision.action == "hold"
    assert decision.reasons[0].code == "FILTER_ERROR"

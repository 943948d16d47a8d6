""" "Test this text" answers exactly what a post by an established author gets.

Fifty texts, chosen so that every content reason code fires at least once, go both
ways on two sites (one holding built-in profanity, one masking it): through the dry run
and as real posts by an author in good standing on an open thread. Every action and
every reason (code, message, span) must match.
"""

from __future__ import annotations

from typing import Any

from comments.models import SitePolicy
from comments.moderation.verdicts import ReasonCode
from comments.service import Service
from tests.harness import ARTICLE, ORIGIN, Harness
from tests.service.test_classifier import SECRET, classifier_url

__all__ = ["classifier_url"]

CONTENT_CODES = {
    ReasonCode.PROFANITY,
    ReasonCode.BANNED_WORD,
    ReasonCode.SUSPECT_WORD,
    ReasonCode.MASKED,
    ReasonCode.BLOCKED_DOMAIN,
    ReasonCode.LINK_DOMAIN,
    ReasonCode.TOO_MANY_LINKS,
    ReasonCode.SHOUTING,
    ReasonCode.REPEATED_CHARACTERS,
    ReasonCode.CLASSIFIER,
    ReasonCode.CLASSIFIER_UNAVAILABLE,
}

TEXTS = [
    "A calm and reasoned reply about the treaty.",
    "What a load of shit this article is.",
    "Fuck the sanctions, honestly.",
    "The minister is a bastard, plain and simple.",
    "You utter tosser.",
    "This is grift, nothing more.",
    "Such grift from the ministry.",
    "He called it a sham on television.",
    "A sham vote and a sham union.",
    "Nobody believes the sham any more.",
    "Read https://spam.example/offer for the truth.",
    "Try http://www.spam.example now.",
    "Sources: https://news.example/a and https://news.example/b",
    "See https://elsewhere.example/report for numbers.",
    "Also https://blog.example/post on this.",
    "Links https://news.example/1 https://news.example/2 https://news.example/3 "
    "https://news.example/4 are all ours.",
    "WHY DOES NOBODY ASK THE OBVIOUS QUESTION HERE",
    "THIS IS OUTRAGEOUS AND EVERYONE SHOULD SAY SO",
    "Nooooooooooooooooooooooooooooo way.",
    "Well!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
    "Buy spam pills today.",
    "A borderline joke about the border.",
    "Something broken in the model.",
    "Another spam message for the model.",
    "A borderline case, again.",
    "Это спокойный комментарий о договоре.",
    "Гэта спакойны каментар пра саюз.",
    "Це спокійний коментар про союз.",
    "Mixed: shit and a link https://elsewhere.example/x",
    "grift with https://spam.example/y attached",
    "sham and SHAMELESS but calm otherwise.",
    "Emoji 👍🏽 and a zero\u200dwidth joiner are fine.",
    "A right-to-left mark \u200f is just text here.",
    "Quotes > like this are markdown.",
    "**Bold** claims need _evidence_.",
    "Lists:\n- one\n- two\n- three",
    "`code` spans and\n\n```\nblocks\n```",
    "Shite weather in Minsk today.",
    "What the f*ck is going on?",
    "Holy sh1t, that is news.",
    "a s s h o l e behaviour from the cabinet.",
    "Grift, grift and more grift.",
    "Perfectly ordinary sentence number one.",
    "Perfectly ordinary sentence number two.",
    "The shambles at the summit continued.",
    "Assessing the assassination attempt coverage.",
    "Scunthorpe united won again.",
    "A link to https://news.example/ok alone.",
    "SOME CAPITALS here but mostly not, so fine overall.",
    "Ending on a long dash ————————————————————————",
]


def _policy(profanity: str, classifier: str) -> SitePolicy:
    return SitePolicy(
        profanity_action=profanity,  # type: ignore[arg-type]
        banned_words=("grift",),
        suspect_words=("sham",),
        blocked_domains=("spam.example",),
        allowed_domains=("news.example",),
        max_links=3,
        classifier_url=classifier,
        classifier_secret=SECRET,
        classifier_timeout_ms=1000,
        rate_per_minute=0,
        rate_per_hour=0,
        ip_rate_per_hour=0,
        surge_per_minute=0,
        duplicate_window_seconds=0,
    )


def _trail(reasons: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(r["code"], r["message"], tuple(r["span"]) if r.get("span") else None) for r in reasons]


STATUS = {"approved": "allow", "pending": "hold", "rejected": "reject"}


def test_the_dry_run_and_a_real_post_give_every_text_the_same_reasons(
    harness: Harness, classifier_url: str
) -> None:
    author = harness.token("dev:regular")
    for n in range(3):  # an author in good standing: published comments behind them
        assert harness.post(author, f"My earlier comment {n}.").json()["status"] == "approved"
    mod = harness.moderator()
    seen: set[str] = set()
    for site, profanity in (("news", "hold"), ("masks", "mask")):
        if site != "news":
            harness.run(lambda s: s.sites.create("masks", [ORIGIN]))
            harness.run(lambda s: s.sites.grant("masks", "dev:mod", "moderator"))
            author = harness.token("dev:regular", site="masks")
            mod = harness.moderator(site="masks")
            for n in range(3):
                posted = harness.client.post(
                    "/api/v1/sites/masks/comments",
                    json={"thread": "t", "body": f"Earlier {n}.", "thread_url": ARTICLE},
                    headers=harness.auth(author),
                )
                assert posted.json()["status"] == "approved"
        policy = _policy(profanity, classifier_url)

        async def configure(s: Service, site: str = site, policy: SitePolicy = policy) -> Any:
            return await s.sites.update(site, policy=policy)

        harness.run(configure)
        for body in TEXTS:
            dry = harness.client.post(
                f"/api/v1/sites/{site}/moderation/check",
                json={"body": body},
                headers=harness.auth(mod),
            )
            assert dry.status_code == 200, dry.text
            posted = harness.client.post(
                f"/api/v1/sites/{site}/comments",
                json={"thread": "t", "body": body, "thread_url": ARTICLE},
                headers=harness.auth(author),
            )
            assert posted.status_code == 201, posted.text

            async def load(s: Service, comment_id: str = posted.json()["id"]) -> Any:
                return await s.deps.storage.get_comment(comment_id)

            stored = harness.run(load)
            assert stored is not None
            reasons = [dict(r) for r in stored.reasons]
            assert STATUS[stored.status] == dry.json()["action"], body
            assert _trail(reasons) == _trail(dry.json()["reasons"]), body
            seen |= {r["code"] for r in reasons}
    assert CONTENT_CODES <= seen, CONTENT_CODES - seen

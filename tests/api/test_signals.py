"""Link rules and spam signals, through the API, each with the reason its author sees."""

from __future__ import annotations

from typing import Any

from comments.models import SitePolicy
from tests.harness import Harness


def policy(h: Harness, **fields: Any) -> None:
    h.run(lambda s: s.sites.update("news", policy=SitePolicy.model_validate(fields)))


def first_reason(response: Any) -> tuple[str, str]:
    data = response.json()
    return data["status"], data["moderation"]["reasons"][0]["code"]


def test_links_from_a_new_author_wait_and_from_a_known_one_pass(harness: Harness) -> None:
    policy(harness, link_min_approved=1)
    token = harness.token("dev:newcomer")
    assert first_reason(harness.post(token, "See https://example.org/a")) == (
        "pending",
        "NEW_AUTHOR_LINKS",
    )
    assert harness.post(token, "No links this time.").json()["status"] == "approved"
    assert harness.post(token, "See https://example.org/b").json()["status"] == "approved"


def test_blocked_domains_are_refused_and_allow_lists_hold_the_rest(harness: Harness) -> None:
    policy(
        harness,
        link_min_approved=0,
        blocked_domains=["spam.example"],
        allowed_domains=["news.example"],
    )
    token = harness.token()
    assert first_reason(harness.post(token, "Cheap: https://shop.spam.example/x")) == (
        "rejected",
        "BLOCKED_DOMAIN",
    )
    assert first_reason(harness.post(token, "Read https://elsewhere.example/y")) == (
        "pending",
        "LINK_DOMAIN",
    )
    assert harness.post(token, "Read https://www.news.example/z").json()["status"] == "approved"


def test_the_same_text_again_is_held(harness: Harness) -> None:
    token = harness.token()
    assert harness.post(token, "Vote for the union!").json()["status"] == "approved"
    assert first_reason(harness.post(token, "vote  for the UNION!")) == ("pending", "DUPLICATE")


def test_the_same_text_from_many_authors_is_held(harness: Harness) -> None:
    policy(harness, copy_paste_authors=3)
    for n in range(2):
        assert (
            harness.post(harness.token(f"dev:b{n}"), "Talking point 7").json()["status"]
            == "approved"
        )
    assert first_reason(harness.post(harness.token("dev:b2"), "Talking point 7")) == (
        "pending",
        "COPY_PASTE",
    )


def test_shouting_and_keyboard_mashing_are_held(harness: Harness) -> None:
    token = harness.token()
    assert first_reason(harness.post(token, "THIS IS AN OUTRAGE AND EVERYONE KNOWS IT")) == (
        "pending",
        "SHOUTING",
    )
    assert first_reason(harness.post(token, "Wow" + "!" * 30)) == ("pending", "REPEATED_CHARACTERS")
    assert harness.post(token, "NATO and the EU met in Minsk.").json()["status"] == "approved"

"""Profanity and the site's own word lists, through the API: hold, reject, mask, allow."""

from __future__ import annotations

from typing import Any

from comments.models import SitePolicy
from tests.harness import Harness

SETTINGS = "/api/v1/sites/news/settings"


def policy(h: Harness, **fields: Any) -> None:
    base = {"rate_per_minute": 0}
    h.run(lambda s: s.sites.update("news", policy=SitePolicy.model_validate(base | fields)))


def test_profanity_is_held_with_a_reason_the_author_can_act_on(harness: Harness) -> None:
    policy(harness)
    token = harness.token()
    for text in (
        "What a load of shit.",
        "What a load of s h i t.",
        "What a load of sh1t.",
        "What a load of shiiiit.",
        "What a load of sh*t.",
    ):
        posted = harness.post(token, text).json()
        assert posted["status"] == "pending", text
        assert posted["moderation"]["reasons"][0]["code"] == "PROFANITY"
    assert harness.thread()["comments"] == []


def test_traps_and_russian_text_are_published(harness: Harness) -> None:
    policy(harness)
    token = harness.token()
    for text in (
        "The Scunthorpe council met in Sussex.",
        "An assassin in a classic cocktail bar.",
        "Dick Van Dyke starred in it.",
        "Лукашенко выступил в Совете Федерации.",
        "Мінск не аддасць суверэнітэт.",
    ):
        assert harness.post(token, text).json()["status"] == "approved", text


def test_banned_words_reject_and_suspect_words_hold_with_the_span(harness: Harness) -> None:
    policy(harness, banned_words=["brigade"], suspect_words=["traitor"])
    token = harness.token()
    rejected = harness.post(token, "Join the b.r.i.g.a.d.e now").json()
    assert rejected["status"] == "rejected"
    assert rejected["moderation"]["reasons"][0] == {
        "code": "BANNED_WORD",
        "message": "Your comment contains a word this site does not allow.",
    }
    held = harness.post(token, "He is a traitor, plain and simple.").json()
    assert held["status"] == "pending"
    mod = harness.moderator()
    item = harness.client.get(
        "/api/v1/sites/news/moderation/queue", headers=harness.auth(mod)
    ).json()["items"][0]
    start, end = item["reasons"][0]["span"]
    assert item["comment"]["body"][start:end] == "traitor"


def test_masked_words_are_published_starred(harness: Harness) -> None:
    policy(harness, profanity_action="mask")
    posted = harness.post(harness.token(), "Well, shit happens.").json()
    assert posted["status"] == "approved"
    assert "shit" not in posted["html"] and "s***" in posted["html"]
    assert posted["body"] == "Well, shit happens."


def test_allowed_words_are_never_matched(harness: Harness) -> None:
    policy(harness, suspect_words=["hell"], allowed_words=["hell"])
    assert harness.post(harness.token(), "Hell of a speech.").json()["status"] == "approved"


def test_test_this_text_box_shows_verdict_and_span(harness: Harness) -> None:
    policy(harness, suspect_words=["brigade"])
    mod = harness.moderator()
    r = harness.client.post(
        "/api/v1/sites/news/moderation/check",
        json={"body": "Call the brigade!"},
        headers=harness.auth(mod),
    )
    assert r.json()["action"] == "hold"
    assert r.json()["reasons"][0]["span"] == [9, 16]
    assert r.json()["masked"] is False


def test_word_lists_have_limits(harness: Harness) -> None:
    admin = harness.moderator("dev:boss", role="admin")
    current = harness.client.get(SETTINGS, headers=harness.auth(admin)).json()["policy"]
    huge = {"policy": current | {"banned_words": [f"word{n}" for n in range(10_001)]}}
    r = harness.client.put(SETTINGS, json=huge, headers=harness.auth(admin))
    assert r.status_code == 422 and "policy.banned_words" in r.json()["error"]["fields"]
    bad = {"policy": current | {"banned_words": ["f*ck"]}}
    r = harness.client.put(SETTINGS, json=bad, headers=harness.auth(admin))
    assert r.status_code == 422
    big = {"policy": current | {"banned_words": [f"word{n}" for n in range(10_000)]}}
    assert harness.client.put(SETTINGS, json=big, headers=harness.auth(admin)).status_code == 200

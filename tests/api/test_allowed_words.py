"""Allowing a matched word from the queue: an admin says a word is fine on this site, and
from then on it is (the dry run and new posts agree), with the change in the log."""

from __future__ import annotations

from typing import Any

from comments.models import MAX_LIST_WORDS, SitePolicy
from tests.harness import Harness

ALLOW = "/api/v1/sites/news/moderation/allowed-words"
CHECK = "/api/v1/sites/news/moderation/check"


def allow(h: Harness, token: str, **body: Any) -> Any:
    return h.client.post(ALLOW, json=body, headers=h.auth(token))


def verdict(h: Harness, token: str, text: str) -> str:
    r = h.client.post(CHECK, json={"body": text}, headers=h.auth(token))
    assert r.status_code == 200, r.text
    return str(r.json()["action"])


def test_an_allowed_word_is_allowed_from_the_next_check_on(harness: Harness) -> None:
    harness.run(lambda s: s.sites.update("news", policy=SitePolicy(suspect_words=("cheap",))))
    admin = harness.moderator("dev:boss", role="admin")
    held = harness.post(harness.token("dev:alice"), "Cheap flights are back.")
    assert held.json()["status"] == "pending"
    assert verdict(harness, admin, "Cheap flights are back.") == "hold"
    r = allow(harness, admin, word="  cheap ", comment_id=held.json()["id"])
    assert r.status_code == 200, r.text
    assert r.json() == {"allowed_words": ["cheap"], "added": True}
    assert verdict(harness, admin, "Cheap flights are back.") == "allow"
    posted = harness.post(harness.token("dev:bob"), "Cheap tickets too.")
    assert posted.json()["status"] == "approved"
    settings = harness.client.get("/api/v1/sites/news/settings", headers=harness.auth(admin))
    assert settings.json()["policy"]["allowed_words"] == ["cheap"]
    entry = harness.client.get(
        "/api/v1/sites/news/moderation/log", headers=harness.auth(admin)
    ).json()["entries"][0]
    assert entry["action"] == "settings.allow_word"
    assert entry["comment_id"] == held.json()["id"] and entry["comment"]["thread"] == "union"
    assert entry["details"] == {
        "word": "cheap",
        "changes": {"allowed_words": {"added": ["cheap"], "removed": [], "from": [],
                                      "to": ["cheap"]}},
    }  # fmt: skip


def test_a_word_the_list_has_is_not_added_twice(harness: Harness) -> None:
    policy = SitePolicy(allowed_words=("Dick Van Dyke",))
    harness.run(lambda s: s.sites.update("news", policy=policy))
    admin = harness.moderator("dev:boss", role="admin")
    r = allow(harness, admin, word="dick  van dyke")
    assert r.json() == {"allowed_words": ["Dick Van Dyke"], "added": False}
    log = harness.client.get("/api/v1/sites/news/moderation/log", headers=harness.auth(admin))
    assert log.json()["entries"] == []  # nothing changed, nothing written


def test_only_admins_allow_words(harness: Harness) -> None:
    mod = harness.moderator()
    r = allow(harness, mod, word="fine")
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    reader = allow(harness, harness.token("dev:alice"), word="fine")
    assert reader.status_code == 403


def test_a_word_that_cannot_be_listed_is_refused_in_words(harness: Harness) -> None:
    admin = harness.moderator("dev:boss", role="admin")
    for word in ("   ", "x" * 65, "two\nlines", "a", "wild*card"):
        r = allow(harness, admin, word=word)
        assert r.status_code == 422, (word, r.text)
        error = r.json()["error"]
        assert set(error["fields"]) == {"word"} and error["fields"]["word"], error
    other = allow(harness, admin, word="fine", comment_id="0" * 26)
    assert other.status_code == 422 and set(other.json()["error"]["fields"]) == {"comment_id"}


def test_a_full_list_takes_no_more(quick: Harness) -> None:
    full = tuple(f"word{n}" for n in range(MAX_LIST_WORDS))
    quick.run(lambda s: s.sites.update("news", policy=SitePolicy(allowed_words=full)))
    admin = quick.moderator("dev:boss", role="admin")
    r = allow(quick, admin, word="one more")
    assert r.status_code == 422
    assert "full" in r.json()["error"]["fields"]["word"]

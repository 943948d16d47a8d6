"""Idempotency keys: a retried post or decision answers the first result and creates nothing."""

from __future__ import annotations

import threading
from typing import Any

import httpx2 as httpx

from comments.models import SitePolicy
from tests.harness import ARTICLE, Harness

POSTS = "/api/v1/sites/news/comments"


def _post(h: Harness, token: str, key: str | bytes | None, body: str = "Worth saying once.") -> Any:
    headers = h.auth(token) | ({"Idempotency-Key": key} if key is not None else {})
    payload = {"thread": "union", "body": body, "thread_url": ARTICLE}
    return h.client.post(POSTS, json=payload, headers=headers)


def _count(h: Harness) -> int:
    return int(h.thread()["thread"]["count"])


def test_a_post_retried_with_its_key_answers_the_first_comment_and_creates_nothing(
    harness: Harness,
) -> None:
    reader = harness.token()
    first = _post(harness, reader, "k-1")
    again = _post(harness, reader, "k-1")
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert _count(harness) == 1
    # Another reader's key is their own; the same text from them is a new comment.
    other = _post(harness, harness.token("dev:bob"), "k-1", "Worth saying twice.")
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]


def test_a_key_reused_for_another_text_is_refused_and_writes_nothing(harness: Harness) -> None:
    reader = harness.token()
    assert _post(harness, reader, "k-2").status_code == 201
    reused = _post(harness, reader, "k-2", "Something else entirely.")
    assert reused.status_code == 422
    assert "Idempotency-Key" in reused.json()["error"]["fields"]
    assert _count(harness) == 1


def test_a_malformed_key_is_a_clear_error(quick: Harness) -> None:
    reader = quick.token()
    for bad in ["", "x" * 65, "with space", "ключ".encode()]:
        response = _post(quick, reader, bad)
        assert response.status_code in (400, 422), bad
        assert response.json()["error"]["code"] in ("invalid", "bad_request")
    assert _count(quick) == 0


def test_racing_retries_with_one_key_create_one_comment(harness: Harness) -> None:
    harness.run(
        lambda s: s.sites.update("news", policy=SitePolicy(rate_per_minute=0, rate_per_hour=0))
    )
    reader = harness.token()
    answers: list[httpx.Response] = []
    barrier = threading.Barrier(6)

    def send() -> None:
        barrier.wait()
        answers.append(_post(harness, reader, "race"))

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["id"] for a in answers}) == 1
    assert _count(harness) == 1


def test_a_decision_retried_or_repeated_answers_its_result_not_a_conflict(
    harness: Harness,
) -> None:
    harness.run(lambda s: s.sites.update("news", policy=SitePolicy(premoderation="all")))
    held = harness.post(harness.token()).json()
    mod = harness.moderator()
    url = f"/api/v1/moderation/comments/{held['id']}/decision"
    headers = harness.auth(mod) | {"Idempotency-Key": "approve-1"}
    first = harness.client.post(url, json={"action": "approve"}, headers=headers)
    retried = harness.client.post(url, json={"action": "approve"}, headers=headers)
    assert first.status_code == retried.status_code == 200
    assert retried.json()["comment"] == {"id": held["id"], "status": "approved"}
    # The same moderator repeating the decision without a key gets it too ...
    repeated = harness.client.post(url, json={"action": "approve"}, headers=harness.auth(mod))
    assert repeated.status_code == 200 and repeated.json()["comment"]["status"] == "approved"
    # ... while a second moderator, deciding on the item as they saw it, learns who was first.
    other = harness.moderator("dev:mod2")
    late = harness.client.post(
        url, json={"action": "reject", "from_status": "pending"}, headers=harness.auth(other)
    )
    assert late.status_code == 409 and "Already approved" in late.json()["error"]["message"]
    log = harness.client.get("/api/v1/sites/news/moderation/log", headers=harness.auth(mod))
    approvals = [e for e in log.json()["entries"] if e["action"] == "approve"]
    assert len(approvals) == 1

"""Cached anonymous reads answered before routing: the same bytes and headers as the router's
answer, and nothing answered there that the router would have treated differently."""

from __future__ import annotations

import pytest

from comments.http.fastpath import count_keys, page_query
from tests.harness import Harness

PAGE = "/api/v1/sites/news/comments"


@pytest.mark.parametrize(
    "query",
    [
        b"thread=union&thread=other",  # the router would read one of them
        b"thread=union&parent=01M8RQNFQRBHDSF2G8Y171EZ89",  # replies: the router's
        b"thread=union&limit=0",
        b"thread=union&limit=101",
        b"thread=union&limit=020",
        b"thread=union&sort=random",
        b"thread=union&extra=1",
        b"thread=",
        b"sort=oldest",
    ],
)
def test_reads_it_does_not_recognise_exactly_go_to_the_router(query: bytes) -> None:
    assert page_query(query) is None


def test_a_plain_read_is_recognised_as_the_router_reads_it() -> None:
    query = page_query(b"thread=%D1%81%D0%BE%D1%8E%D0%B7&sort=top&limit=100")
    assert query is not None
    assert (query.thread, query.sort, query.limit, query.cursor) == ("союз", "top", 100, None)
    assert count_keys(b"thread=a&thread=b") == ["a", "b"]
    assert count_keys(b"thread=a&other=b") is None


def test_a_second_anonymous_read_leaves_from_the_copy_with_the_same_answer(
    quick: Harness,
) -> None:
    quick.post(quick.token(), "First!")
    reading = quick.service.reading
    first = quick.client.get(PAGE, params={"thread": "union"})  # computed by the router
    hits = reading.hits
    second = quick.client.get(PAGE, params={"thread": "union"})
    assert reading.hits == hits + 1
    assert second.content == first.content and second.json()["comments"][0]["html"]
    for header in ("etag", "cache-control", "vary", "content-encoding", "content-type"):
        assert second.headers.get(header) == first.headers.get(header), header
    assert second.headers["x-request-id"]  # still wrapped by the outer layers
    plain = quick.client.get(
        PAGE, params={"thread": "union"}, headers={"Accept-Encoding": "gzip;q=0"}
    )
    assert "content-encoding" not in plain.headers and plain.content == first.content
    raw = quick.client.get(
        PAGE,
        params={"thread": "union"},
        headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["etag"]},
    )
    assert raw.status_code == 304 and raw.content == b""


def test_a_logged_in_read_never_leaves_from_the_anonymous_copy(quick: Harness) -> None:
    token = quick.token("dev:reader")
    quick.post(quick.token("dev:author"), "Hello")
    quick.client.get(PAGE, params={"thread": "union"})
    hits = quick.service.reading.hits
    mine = quick.client.get(PAGE, params={"thread": "union"}, headers=quick.auth(token))
    assert quick.service.reading.hits == hits
    assert mine.json()["viewer"]["user_id"] == "dev:reader"
    assert mine.headers["cache-control"] == "private, no-cache"


def test_a_remembered_reader_is_answered_from_the_copy_until_they_log_out(
    sqlite_url: str, redis_clean_url: str
) -> None:
    with Harness.start(sqlite_url, redis_url=redis_clean_url) as h:
        token = h.token("dev:reader")
        posted = h.post(h.token("dev:author"), "Hello").json()
        reading = h.service.reading
        answers = []
        for _ in range(3):  # learnt, remembered with its version, then answered here
            answers.append(h.client.get(PAGE, params={"thread": "union"}, headers=h.auth(token)))
        hits = reading.hits
        answers.append(h.client.get(PAGE, params={"thread": "union"}, headers=h.auth(token)))
        assert reading.hits == hits + 1
        assert answers[-1].content == answers[-2].content
        assert answers[-1].headers["etag"] == answers[-2].headers["etag"]
        assert answers[-1].json()["viewer"]["user_id"] == "dev:reader"
        # A write in the thread: the reader's next read is the router's, with it in.
        vote = h.client.put(
            f"/api/v1/comments/{posted['id']}/vote", json={"value": 1}, headers=h.auth(token)
        )
        assert vote.status_code == 200
        after = h.client.get(PAGE, params={"thread": "union"}, headers=h.auth(token))
        assert after.json()["viewer"]["votes"] == {posted["id"]: 1}
        assert h.client.post("/auth/logout", headers=h.auth(token)).status_code in (200, 204)
        gone = h.client.get(PAGE, params={"thread": "union"}, headers=h.auth(token))
        assert gone.status_code == 401

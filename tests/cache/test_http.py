"""What caches in front of the service see: ETags, 304s, gzip, Vary, Cache-Control; counts.

Anonymous pages and counts are the same bytes for everyone, so browsers and shared caches
may keep them, but by default must ask again each time (the ETag makes asking cheap): a
write reaches their readers as soon as it reaches the instance they ask.
"""

from __future__ import annotations

import gzip
import json

import httpx2 as httpx
import pytest

from comments.service import Service
from tests.cache.across import (
    OPEN,
    OPEN_POLICY,
    STALENESS,
    Two,
    counts,
    fetch,
    within,
)
from tests.live import LiveServer
from tests.security.streaming import ORIGIN

PAGE = f"/api/v1/sites/{OPEN}/comments"
COUNTS = f"/api/v1/sites/{OPEN}/counts"


def directives(value: str) -> dict[str, str]:
    """`Cache-Control` as a dict: `public, s-maxage=5` -> {"public": "", "s-maxage": "5"}."""
    found = {}
    for part in value.split(","):
        name, _, argument = part.strip().lower().partition("=")
        if name:
            found[name] = argument
    return found


def raw(
    instance: LiveServer, path: str, params: dict[str, str], encoding: str
) -> tuple[int, httpx.Headers, bytes]:
    """A GET whose body is kept exactly as sent (not decompressed): status, headers, bytes."""
    with httpx.Client(timeout=10) as client:
        request = client.build_request(
            "GET", f"{instance.url}{path}", params=params, headers={"Accept-Encoding": encoding}
        )
        response = client.send(request, stream=True)
        try:
            return response.status_code, response.headers, b"".join(response.iter_raw())
        finally:
            response.close()


@pytest.mark.parametrize("path", [PAGE, COUNTS], ids=["page", "counts"])
def test_an_anonymous_read_has_an_etag_and_if_none_match_answers_304(two: Two, path: str) -> None:
    thread = two.thread("etag")
    _, author = two.reader()
    two.post(author, thread)
    for instance in (two.a, two.b):
        first = fetch(instance, path, params={"thread": thread})
        etag = first.headers.get("etag")
        assert first.status_code == 200 and etag, first.headers
        again = fetch(instance, path, params={"thread": thread}, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        assert again.headers.get("etag") == etag
        other = fetch(
            instance, path, params={"thread": thread}, headers={"If-None-Match": '"something-else"'}
        )
        assert other.status_code == 200 and other.content == first.content


@pytest.mark.parametrize("path", [PAGE, COUNTS], ids=["page", "counts"])
def test_a_write_changes_the_etag_on_every_instance(two: Two, path: str) -> None:
    thread = two.thread("etagwrite")
    _, author = two.reader()
    two.post(author, thread)
    before = {
        i.url: fetch(i, path, params={"thread": thread}).headers["etag"] for i in (two.a, two.b)
    }
    assert before[two.a.url] == before[two.b.url], "the instances answer different bytes"
    two.post(author, thread, on=two.a)

    def modified(instance: LiveServer) -> bool:
        answer = fetch(
            instance,
            path,
            params={"thread": thread},
            headers={"If-None-Match": before[instance.url]},
        )
        return answer.status_code == 200 and answer.headers["etag"] != before[instance.url]

    assert modified(two.a), "the instance that took the write still answers 304"
    assert within(STALENESS, lambda: modified(two.b)), f"B answers 304 for {STALENESS:.0f} s"


@pytest.mark.parametrize("path", [PAGE, COUNTS], ids=["page", "counts"])
def test_gzip_is_the_same_json_compressed(two: Two, path: str) -> None:
    thread = two.thread("gzip")
    _, author = two.reader()
    for _ in range(3):
        two.post(author, thread, "A longer comment, so that compressing it is worth it. " * 20)
    for instance in (two.a, two.b):
        plain_status, plain, body = raw(instance, path, {"thread": thread}, "identity")
        packed_status, packed, compressed = raw(instance, path, {"thread": thread}, "gzip")
        assert plain_status == packed_status == 200
        assert "content-encoding" not in plain
        assert packed.get("content-encoding") == "gzip"
        assert gzip.decompress(compressed) == body
        assert json.loads(body)
        assert packed["etag"] == plain["etag"]


def test_anonymous_answers_vary_on_encoding_and_login_and_make_shared_caches_ask(
    two: Two,
) -> None:
    thread = two.thread("headers")
    _, author = two.reader()
    two.post(author, thread)
    for path in (PAGE, COUNTS):
        answer = fetch(two.b, path, params={"thread": thread})
        vary = {v.strip().lower() for v in answer.headers.get("vary", "").split(",")}
        assert {"accept-encoding", "authorization"} <= vary, (path, answer.headers)
        control = directives(answer.headers.get("cache-control", ""))
        revalidates = "no-cache" in control or control.get("max-age") == "0"
        assert revalidates, (path, answer.headers.get("cache-control"))
        assert control.get("s-maxage", "0") == "0", (path, answer.headers.get("cache-control"))
        assert "no-store" not in control  # shared caches may keep it, to ask with its ETag


def test_a_logged_in_read_is_for_its_reader_alone(two: Two) -> None:
    thread = two.thread("private")
    _, author = two.reader()
    two.post(author, thread)
    answer = fetch(two.b, PAGE, author, params={"thread": thread})
    control = directives(answer.headers.get("cache-control", ""))
    assert "private" in control or "no-store" in control, answer.headers.get("cache-control")
    assert "public" not in control and "s-maxage" not in control


def test_a_site_may_let_a_cdn_keep_anonymous_reads_a_few_seconds(two: Two) -> None:
    async def site(s: Service) -> None:
        await s.sites.create("cdn", [ORIGIN], OPEN_POLICY.model_copy(update={"cdn_seconds": 5}))

    two.pair.run(site)
    thread = two.thread("cdn")
    _, author = two.reader("cdn")
    two.post(author, thread, site="cdn")
    answer = fetch(two.b, "/api/v1/sites/cdn/comments", params={"thread": thread})
    assert directives(answer.headers["cache-control"]).get("s-maxage") == "5"


def test_a_post_on_a_reaches_the_counts_on_b_within_the_bound(two: Two) -> None:
    thread, quiet = two.thread("count"), two.thread("quiet")
    _, author = two.reader()
    two.post(author, thread)
    assert counts(two.b, thread, quiet) == {thread: 1, quiet: 0}
    assert counts(two.a, thread, quiet) == {thread: 1, quiet: 0}
    assert counts(two.b, thread) == {thread: 1}
    two.post(author, thread, on=two.a)
    assert counts(two.a, thread, quiet) == {thread: 2, quiet: 0}
    for asked in ((thread, quiet), (thread,)):
        assert within(STALENESS, lambda: counts(two.b, *asked)[thread] == 2), (  # noqa: B023
            f"B counts {asked} stale for {STALENESS:.0f} s"
        )

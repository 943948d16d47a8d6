"""Hostile and mistaken requests get the contract's error and leave nothing written.

Every case runs on SQLite and on PostgreSQL: a database may reject what the other
stores (a NUL character, a lone surrogate), and that must still be a clean 4xx.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2 as httpx
import pytest
from sqlalchemy import select

from comments.service import Service
from comments.service.sessions import hash_token
from comments.storage.schema import comments, reports, threads, votes
from tests.harness import ARTICLE, ORIGIN, Harness

URL = "/api/v1/sites/news/comments"
UNKNOWN_ID = "01ARZ3NDEKTSV4RRFFQ69G5FAV"
VALID = {"thread": "union", "body": "A fair point.", "thread_url": ARTICLE}


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The contract's one error shape, with this status and code; answers the error."""
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"].split(";")[0].strip() == "application/json"
    assert "Traceback" not in response.text
    data = response.json()
    assert isinstance(data, dict) and set(data) == {"error"}, data
    error = data["error"]
    assert set(error) <= {"code", "message", "fields"}, error
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"].strip(), error
    if status == 422:
        assert isinstance(error.get("fields"), dict) and error["fields"], error
    return error


def assert_invalid(response: httpx.Response, field: str) -> None:
    """A 422 whose `fields` names `field`."""
    error = assert_error(response, 422, "invalid")
    assert field in {name.split(".")[0] for name in error["fields"]}, error


def stored(h: Harness) -> dict[str, list[tuple[Any, ...]]]:
    """Every thread, comment, vote and report row: what a failed request must not change."""

    async def work(s: Service) -> dict[str, list[tuple[Any, ...]]]:
        engine = s.deps.storage._engine  # type: ignore[attr-defined]
        found: dict[str, list[tuple[Any, ...]]] = {}
        async with engine.connect() as conn:
            for table in (threads, comments, votes, reports):
                rows = await conn.execute(select(table))
                found[table.name] = sorted(tuple(map(repr, row)) for row in rows)
        return found

    return h.run(work)


@pytest.fixture
def alice(harness: Harness) -> str:
    """A reader's token on site `news`."""
    return harness.token("dev:alice")


@pytest.fixture
def comment_id(harness: Harness) -> str:
    """A published comment by Bob in thread `union`."""
    posted = harness.post(harness.token("dev:bob"), "Bob's view.")
    assert posted.status_code == 201, posted.text
    comment: str = posted.json()["id"]
    return comment


# --------------------------------------------------------------------------- posting


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"body": ""}, "body"),
        ({"body": " \n\t \r\n "}, "body"),
        ({"body": "x" * 10_001}, "body"),
        ({"body": "😀" * 10_001}, "body"),
        ({"body": 5}, "body"),
        ({"body": None}, "body"),
        ({"body": ["a"]}, "body"),
        ({"thread": None}, "thread"),
        ({"thread": 7}, "thread"),
        ({"thread": ""}, "thread"),
        ({"thread": "k" * 513}, "thread"),
        ({"body": "null \x00 byte"}, "body"),
        ({"body": "escape \x1b[31m red"}, "body"),
        ({"body": "C1 \x85 control"}, "body"),
        ({"thread": "union\x00"}, "thread"),
        ({"thread": "union\x1b"}, "thread"),
        ({"thread": "union\nnext"}, "thread"),
        ({"thread_url": "https://evil.example/world/belarus-russia-union"}, "thread_url"),
        ({"thread_url": "https://news.example.evil.example/a"}, "thread_url"),
        ({"thread_url": "javascript:alert(1)"}, "thread_url"),
        ({"thread_url": "//news.example/a"}, "thread_url"),
        ({"thread_url": "https://news.example/\x00"}, "thread_url"),
        ({"thread_url": None}, "thread_url"),
        ({"thread_title": "Title\x00"}, "thread_title"),
        ({"parent_id": "garbage"}, "parent_id"),
        ({"parent_id": "Z" * 26}, "parent_id"),
        ({"parent_id": UNKNOWN_ID}, "parent_id"),
        ({"parent_id": 12}, "parent_id"),
        ({"surprise": True}, "surprise"),
    ],
    ids=lambda value: repr(value)[:40] if isinstance(value, dict) else str(value),
)
def test_invalid_comment_is_refused_naming_the_field_and_nothing_is_stored(
    harness: Harness, alice: str, change: dict[str, Any], field: str
) -> None:
    before = stored(harness)
    payload = {k: v for k, v in (VALID | change).items() if v is not None or k != "thread_url"}
    response = harness.client.post(URL, json=payload, headers=harness.auth(alice))
    assert_invalid(response, field)
    assert stored(harness) == before
    assert harness.thread()["comments"] == []


def test_comments_at_exactly_the_limits_are_accepted(harness: Harness, alice: str) -> None:
    sentence = ("Minsk moves step by step. " * 400)[:10_000]
    for thread, body in (("k" * 512, sentence), ("emoji", "😀🇧🇾" * 3333 + "😀")):
        posted = harness.post(alice, body, thread=thread)
        assert posted.status_code == 201, posted.text[:300]
        page = harness.thread(thread)
        assert page["thread"]["key"] == thread and page["thread"]["count"] == 1
        comment_id = posted.json()["id"]
        saved = harness.run(lambda s, c=comment_id: s.deps.storage.get_comment(c))
        assert saved is not None and saved.body == body


def test_reply_to_a_comment_of_another_thread_is_refused(
    harness: Harness, alice: str, comment_id: str
) -> None:
    before = stored(harness)
    response = harness.post(alice, "Wrong place", thread="other", parent_id=comment_id)
    assert_invalid(response, "parent_id")
    assert stored(harness) == before
    assert harness.thread("other")["comments"] == []


def _with_lone_surrogate(payload: dict[str, Any]) -> str:
    """JSON text whose `@` characters are the escape of a lone surrogate (json.dumps won't)."""
    return json.dumps(payload).replace("@", "\\ud800")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"body": "half @ a pair"}, "body"),
        ({"thread": "union@"}, "thread"),
        ({"thread_url": ARTICLE + "@"}, "thread_url"),
        ({"thread_title": "Title @"}, "thread_title"),
        ({"@": 1}, None),
    ],
    ids=["body", "thread", "thread_url", "thread_title", "field-name"],
)
def test_lone_surrogate_in_the_json_is_invalid_not_a_server_error(
    harness: Harness, alice: str, change: dict[str, Any], field: str | None
) -> None:
    before = stored(harness)
    response = harness.client.post(
        URL,
        content=_with_lone_surrogate(VALID | change),
        headers=harness.auth(alice) | {"content-type": "application/json"},
    )
    if field is None:
        assert_error(response, 422, "invalid")
    else:
        assert_invalid(response, field)
    assert stored(harness) == before
    assert harness.thread()["comments"] == []


# --------------------------------------------------------------------------- the body itself


def _too_big() -> bytes:
    return json.dumps(VALID | {"body": "x" * 70_000}).encode()


def _chunks(data: bytes) -> Iterator[bytes]:
    for start in range(0, len(data), 8192):
        yield data[start : start + 8192]


@pytest.mark.parametrize(
    ("content", "headers", "status", "code"),
    [
        pytest.param(b"", {}, 400, "bad_request", id="empty"),
        pytest.param(b'{"thread": "union", "body": ', {}, 400, "bad_request", id="cut-short"),
        pytest.param(b"{'thread': 'union'}", {}, 400, "bad_request", id="single-quotes"),
        pytest.param(b'{"body": NaN}', {}, 422, "invalid", id="nan"),
        pytest.param(b'{"thread": "union", "body": "\xff\xfe"}', {}, 400, "bad_request",
                     id="invalid-utf8"),
        pytest.param(b"\xef\xbb\xbf{}", {}, 400, "bad_request", id="utf8-bom"),
        pytest.param(b"[" * 30_000 + b"]" * 30_000, {}, 400, "bad_request", id="deep-nesting"),
        pytest.param(b'["thread", "body"]', {}, 422, "invalid", id="a-list"),
        pytest.param(b'"a fair point"', {}, 422, "invalid", id="a-string"),
        pytest.param(b"null", {}, 422, "invalid", id="null"),
        pytest.param(b"42", {}, 422, "invalid", id="a-number"),
        pytest.param(_too_big(), {}, 413, "too_large", id="over-64kb"),
        pytest.param(_too_big(), {"content-length": "100"}, 413, "too_large",
                     id="over-64kb-lying-length"),
        pytest.param(b"{}", {"content-length": "70000"}, 413, "too_large",
                     id="declared-over-64kb"),
        pytest.param(json.dumps(VALID).encode(), {"content-type": "text/plain"}, 400,
                     "bad_request", id="not-json-content-type"),
    ],
)  # fmt: skip
def test_unreadable_body_is_refused_and_nothing_is_stored(
    harness: Harness,
    alice: str,
    content: bytes,
    headers: dict[str, str],
    status: int,
    code: str,
) -> None:
    headers = {"content-type": "application/json"} | headers | harness.auth(alice)
    response = harness.client.post(URL, content=content, headers=headers)
    assert_error(response, status, code)
    assert harness.thread()["comments"] == []


def test_streamed_body_over_64kb_without_a_length_is_refused(harness: Harness, alice: str) -> None:
    headers = {"content-type": "application/json"} | harness.auth(alice)
    response = harness.client.post(URL, content=_chunks(_too_big()), headers=headers)
    assert_error(response, 413, "too_large")
    assert harness.thread()["comments"] == []


def test_streamed_body_under_64kb_is_accepted(harness: Harness, alice: str) -> None:
    headers = {"content-type": "application/json"} | harness.auth(alice)
    data = json.dumps(VALID | {"body": "y" * 9_000}).encode()
    response = harness.client.post(URL, content=_chunks(data), headers=headers)
    assert response.status_code == 201, response.text[:300]


# ------------------------------------------------------------------ editing, votes, reports


def _comment_call(h: Harness, method: str, comment_id: str, action: str, token: str,
                  body: Any = None) -> httpx.Response:  # fmt: skip
    path = f"/api/v1/comments/{comment_id}" + (f"/{action}" if action else "")
    kwargs: dict[str, Any] = {"headers": h.auth(token)}
    if body is not None:
        kwargs["json"] = body
    return h.client.request(method, path, **kwargs)


@pytest.mark.parametrize(
    ("method", "action", "body", "field"),
    [
        ("PATCH", "", {"body": ""}, "body"),
        ("PATCH", "", {"body": "   "}, "body"),
        ("PATCH", "", {"body": "x" * 10_001}, "body"),
        ("PATCH", "", {"body": "bell \x07"}, "body"),
        ("PATCH", "", {"body": 5}, "body"),
        ("PATCH", "", {"body": "ok", "status": "approved"}, "status"),
        ("PATCH", "", {}, "body"),
        ("PUT", "vote", {"value": "1"}, "value"),
        ("PUT", "vote", {"value": True}, "value"),
        ("PUT", "vote", {"value": False}, "value"),
        ("PUT", "vote", {"value": 2}, "value"),
        ("PUT", "vote", {"value": 1.0}, "value"),
        ("PUT", "vote", {"value": None}, "value"),
        ("PUT", "vote", {}, "value"),
        ("PUT", "vote", {"value": 1, "weight": 10}, "weight"),
        ("POST", "reports", {"reason": "boring"}, "reason"),
        ("POST", "reports", {"reason": "SPAM"}, "reason"),
        ("POST", "reports", {"reason": "spam", "note": "n" * 501}, "note"),
        ("POST", "reports", {"reason": "spam", "note": "nul \x00"}, "note"),
        ("POST", "reports", {"reason": "spam", "note": 3}, "note"),
        ("POST", "reports", {}, "reason"),
    ],
    ids=lambda value: repr(value)[:30] if isinstance(value, dict) else str(value),
)
def test_invalid_edit_vote_or_report_changes_nothing(
    harness: Harness,
    comment_id: str,
    method: str,
    action: str,
    body: dict[str, Any],
    field: str,
) -> None:
    token = harness.token("dev:bob") if method == "PATCH" else harness.token("dev:carol")
    before = stored(harness)
    assert_invalid(_comment_call(harness, method, comment_id, action, token, body), field)
    assert stored(harness) == before


@pytest.mark.parametrize(
    ("method", "action", "body"),
    [
        ("PATCH", "", {"body": "Alice rewrites Bob"}),
        ("DELETE", "", None),
    ],
    ids=["edit", "delete"],
)
def test_someone_elses_comment_cannot_be_edited_or_deleted(
    harness: Harness, alice: str, comment_id: str, method: str, action: str, body: Any
) -> None:
    before = stored(harness)
    assert_error(_comment_call(harness, method, comment_id, action, alice, body), 403, "forbidden")
    assert stored(harness) == before
    shown = harness.thread()["comments"][0]
    assert shown["html"] == "<p>Bob's view.</p>" and shown["status"] == "approved"


@pytest.mark.parametrize(
    ("action", "body"),
    [("vote", {"value": 1}), ("reports", {"reason": "spam"})],
    ids=["vote", "report"],
)
def test_own_comment_cannot_be_voted_on_or_reported(
    harness: Harness, comment_id: str, action: str, body: dict[str, Any]
) -> None:
    bob = harness.token("dev:bob")
    before = stored(harness)
    method = "PUT" if action == "vote" else "POST"
    assert_error(_comment_call(harness, method, comment_id, action, bob, body), 403, "forbidden")
    assert stored(harness) == before
    assert harness.thread()["comments"][0]["score"] == 0


@pytest.mark.parametrize(
    ("method", "action", "body"),
    [
        ("PATCH", "", {"body": "new text"}),
        ("DELETE", "", None),
        ("PUT", "vote", {"value": 1}),
        ("POST", "reports", {"reason": "spam"}),
    ],
    ids=["edit", "delete", "vote", "report"],
)
def test_unknown_comment_is_not_found(
    harness: Harness, alice: str, method: str, action: str, body: Any
) -> None:
    for target in (UNKNOWN_ID, "garbage", "Z" * 26, "%00", "%ED%A0%80", "x" * 300):
        response = _comment_call(harness, method, target, action, alice, body)
        assert_error(response, 404, "not_found")


# --------------------------------------------------------------------------- who is calling


def _logged_out(h: Harness) -> str:
    token = h.token("dev:alice")
    response = h.client.post("/auth/logout", headers=h.auth(token))
    assert response.status_code == 204, response.text
    assert response.content == b""
    return token


def _expired(h: Harness) -> str:
    token = h.token("dev:alice")
    past = datetime.now(UTC) - timedelta(seconds=1)
    h.run(lambda s: s.deps.storage.extend_session(hash_token(token), past))
    return token


def _other_site(h: Harness) -> str:
    h.run(lambda s: s.sites.create("other", ["https://other.example"]))
    return h.token("dev:alice", site="other")


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(lambda h: h.auth(_logged_out(h)), id="after-logout"),
        pytest.param(lambda h: h.auth(_expired(h)), id="expired"),
        pytest.param(lambda h: h.auth(_other_site(h)), id="for-another-site"),
        pytest.param(lambda h: h.auth("cmt_" + "A" * 43), id="unknown-token"),
        pytest.param(lambda h: h.auth("garbage"), id="garbage"),
        pytest.param(lambda h: h.auth("cmt_" + "A" * 500), id="huge"),
        pytest.param(lambda h: {"Authorization": "Bearer"}, id="bearer-without-token"),
        pytest.param(lambda h: {"Authorization": "Basic YWxpY2U6c2VjcmV0"}, id="basic"),
        pytest.param(lambda h: {}, id="none"),
    ],
)
def test_post_without_a_valid_login_is_refused(harness: Harness, authorization: Any) -> None:
    headers = authorization(harness)
    response = harness.client.post(URL, json=VALID, headers=headers)
    assert_error(response, 401, "login_required")
    assert harness.thread()["comments"] == []
    if headers:
        me = harness.client.get("/api/v1/me", params={"site": "news"}, headers=headers)
        assert_error(me, 401, "login_required")


def test_token_for_another_site_cannot_touch_this_sites_comments(
    harness: Harness, comment_id: str
) -> None:
    token = _other_site(harness)
    before = stored(harness)
    for method, action, body in (("PATCH", "", {"body": "x"}), ("DELETE", "", None),
                                 ("PUT", "vote", {"value": 1}),
                                 ("POST", "reports", {"reason": "spam"})):  # fmt: skip
        response = _comment_call(harness, method, comment_id, action, token, body)
        assert_error(response, 401, "login_required")
    assert stored(harness) == before


def test_logout_without_a_token_is_refused(harness: Harness) -> None:
    assert_error(harness.client.post("/auth/logout"), 401, "login_required")


# --------------------------------------------------------------------------- reading


@pytest.mark.parametrize(
    ("params", "status", "code", "field"),
    [
        ({"cursor": "not a cursor!"}, 400, "bad_request", None),
        ({"cursor": "eyJpIjogMX0"}, 400, "bad_request", None),
        ({"cursor": "W10"}, 400, "bad_request", None),
        ({"cursor": "c" * 201}, 422, "invalid", "cursor"),
        ({"limit": "0"}, 422, "invalid", "limit"),
        ({"limit": "101"}, 422, "invalid", "limit"),
        ({"limit": "abc"}, 422, "invalid", "limit"),
        ({"limit": "-1"}, 422, "invalid", "limit"),
        ({"sort": "best"}, 422, "invalid", "sort"),
        ({"thread": ""}, 422, "invalid", "thread"),
        ({"thread": "k" * 513}, 422, "invalid", "thread"),
        ({"parent": "short"}, 422, "invalid", "parent"),
        ({"parent": UNKNOWN_ID}, 404, "not_found", None),
    ],
    ids=lambda value: repr(value)[:30] if isinstance(value, dict) else str(value),
)
def test_bad_page_request_is_refused(
    harness: Harness,
    comment_id: str,
    params: dict[str, str],
    status: int,
    code: str,
    field: str | None,
) -> None:
    response = harness.client.get(URL, params={"thread": "union"} | params)
    error = assert_error(response, status, code)
    if field:
        assert field in error["fields"], error


def test_missing_thread_is_invalid(harness: Harness) -> None:
    assert_invalid(harness.client.get(URL), "thread")


@pytest.mark.parametrize("key", ["union\x00", "\x00", "union\x1b"])
def test_thread_key_with_control_characters_is_invalid_when_reading(
    harness: Harness, key: str
) -> None:
    assert_invalid(harness.client.get(URL, params={"thread": key}), "thread")
    counts = harness.client.get("/api/v1/sites/news/counts", params={"thread": key})
    assert_invalid(counts, "thread")


def test_counts_of_more_than_100_threads_are_refused(harness: Harness) -> None:
    params = [("thread", f"t{n}") for n in range(101)]
    assert_invalid(harness.client.get("/api/v1/sites/news/counts", params=params), "thread")
    params = params[:100]
    ok = harness.client.get("/api/v1/sites/news/counts", params=params)
    assert ok.status_code == 200 and len(ok.json()["counts"]) == 100
    assert_invalid(harness.client.get("/api/v1/sites/news/counts"), "thread")


# --------------------------------------------------------------------------- routes and sites


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/sites/nowhere/comments?thread=union",
        "/api/v1/sites/nowhere/counts?thread=union",
        "/api/v1/sites/%00/comments?thread=union",
        "/api/v1/sites/news%00/comments?thread=union",
        "/api/v1/sites/%00/counts?thread=union",
        f"/api/v1/sites/{'s' * 200}/comments?thread=union",
        f"/api/v1/sites/{'s' * 200}/counts?thread=union",
        "/api/v1/sites/%F0%9F%98%80/comments?thread=union",
        "/api/v1/sites/%ED%A0%80/comments?thread=union",
        "/auth/providers?site=nowhere",
        "/api/v1/nope",
        "/api/v1/",
        "/api/v1/sites/news",
        "/api/v1/comments",
        "/auth/nope",
    ],
)
def test_unknown_site_or_route_is_a_json_404(harness: Harness, path: str) -> None:
    assert_error(harness.client.get(path), 404, "not_found")
    assert_error(harness.client.get(path, headers={"origin": ORIGIN}), 404, "not_found")


@pytest.mark.parametrize("path", ["/auth/providers", "/auth/dev/login"])
def test_site_query_with_a_nul_is_a_json_404(harness: Harness, path: str) -> None:
    response = harness.client.get(path, params={"site": "news\x00", "origin": ORIGIN},
                                  follow_redirects=False)  # fmt: skip
    assert_error(response, 404, "not_found")


@pytest.mark.parametrize("site", ["nowhere", "%00", "s" * 200])
def test_post_to_an_unknown_site_is_a_404_and_stores_nothing(
    harness: Harness, alice: str, site: str
) -> None:
    before = stored(harness)
    response = harness.client.post(f"/api/v1/sites/{site}/comments", json=VALID,
                                   headers=harness.auth(alice))  # fmt: skip
    assert_error(response, 404, "not_found")
    assert stored(harness) == before


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", URL),
        ("DELETE", URL),
        ("GET", "/api/v1/comments/" + UNKNOWN_ID + "/vote"),
        ("POST", "/api/v1/comments/" + UNKNOWN_ID),
        ("GET", "/auth/logout"),
        ("POST", "/api/v1/sites/news/counts"),
    ],
)
def test_wrong_method_is_a_json_405(harness: Harness, method: str, path: str) -> None:
    response = harness.client.request(method, path)
    assert_error(response, 405, "method_not_allowed")
    assert response.headers.get("allow")

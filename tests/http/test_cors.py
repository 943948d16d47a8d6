"""CORS: a site's own article pages may call its API, and no other page may, never `*`
(save the origin check, which any page may read: tests/http/test_origin_check.py)."""

from __future__ import annotations

import httpx2 as httpx
import pytest

from tests.harness import ORIGIN, Harness

OTHER_ORIGIN = "https://other.example"
FOREIGN = ["https://evil.example", "http://news.example", "https://news.example:8443",
           "https://news.example.evil.example", "null"]  # fmt: skip
NEWS_COMMENTS = "/api/v1/sites/news/comments"
OTHER_COMMENTS = "/api/v1/sites/other/comments"


@pytest.fixture
def h(quick: Harness) -> Harness:
    """The app with a second site, `other`, embedded on https://other.example."""
    quick.run(lambda s: s.sites.create("other", [OTHER_ORIGIN]))
    return quick


def preflight(h: Harness, path: str, origin: str, method: str = "POST") -> httpx.Response:
    """What a browser asks before a cross-origin call with a bearer token and a JSON body."""
    headers = {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "authorization, content-type",
    }
    return h.client.options(path, headers=headers)


def listed(response: httpx.Response, header: str) -> set[str]:
    """The comma-separated values of a header, lower-cased."""
    return {part.strip().lower() for part in response.headers.get(header, "").split(",")}


def varies_on_origin(response: httpx.Response) -> bool:
    """Whether caches are told the answer depends on the Origin header."""
    return "origin" in listed(response, "vary")


def test_preflight_from_the_sites_origin_is_allowed_for_exactly_that_origin(h: Harness) -> None:
    response = preflight(h, NEWS_COMMENTS, ORIGIN)
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == ORIGIN
    methods = {"get", "post", "patch", "put", "delete"}
    assert methods <= listed(response, "access-control-allow-methods")
    assert {"authorization", "content-type"} <= listed(response, "access-control-allow-headers")
    assert "access-control-allow-credentials" not in response.headers
    assert varies_on_origin(response)


@pytest.mark.parametrize("origin", FOREIGN)
def test_preflight_from_another_origin_is_not_allowed(h: Harness, origin: str) -> None:
    response = preflight(h, NEWS_COMMENTS, origin)
    assert "access-control-allow-origin" not in response.headers
    assert "access-control-allow-methods" not in response.headers
    assert response.status_code >= 400
    assert response.json()["error"]["code"] == "forbidden"
    assert varies_on_origin(response)


def test_one_sites_origin_is_not_allowed_on_another_sites_paths(h: Harness) -> None:
    for path, origin in ((OTHER_COMMENTS, ORIGIN), (NEWS_COMMENTS, OTHER_ORIGIN)):
        response = preflight(h, path, origin)
        assert "access-control-allow-origin" not in response.headers, (path, origin)
        simple = h.client.get(path, params={"thread": "union"}, headers={"Origin": origin})
        assert simple.status_code == 200
        assert "access-control-allow-origin" not in simple.headers, (path, origin)
    providers = h.client.get("/auth/providers", params={"site": "other"},
                             headers={"Origin": ORIGIN})  # fmt: skip
    assert "access-control-allow-origin" not in providers.headers
    own = preflight(h, OTHER_COMMENTS, OTHER_ORIGIN)
    assert own.status_code == 204
    assert own.headers["access-control-allow-origin"] == OTHER_ORIGIN


def test_simple_request_from_the_sites_origin_is_readable_there(h: Harness) -> None:
    response = h.client.get(NEWS_COMMENTS, params={"thread": "union"}, headers={"Origin": ORIGIN})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert "retry-after" in listed(response, "access-control-expose-headers")
    assert varies_on_origin(response)
    counts = h.client.get("/api/v1/sites/news/counts", params={"thread": "union"},
                          headers={"Origin": ORIGIN})  # fmt: skip
    assert counts.headers["access-control-allow-origin"] == ORIGIN


def test_errors_from_the_sites_origin_are_readable_there_too(h: Harness) -> None:
    response = h.client.post(NEWS_COMMENTS, json={"thread": "union", "body": "x"},
                             headers={"Origin": ORIGIN})  # fmt: skip
    assert response.status_code == 401
    assert response.headers["access-control-allow-origin"] == ORIGIN


@pytest.mark.parametrize("origin", FOREIGN)
def test_simple_request_from_another_origin_gets_no_cors_headers(h: Harness, origin: str) -> None:
    response = h.client.get(NEWS_COMMENTS, params={"thread": "union"}, headers={"Origin": origin})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers
    assert "access-control-expose-headers" not in response.headers
    assert varies_on_origin(response)


def test_response_without_an_origin_still_varies_on_origin(h: Harness) -> None:
    response = h.client.get(NEWS_COMMENTS, params={"thread": "union"})
    assert "access-control-allow-origin" not in response.headers
    assert varies_on_origin(response)


@pytest.mark.parametrize(
    ("method", "suffix"), [("PATCH", ""), ("DELETE", ""), ("PUT", "/vote"), ("POST", "/reports")]
)
def test_routes_by_comment_id_accept_every_sites_origin(
    h: Harness, method: str, suffix: str
) -> None:
    comment_id = h.post(h.token("dev:alice"), "Hello").json()["id"]
    path = f"/api/v1/comments/{comment_id}{suffix}"
    for origin in (ORIGIN, OTHER_ORIGIN):
        response = preflight(h, path, origin, method)
        assert response.status_code == 204, origin
        assert response.headers["access-control-allow-origin"] == origin
    for origin in FOREIGN:
        assert "access-control-allow-origin" not in preflight(h, path, origin, method).headers


def test_a_site_name_no_site_can_have_allows_no_origin(h: Harness) -> None:
    for path in ("/api/v1/sites/%00/comments", "/api/v1/sites/NEWS/comments",
                 f"/api/v1/sites/{'s' * 200}/comments"):  # fmt: skip
        response = preflight(h, path, ORIGIN)
        assert "access-control-allow-origin" not in response.headers, path
        simple = h.client.get(path, params={"thread": "x"}, headers={"Origin": ORIGIN})
        assert simple.status_code == 404
        assert "access-control-allow-origin" not in simple.headers, path


def test_no_response_anywhere_allows_every_origin(h: Harness) -> None:
    token = h.token("dev:alice")
    comment_id = h.post(token, "Hello").json()["id"]
    requests = [
        ("GET", NEWS_COMMENTS + "?thread=union"),
        ("POST", NEWS_COMMENTS),
        ("GET", "/api/v1/sites/news/counts?thread=union"),
        ("GET", "/api/v1/sites/nowhere/comments?thread=union"),
        ("PATCH", f"/api/v1/comments/{comment_id}"),
        ("PUT", f"/api/v1/comments/{comment_id}/vote"),
        ("GET", "/api/v1/me?site=news"),
        ("GET", "/api/v1/openapi.json"),
        ("GET", "/api/v1/nope"),
        ("GET", "/auth/providers?site=news"),
        ("POST", "/auth/logout"),
        ("GET", "/auth/dev/login?site=news&origin=https://news.example"),
        ("GET", "/healthz"),
        ("GET", "/widget/comments.js"),
        ("GET", "/widget/nope.js"),
    ]
    for origin in (ORIGIN, OTHER_ORIGIN, *FOREIGN):
        for method, path in requests:
            for response in (
                h.client.request(method, path, headers={"Origin": origin}, follow_redirects=False),
                preflight(h, path.split("?")[0], origin, method),
            ):
                allowed = response.headers.get("access-control-allow-origin")
                assert allowed in (None, origin), (method, path, origin, allowed)
                assert allowed != "*"
                assert response.headers.get("access-control-allow-credentials") is None


def test_a_preflight_is_kept_as_long_as_chromium_keeps_one(h: Harness) -> None:
    """Two hours, Chromium's cap: a reader's next writes need no preflight round trip."""
    response = preflight(h, NEWS_COMMENTS, ORIGIN)
    assert response.headers["access-control-max-age"] == "7200"

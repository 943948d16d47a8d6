"""Attacks on the login's target origin: every way to spell an origin the site did not allow.

`GET /auth/{provider}/login?site=S&origin=O` decides where the token will be posted at
the end (`postMessage(message, O)`), so `O` must be, character for character, one of
the site's allowed origins. Site `news` allows `https://news.example` only. Each variant
below is an attacker's page (or a typo an attacker registered) asking for the token:
it answers 400 `bad_request` before anything else happens: no redirect to the
provider, no binding cookie, no login state.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.harness import ORIGIN, Harness, login_result

IDN_LOOKALIKE = "n\u0435ws.example"  # a Cyrillic "е" where the Latin "e" stands
VARIANTS = {
    # scheme
    "http-instead-of-https": "http://news.example",
    "ws-scheme": "wss://news.example",
    "javascript-scheme": "javascript:alert(1)//https://news.example",
    "data-scheme": "data:text/html,<script>alert(1)</script>",
    "file-scheme": "file:///etc/passwd",
    "scheme-relative": "//news.example",
    "no-scheme": "news.example",
    # port
    "explicit-default-port": "https://news.example:443",
    "other-port": "https://news.example:8443",
    "port-zero": "https://news.example:0",
    "port-out-of-range": "https://news.example:99999",
    # case
    "upper-case-host": "https://NEWS.example",
    "upper-case-scheme": "HTTPS://news.example",
    # trailing dot and other host spellings
    "trailing-dot": "https://news.example.",
    "subdomain-of-ours": "https://evil.news.example",
    "ours-as-subdomain": "https://news.example.evil.example",
    "suffix-without-dot": "https://evilnews.example",
    "ipv6-loopback": "https://[::1]",
    # userinfo
    "userinfo-before-ours": "https://user@news.example",
    "user-and-password": "https://user:pass@news.example",
    "ours-as-userinfo": "https://news.example@evil.example",
    "backslash-userinfo": "https://news.example\\@evil.example",
    "encoded-slash-userinfo": "https://news.example%2F@evil.example",
    # IDN
    "idn-lookalike": f"https://{IDN_LOOKALIKE}",
    "idn-lookalike-punycode": "https://" + IDN_LOOKALIKE.encode("idna").decode("ascii"),
    "fullwidth-dot": "https://news\uff0eexample",
    # path, query, fragment attached
    "trailing-slash": "https://news.example/",
    "path": "https://news.example/world",
    "query": "https://news.example?next=evil",
    "fragment": "https://news.example#evil",
    "ours-in-evil-path": "https://evil.example/https://news.example",
    "ours-in-evil-fragment": "https://evil.example#https://news.example",
    # nothing real
    "null": "null",
    "wildcard": "*",
    "leading-space": " https://news.example",
    "trailing-space": "https://news.example ",
}


def start(h: Harness, origin: str, **extra: str) -> Any:
    """The popup's first request, from a page claiming to be `origin`."""
    return h.client.get(
        "/auth/dev/login", params={"site": "news", "origin": origin} | extra, follow_redirects=False
    )


def test_the_exact_allowed_origin_starts_a_login(quick: Harness) -> None:
    """Attack: none; the control that shows the variants fail for their spelling alone."""
    r = start(quick, ORIGIN)
    assert r.status_code == 303, r.text
    assert "comments_login=" in r.headers["set-cookie"]


@pytest.mark.parametrize("origin", VARIANTS.values(), ids=VARIANTS.keys())
def test_origin_the_site_did_not_allow_is_refused_before_anything_starts(
    quick: Harness, origin: str
) -> None:
    """Attack: origin variants (scheme, port, case, trailing dot, userinfo, IDN, path, null)."""
    r = start(quick, origin)
    assert r.status_code == 400, (origin, r.status_code, r.text)
    assert r.json()["error"]["code"] == "bad_request"
    assert "location" not in r.headers
    assert "set-cookie" not in r.headers


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param("", id="empty"),
        pytest.param("https://news.example/" + "a" * 400, id="long"),
        pytest.param("https://news.example\n", id="trailing-newline"),
        pytest.param("https://news.example\r\nSet-Cookie: injected=1", id="header-injection"),
        pytest.param("https://news.\texample", id="tab-inside"),
        pytest.param("https://news.example\x00.evil.example", id="nul-inside"),
        pytest.param("https://news.example\u202e", id="bidi-override"),
    ],
)
def test_origin_that_is_no_origin_at_all_is_refused(quick: Harness, origin: str) -> None:
    """Attack: an origin emptied, stuffed, or carrying control characters (header injection)."""
    r = start(quick, origin)
    assert r.status_code in (400, 422), r.text
    assert "location" not in r.headers and "set-cookie" not in r.headers


def test_origin_allowed_on_another_site_is_refused_here(quick: Harness) -> None:
    """Attack: the origin of a site the attacker runs on the same service, for site `news`."""
    quick.run(lambda s: s.sites.create("attacker", ["https://attacker.example"]))
    r = start(quick, "https://attacker.example")
    assert r.status_code == 400 and "set-cookie" not in r.headers


def finish(h: Harness, started: Any, name: str = "Alice") -> dict[str, Any]:
    """Carry a started dev login through its authorize page; answers the login result."""
    form = h.client.get(started.headers["location"])
    assert form.status_code == 200, form.text
    fields = {k: unescape(v) for k, v in re.findall(r'name="([^"]+)" value="([^"]*)"', form.text)}
    granted = h.client.post(
        "/auth/dev/authorize", data=fields | {"name": name}, follow_redirects=False
    )
    assert granted.status_code == 303, granted.text
    callback = urlsplit(granted.headers["location"])
    return login_result(h.client.get(f"{callback.path}?{callback.query}").text)


@pytest.mark.parametrize(
    "order",
    [
        pytest.param(["https://evil.example", ORIGIN], id="evil-first"),
        pytest.param([ORIGIN, "https://evil.example"], id="ours-first"),
    ],
)
def test_origin_given_twice_never_sends_the_token_elsewhere(
    quick: Harness, order: list[str]
) -> None:
    """Attack: parameter pollution, `origin` twice, hoping the check and the use disagree."""
    query = [("site", "news"), *(("origin", o) for o in order)]
    started = quick.client.get("/auth/dev/login", params=query, follow_redirects=False)
    if started.status_code != 303:
        assert started.status_code == 400
        return
    assert finish(quick, started)["origin"] == ORIGIN


def test_origin_added_to_the_providers_answer_is_ignored(quick: Harness) -> None:
    """Attack: an `origin` (or `target`) appended to the provider's answer, to divert the token."""
    form = quick.client.get(start(quick, ORIGIN).headers["location"])
    fields = {k: unescape(v) for k, v in re.findall(r'name="([^"]+)" value="([^"]*)"', form.text)}
    granted = quick.client.post(
        "/auth/dev/authorize", data=fields | {"name": "Alice"}, follow_redirects=False
    )
    callback = urlsplit(granted.headers["location"])
    diverted = f"{callback.path}?{callback.query}&origin=https://evil.example&target=*"
    assert login_result(quick.client.get(diverted).text)["origin"] == ORIGIN

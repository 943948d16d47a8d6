"""A login started from a page the site doesn't allow says so in words the publisher can act on.

The popup shows the page's origin and what to do, instead of a generic failure; the origin
is hostile text and reaches the page only inside escaped JSON.
"""

from __future__ import annotations

from tests.harness import Harness, login_result


def test_the_popup_names_the_origin_the_site_does_not_allow(quick: Harness) -> None:
    r = quick.client.get(
        "/auth/dev/login",
        params={"site": "news", "origin": "https://elsewhere.example"},
        headers={"Accept": "text/html"},
        follow_redirects=False,
    )
    assert r.status_code == 400
    message = login_result(r.text)["error"]["message"]
    assert "https://elsewhere.example" in message
    assert "allowed origins" in message and "news" in message


def test_a_hostile_origin_is_refused_as_not_an_origin_and_never_echoed_as_markup(
    quick: Harness,
) -> None:
    hostile = 'https://x.example/"></script><script>alert(1)</script>'
    r = quick.client.get(
        "/auth/dev/login",
        params={"site": "news", "origin": hostile},
        headers={"Accept": "text/html"},
        follow_redirects=False,
    )
    assert r.status_code == 400
    assert "<script>alert(1)" not in r.text
    assert login_result(r.text)["error"]["code"] == "bad_request"

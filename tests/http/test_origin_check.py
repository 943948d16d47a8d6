"""The origin check: readable from any page, so a widget on a page its site does not
allow can tell the publisher in words, instead of failing as if offline."""

from __future__ import annotations

import pytest

from tests.harness import ORIGIN, Harness

CHECK = "/api/v1/sites/news/origin-check"


@pytest.mark.parametrize(("origin", "allowed"), [(ORIGIN, True), ("https://blog.example", False),
                                                 ("http://news.example", False)])  # fmt: skip
def test_any_page_learns_whether_its_origin_is_allowed(
    quick: Harness, origin: str, allowed: bool
) -> None:
    response = quick.client.get(CHECK, headers={"Origin": origin})
    assert response.status_code == 200
    assert response.json() == {"origin": origin, "allowed": allowed}
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
    assert "origin" in response.headers["vary"].lower()


def test_without_an_origin_it_says_so(quick: Harness) -> None:
    response = quick.client.get(CHECK)
    assert response.json() == {"origin": None, "allowed": False}


def test_an_origin_allowed_later_is_allowed_at_once(quick: Harness) -> None:
    quick.run(lambda s: s.sites.update("news", origins=[ORIGIN, "https://blog.example"]))
    response = quick.client.get(CHECK, headers={"Origin": "https://blog.example"})
    assert response.json()["allowed"] is True


def test_unknown_site_is_the_json_404_readable_anywhere(quick: Harness) -> None:
    response = quick.client.get(
        "/api/v1/sites/nosuchsite/origin-check", headers={"Origin": "https://blog.example"}
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert response.headers["access-control-allow-origin"] == "*"


def test_a_preflight_from_any_page_is_answered(quick: Harness) -> None:
    response = quick.client.options(
        CHECK,
        headers={"Origin": "https://blog.example", "Access-Control-Request-Method": "GET",
                 "Access-Control-Request-Headers": "accept-language"},
    )  # fmt: skip
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"


def test_other_reads_of_the_site_stay_closed_to_that_page(quick: Harness) -> None:
    response = quick.client.get(
        "/api/v1/sites/news/comments",
        params={"thread": "union"},
        headers={"Origin": "https://blog.example"},
    )
    assert "access-control-allow-origin" not in response.headers

"""The comment preview: what a post would publish, with nothing kept or announced."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest

from comments.models import MAX_BODY, SitePolicy
from tests.harness import Harness

PREVIEW = "/api/v1/sites/news/preview"


class Elements(HTMLParser):
    """The elements of an HTML fragment, with their attributes, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def preview(h: Harness, token: str | None, body: Any) -> Any:
    headers = h.auth(token) if token else {}
    return h.client.post(PREVIEW, json={"body": body}, headers=headers)


@pytest.mark.parametrize(
    "body",
    [
        "**Bold** and _quiet_, with a [link](https://example.org/a?b=1).",
        "> quoted\n\n- one\n- two\n\n```\ncode <b>\n```",
        "Bare links: example.com and https://news.example/x",
        "Лукашенко выступил в Совете Федерации.",
    ],
)
def test_preview_is_the_html_a_post_of_the_same_text_publishes(harness: Harness, body: str) -> None:
    token = harness.token()
    shown = preview(harness, token, body)
    assert shown.status_code == 200, shown.text
    assert shown.headers["cache-control"] == "no-store"
    posted = harness.post(token, body)
    assert posted.status_code == 201, posted.text
    assert shown.json() == {"html": posted.json()["html"]}


def test_preview_stars_out_the_words_the_site_masks_as_the_post_does(harness: Harness) -> None:
    policy = SitePolicy(profanity_strong="mask", rate_per_minute=0)
    harness.run(lambda s: s.sites.update("news", policy=policy))
    token = harness.token()
    html = preview(harness, token, "Well, shit happens.").json()["html"]
    assert "shit" not in html and "s***" in html
    assert html == harness.post(token, "Well, shit happens.").json()["html"]


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(1)</script>Hello",
        "[click](javascript:alert(1))",
        '<img src=x onerror="alert(1)"> <a href="javascript:alert(1)">x</a>',
        "[x](JaVaScRiPt:alert(1)) [y](data:text/html;base64,PHNjcmlwdD4=)",
    ],
)
def test_hostile_markup_comes_back_sanitised(harness: Harness, body: str) -> None:
    html = preview(harness, harness.token(), body).json()["html"]
    elements = Elements()
    elements.feed(html)
    assert {tag for tag, _ in elements.found} <= {"p", "a"}, html
    for _tag, attributes in elements.found:
        assert not any(name.startswith("on") or name in ("src", "style") for name in attributes)
        href = attributes.get("href")
        assert href is None or href.startswith(("http://", "https://")), html


def test_preview_stores_and_announces_nothing(harness: Harness) -> None:
    token = harness.token()
    mod = harness.moderator()
    harness.run(lambda s: s.sites.update("news", policy=SitePolicy(premoderation="all")))
    for _ in range(3):
        assert preview(harness, token, "Would this be held?").status_code == 200
    page = harness.thread()
    assert page["comments"] == [] and page["thread"]["count"] == 0
    assert harness.run(lambda s: s.deps.storage.get_thread("news", "union")) is None
    queue = harness.client.get("/api/v1/sites/news/moderation/queue", headers=harness.auth(mod))
    assert queue.json()["counts"]["pending"] == 0
    assert harness.run(lambda s: s.deps.storage.outbox_pending()) == 0
    # Nor does it count against the reader's posting rate.
    harness.run(lambda s: s.sites.update("news", policy=SitePolicy(rate_per_minute=1)))
    assert harness.post(token, "The first real post.").status_code == 201


def test_anonymous_preview_is_refused_with_login_required(harness: Harness) -> None:
    r = preview(harness, None, "Hello")
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "login_required"


def test_a_login_for_another_site_cannot_preview_here(harness: Harness) -> None:
    harness.run(lambda s: s.sites.create("other", ["https://other.example"]))
    r = preview(harness, harness.token(site="other"), "Hello")
    assert r.status_code == 401


def test_preview_keeps_the_post_bodys_limits(harness: Harness) -> None:
    token = harness.token()
    over = preview(harness, token, "x" * (MAX_BODY + 1))
    assert over.status_code == 422 and "body" in over.json()["error"]["fields"]
    at_limit = "word " * (MAX_BODY // 5)
    assert preview(harness, token, at_limit).status_code == 200
    for bad in ("", "   \n ", "nul \x00 here", 42, None):
        r = preview(harness, token, bad)
        assert r.status_code == 422, (bad, r.text)
        assert r.json()["error"]["code"] == "invalid"
    assert harness.post(token, "").status_code == 422


def test_unknown_site_is_not_found(harness: Harness) -> None:
    r = harness.client.post(
        "/api/v1/sites/nowhere/preview", json={"body": "Hi"}, headers=harness.auth(harness.token())
    )
    assert r.status_code == 404


def test_previews_are_rate_limited_per_reader(quick: Harness) -> None:
    from comments.service.limits import PREVIEWS_PER_MINUTE

    eager = quick.token("dev:eager")
    for n in range(PREVIEWS_PER_MINUTE):
        assert preview(quick, eager, f"Draft {n}").status_code == 200
    refused = preview(quick, eager, "One more draft")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert int(refused.headers["retry-after"]) >= 1
    assert preview(quick, quick.token("dev:calm"), "My first draft").status_code == 200

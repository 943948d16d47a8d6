"""The embed fragment: a thread's first page as HTML a publisher's server includes.

What a reader without JavaScript (or a search engine) sees, what the widget takes over,
and what a publisher's nginx caches: the same comments as the JSON read, hostile names
and bodies kept as text, fresh after a write, and the contract's JSON 404 for no site.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from comments.models import SitePolicy
from tests.harness import ORIGIN, Harness

EMBED = "/embed/news/union.html"


class Fragment(HTMLParser):
    """The parts of a fragment a reader sees, and the page JSON it carries."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.section: dict[str, str | None] = {}
        self.tags: list[str] = []
        self.comments: list[tuple[int, str]] = []  # (nesting depth, id), in document order
        self.authors: list[str] = []
        self.title = ""
        self.closed = ""
        self.page_json = ""
        self.links: list[str] = []
        self.scripts = 0
        self._lists: list[bool] = []  # the open <ol>s: whether each holds replies
        self._in: str | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        self.tags.append(tag)
        if tag == "section":
            self.section = found
        elif tag == "ol":
            self._lists.append("comments-embed-replies" in classes)
        elif tag == "li" and "comments-embed-comment" in classes:
            assert found["id"] == f"comment-{found['data-comment-id']}"
            self.comments.append((sum(self._lists), str(found["data-comment-id"])))
        elif tag == "a" and "comments-embed-link" in classes:
            self.links.append(str(found["href"]))
        elif tag == "script":
            self.scripts += 1
            assert found == {"type": "application/json", "data-comments-page": None}
            self._in = "json"
        for name in ("comments-embed-author", "comments-embed-title", "comments-embed-closed"):
            if name in classes:
                self._in = name

    def handle_endtag(self, tag: str) -> None:
        if tag == "ol":
            self._lists.pop()
        if tag in ("script", "span", "h2", "p"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "json":
            self.page_json += data
        elif self._in == "comments-embed-author":
            self.authors.append(data)
        elif self._in == "comments-embed-title":
            self.title += data
        elif self._in == "comments-embed-closed":
            self.closed += data

    @property
    def page(self) -> Any:
        return json.loads(self.page_json)


def fragment(h: Harness, path: str = EMBED, **params: str) -> Fragment:
    response = h.client.get(path, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return Fragment(response.text)


def ids(views: list[dict[str, Any]]) -> list[str]:
    """Every comment id of a JSON page, parents before their replies."""
    out: list[str] = []
    for view in views:
        out.append(view["id"])
        out += ids(view["replies"])
    return out


def test_fragment_is_the_first_page_the_json_read_gives(harness: Harness) -> None:
    alice, bob = harness.token("dev:alice"), harness.token("dev:bob")
    first = harness.post(alice, "The first view.").json()
    harness.post(bob, "A reply to it.", parent_id=first["id"])
    harness.post(bob, "A second view.")
    shown = fragment(harness)
    anonymous = harness.thread()
    assert shown.page == anonymous  # the widget starts from it without a request
    assert [c for _, c in shown.comments] == ids(anonymous["comments"])
    assert [depth for depth, _ in shown.comments] == [0, 1, 0]
    assert shown.title == "3 comments"
    assert shown.authors == ["alice", "bob", "bob"]
    assert shown.section["data-site"] == "news" and shown.section["data-thread"] == "union"
    assert shown.section["data-count"] == "3" and shown.section["data-sort"] == "oldest"
    assert shown.section["itemtype"] == "https://schema.org/DiscussionForumPosting"
    assert shown.links[0] == f"{anonymous['thread']['url']}#comment-{first['id']}"


def test_first_page_holds_as_many_as_the_json_page(harness: Harness) -> None:
    alice = harness.token("dev:alice")
    harness.run(
        lambda s: s.sites.update(
            "news", policy=SitePolicy(rate_per_minute=0, rate_per_hour=0, surge_per_minute=0)
        )
    )
    for n in range(22):
        assert harness.post(alice, f"Point {n}.").status_code == 201
    shown = fragment(harness, sort="newest")
    assert len(shown.comments) == 20 and shown.title == "22 comments"
    assert shown.page == harness.thread(sort="newest")
    assert shown.page["next_cursor"] is not None


def test_hostile_names_titles_and_bodies_stay_text(harness: Harness) -> None:
    name = "</script><script>alert(1)</script>\"'"
    bob = harness.token("dev:bob", name=name)
    body = "Look: </script><img src=x onerror=alert(1)> & \u2028 <!-- end"
    title = '"><script>alert(2)</script>'
    assert harness.post(bob, body, thread_title=title).status_code == 201
    raw = harness.client.get(EMBED).text
    assert raw.count("<script") == 1 and raw.count("</script>") == 1  # only the data block
    assert "<img" not in raw and "\u2028" not in raw.split("<script")[1]
    shown = Fragment(raw)
    assert shown.authors == [name]
    assert shown.page["comments"][0]["author"]["name"] == name
    assert shown.page["thread"]["title"] == title
    assert shown.scripts == 1


def test_a_new_comment_shows_in_the_fragment_after_a_post(harness: Harness) -> None:
    alice = harness.token("dev:alice")
    harness.post(alice, "Before.")
    before = harness.client.get(EMBED)
    again = harness.client.get(EMBED, headers={"If-None-Match": before.headers["etag"]})
    assert again.status_code == 304  # cached, and the same
    posted = harness.post(harness.token("dev:bob"), "After.").json()
    after = harness.client.get(EMBED, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]
    shown = Fragment(after.text)
    assert shown.comments[-1] == (0, posted["id"]) and shown.title == "2 comments"


def test_fragment_is_cached_like_the_json_pages_and_gzip_compressed(quick: Harness) -> None:
    quick.post(quick.token("dev:alice"), "Cache me.")
    page = quick.client.get("/api/v1/sites/news/comments", params={"thread": "union"})
    response = quick.client.get(EMBED, headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["cache-control"] == page.headers["cache-control"]
    assert response.headers["etag"].startswith('"')
    plain = quick.client.get(EMBED, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.text == response.text  # the client decoded the gzip'd one
    assert int(response.headers["content-length"]) < len(plain.content)


def test_unknown_thread_is_an_empty_list_and_unknown_site_the_json_404(quick: Harness) -> None:
    empty = fragment(quick, "/embed/news/nobody-wrote-here.html")
    assert empty.comments == [] and empty.title == "0 comments"
    assert empty.page["comments"] == [] and empty.page["thread"]["count"] == 0
    missing = quick.client.get("/embed/nosuchsite/union.html")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_thread_keys_with_slashes_and_spaces_have_their_fragment(quick: Harness) -> None:
    key = "world/2026/belarus russia"
    posted = quick.post(quick.token("dev:alice"), "Slashes are fine.", thread=key)
    assert posted.status_code == 201
    shown = fragment(quick, "/embed/news/world/2026/belarus%20russia.html")
    assert shown.section["data-thread"] == key
    assert [c for _, c in shown.comments] == [posted.json()["id"]]


def test_closed_thread_says_so_in_one_line(quick: Harness) -> None:
    quick.post(quick.token("dev:alice"), "Last word.")
    mod = quick.moderator()
    closed = quick.client.post(
        "/api/v1/sites/news/threads/close", json={"thread": "union"}, headers=quick.auth(mod)
    )
    assert closed.status_code == 200
    assert fragment(quick).closed == "Comments are closed on this article."
    assert fragment(quick, lang="ru").closed == "Комментарии к этой статье закрыты."


@pytest.mark.parametrize(
    ("lang", "count", "title"),
    [
        ("ru", 1, "1 комментарий"),
        ("ru", 3, "3 комментария"),
        ("uk-UA", 5, "5 коментарів"),
        ("be", 2, "2 каментарыі"),
        ("en", 1, "1 comment"),
        ("de", 2, "2 comments"),  # a language the service does not speak: English
    ],
)
def test_heading_counts_in_the_requested_language(
    quick: Harness, lang: str, count: int, title: str
) -> None:
    for n in range(count):
        quick.post(quick.token(f"dev:reader{n}"), f"View {n}.")
    shown = fragment(quick, lang=lang)
    assert shown.title == title
    assert shown.section["lang"] == ("en" if lang == "de" else lang.split("-")[0])


def test_a_date_reads_in_the_fragment_language(quick: Harness) -> None:
    quick.post(quick.token("dev:alice"), "Dated.")
    raw = quick.client.get(EMBED, params={"lang": "ru"}).text
    month = re.search(r'<time datetime="([^"]+)" itemprop="dateCreated">([^<]+)</time>', raw)
    assert month is not None
    assert re.fullmatch(r"\d{1,2} [а-я]+ \d{4}", month.group(2)), month.group(2)


def test_a_bad_sort_or_language_is_the_json_422(quick: Harness) -> None:
    for params in ({"sort": "random"}, {"lang": "<script>"}):
        response = quick.client.get(EMBED, params=params)
        assert response.status_code == 422
        assert set(response.json()["error"]["fields"]) == set(params)


def test_cors_is_the_public_reads_one(quick: Harness) -> None:
    allowed = quick.client.get(EMBED, headers={"Origin": ORIGIN})
    assert allowed.headers["access-control-allow-origin"] == ORIGIN
    other = quick.client.get(EMBED, headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in other.headers
    assert "Origin" in other.headers["vary"]


def test_demo_article_carries_the_fragment_inside_the_mount_element(sqlite_url: str) -> None:
    with Harness.start(sqlite_url, demo=True) as h:
        token = h.token("dev:alice", site="demo")
        posted = h.client.post(
            "/api/v1/sites/demo/comments",
            json={"thread": "belarus-russia-union", "body": "Seen without JavaScript.",
                  "thread_url": "http://testserver/"},
            headers=h.auth(token),
        )  # fmt: skip
        assert posted.status_code == 201, posted.text
        html = h.client.get("/").text
        mount = '<div id="comments" data-site="demo" data-thread="belarus-russia-union">'
        start = html.index(mount) + len(mount)
        assert html[start:].startswith('<section class="comments-embed"')
        inside = html[start : html.index("</section>", start)]
        assert "Seen without JavaScript." in inside and "1 comment<" in inside
        russian = h.client.get("/ru").text
        assert '<section class="comments-embed"' in russian and "0 комментариев" in russian

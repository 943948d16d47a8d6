"""Reason messages in the request's language, through HTTP: the post's answer, edits, the
reader's own comments in a logged-in read, the moderation queue and the dry run; and no
cached answer in one language ever served to a request in another."""

from __future__ import annotations

import itertools
from typing import Any

import httpx2 as httpx
import pytest

from comments.models import SitePolicy
from tests.harness import ARTICLE, Harness

PAGE = "/api/v1/sites/news/comments"
QUEUE = "/api/v1/sites/news/moderation/queue"
CHECK = "/api/v1/sites/news/moderation/check"
ENGLISH = "Your comment contains an obscenity; a moderator will look at it before publishing."
RUSSIAN = (
    "В вашем комментарии есть нецензурное слово; модератор посмотрит комментарий перед публикацией."
)
UKRAINIAN = "У вашому коментарі є нецензурне слово; модератор перегляне коментар перед публікацією."
BELARUSIAN = (
    "У вашым каментары ёсць нецэнзурнае слова; мадэратар прагледзіць каментар перад публікацыяй."
)
_texts = itertools.count(1)


def obscene() -> str:
    """A fresh text the default rules hold for an obscenity (repeats would add DUPLICATE)."""
    return f"Ну и пиздец, номер {next(_texts)}."


def post(h: Harness, token: str, body: str, language: str | None) -> httpx.Response:
    headers = h.auth(token) | ({"Accept-Language": language} if language is not None else {})
    return h.client.post(
        PAGE,
        json={"thread": "union", "body": body, "thread_url": ARTICLE},
        headers=headers,
    )


def held(response: httpx.Response, status: int = 201) -> dict[str, Any]:
    """The reason of a post the rules held (failing, with what came back, when they did not)."""
    assert response.status_code == status, response.text
    posted: dict[str, Any] = response.json()
    assert posted["status"] == "pending", f"the rules did not hold it: {posted}"
    [reason] = posted["moderation"]["reasons"]
    assert reason["code"] == "PROFANITY"
    return dict(reason)


def varies(response: httpx.Response) -> set[str]:
    return {v.strip().lower() for v in response.headers.get("vary", "").split(",")}


def read(h: Harness, token: str, language: str | None, **headers: str) -> httpx.Response:
    if language is not None:
        headers["Accept-Language"] = language
    return h.client.get(PAGE, params={"thread": "union"}, headers=h.auth(token) | headers)


def own_messages(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [
        reason["message"]
        for comment in response.json()["viewer"]["own"]
        for reason in comment["moderation"]["reasons"]
    ]


def test_a_held_comment_answers_in_russian_with_its_tier(harness: Harness) -> None:
    answer = post(harness, harness.token(), obscene(), "ru")
    assert held(answer) == {"code": "PROFANITY", "message": RUSSIAN, "tier": "strong"}
    assert "accept-language" in varies(answer)


@pytest.mark.parametrize("language", [None, "en", "en-GB", "de-DE,de;q=0.9"])
def test_english_by_default_and_when_asked(harness: Harness, language: str | None) -> None:
    reason = held(post(harness, harness.token(), "What the fuck.", language))
    assert reason == {"code": "PROFANITY", "message": ENGLISH, "tier": "strong"}


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("de;q=1, uk;q=0.8, ru;q=0.5", UKRAINIAN),
        ("en;q=0.3, be-BY;q=0.9, ru;q=0.6", BELARUSIAN),
        ("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", RUSSIAN),
        ("ru;q=0, uk;q=0, *;q=0.1", ENGLISH),
        ("en;q=0, ru;q=0.2, uk;q=0.2", RUSSIAN),
    ],
)
def test_the_q_values_pick_the_language(harness: Harness, header: str, message: str) -> None:
    assert held(post(harness, harness.token(), obscene(), header))["message"] == message


@pytest.mark.parametrize(
    "header",
    [
        "",
        "*;q=0",
        "ru;q=7",
        ";;;,,,q=",
        "klingon-tlh-x-yes-no-maybe",
        "ru-RU" + ", xx-YY;q=0.5" * 60,  # over the bound: not read
        "x" * 8000,
    ],
)
def test_junk_headers_are_english_and_never_an_error(harness: Harness, header: str) -> None:
    reason = held(post(harness, harness.token(), obscene(), header))
    assert reason["message"] == ENGLISH


def test_non_ascii_bytes_in_the_header_are_english_too(quick: Harness) -> None:
    token = quick.token()
    for raw in (b"\xd1\x80\xd1\x83", b"ru\xff;q=1", b"\x80\x81, uk;q=0.5"):
        answer = quick.client.post(
            PAGE,
            json={"thread": "union", "body": obscene(), "thread_url": ARTICLE},
            headers=[("Authorization", f"Bearer {token}"), ("Accept-Language", raw)],  # type: ignore[arg-type]
        )
        assert answer.status_code == 201, answer.text
        expected = UKRAINIAN if raw.endswith(b"uk;q=0.5") else ENGLISH
        assert answer.json()["moderation"]["reasons"][0]["message"] == expected


def test_an_edit_answers_in_the_language_it_was_asked_in(harness: Harness) -> None:
    token = harness.token()
    posted = post(harness, token, "A calm first draft.", "ru").json()
    assert posted["status"] == "approved" and posted["moderation"]["reasons"] == []
    edited = harness.client.patch(
        f"/api/v1/comments/{posted['id']}",
        json={"body": obscene()},
        headers=harness.auth(token) | {"Accept-Language": "uk-UA"},
    )
    assert held(edited, 200) == {"code": "PROFANITY", "message": UKRAINIAN, "tier": "strong"}
    assert "accept-language" in varies(edited)


def test_parameters_are_said_in_the_language_too(harness: Harness) -> None:
    harness.run(
        lambda s: s.sites.update("news", policy=SitePolicy(max_links=2, link_min_approved=0))
    )
    body = " ".join(f"https://a{i}.example/page" for i in range(4))
    answer = post(harness, harness.token(), body, "ru").json()
    assert answer["status"] == "pending"
    assert answer["moderation"]["reasons"] == [
        {
            "code": "TOO_MANY_LINKS",
            "message": "В вашем комментарии 4 ссылки; комментарии, где ссылок больше 2, этот "
            "сайт проверяет перед публикацией.",
        }
    ]


def test_the_viewer_block_answers_in_the_asked_language(harness: Harness) -> None:
    token = harness.token()
    held(post(harness, token, obscene(), None))  # stored once, in English
    assert own_messages(read(harness, token, "ru")) == [RUSSIAN]
    assert own_messages(read(harness, token, "be")) == [BELARUSIAN]
    assert own_messages(read(harness, token, None)) == [ENGLISH]
    reasons = read(harness, token, "ru").json()["viewer"]["own"][0]["moderation"]["reasons"]
    assert reasons == [{"code": "PROFANITY", "message": RUSSIAN, "tier": "strong"}]


def test_the_same_read_in_two_languages_never_serves_the_other(harness: Harness) -> None:
    token = harness.token()
    held(post(harness, token, obscene(), "ru"))
    seen: dict[str, tuple[str, str]] = {}
    for language, message in [("ru", RUSSIAN), ("en", ENGLISH), ("ru", RUSSIAN),
                              ("uk", UKRAINIAN), ("en", ENGLISH), ("ru", RUSSIAN)]:  # fmt: skip
        answer = read(harness, token, language)
        assert own_messages(answer) == [message], language
        assert {"accept-language", "authorization"} <= varies(answer)
        assert answer.headers["cache-control"] == "private, no-cache"
        etag = answer.headers["etag"]
        assert seen.setdefault(language, (etag, message)) == (etag, message)
    assert len({etag for etag, _ in seen.values()}) == 3
    # A browser revalidating with the Russian answer's tag while asking in English.
    stale = read(harness, token, "en", **{"If-None-Match": seen["ru"][0]})
    assert stale.status_code == 200 and own_messages(stale) == [ENGLISH]
    fresh = read(harness, token, "ru", **{"If-None-Match": seen["ru"][0]})
    assert fresh.status_code == 304


def test_anonymous_pages_do_not_vary_by_language(harness: Harness) -> None:
    held(post(harness, harness.token(), obscene(), "ru"))
    harness.post(harness.token("dev:other"), "A published view.")
    english = harness.client.get(PAGE, params={"thread": "union"})
    russian = harness.client.get(
        PAGE, params={"thread": "union"}, headers={"Accept-Language": "ru"}
    )
    assert english.content == russian.content and "moderation" not in english.text
    assert "accept-language" not in varies(english) | varies(russian)


def test_a_remembered_reader_answered_before_routing_gets_their_language(
    sqlite_url: str, redis_clean_url: str
) -> None:
    with Harness.start(sqlite_url, redis_url=redis_clean_url) as h:
        token = h.token("dev:reader")
        held(post(h, token, obscene(), "ru"))
        reading = h.service.reading
        for _ in range(3):  # learnt, remembered with its version, then answered early
            assert own_messages(read(h, token, "ru")) == [RUSSIAN]
        hits = reading.hits
        assert own_messages(read(h, token, "ru")) == [RUSSIAN]
        assert reading.hits == hits + 1  # from the copy
        for _ in range(2):  # the English block: made by the router, then kept beside
            english = read(h, token, "en-US,en;q=0.9")
            assert own_messages(english) == [ENGLISH]
            assert "accept-language" in varies(english)
        hits = reading.hits
        for language, message in (("ru", RUSSIAN), (None, ENGLISH), ("ru-RU", RUSSIAN)):
            answer = read(h, token, language)
            assert own_messages(answer) == [message], language
            assert {"accept-language", "authorization"} <= varies(answer)
        assert reading.hits == hits + 3  # all three from the copies, each its own
        assert own_messages(read(h, token, "uk")) == [UKRAINIAN]


def test_the_queue_and_the_dry_run_answer_in_the_asked_language(harness: Harness) -> None:
    held(post(harness, harness.token(), obscene(), None))
    mod = harness.auth(harness.moderator())
    queue = harness.client.get(QUEUE, headers=mod | {"Accept-Language": "ru"})
    assert queue.status_code == 200 and "accept-language" in varies(queue)
    [reason] = queue.json()["items"][0]["reasons"]
    assert reason["message"] == RUSSIAN and reason["tier"] == "strong"
    assert reason["code"] == "PROFANITY" and reason["action"] == "hold"
    english = harness.client.get(QUEUE, headers=mod).json()["items"][0]["reasons"][0]
    assert english["message"] == ENGLISH and english["span"] == reason["span"]

    checked = harness.client.post(
        CHECK, json={"body": "Какой пиздец."}, headers=mod | {"Accept-Language": "be"}
    )
    assert checked.status_code == 200 and "accept-language" in varies(checked)
    assert checked.json()["action"] == "hold"
    [verdict] = checked.json()["reasons"]
    assert verdict == {"code": "PROFANITY", "message": BELARUSIAN, "span": verdict["span"],
                       "tier": "strong"}  # fmt: skip
    assert harness.client.post(CHECK, json={"body": "What the fuck."}, headers=mod).json()[
        "reasons"
    ][0]["message"] == ENGLISH

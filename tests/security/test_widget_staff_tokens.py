"""A site's own staff moderating from the article with their widget token.

The widget offers staff a few actions on the comments it shows: a decision (approve,
reject), feature and unfeature, a ban of the author. Their widget token may take those on
its own site and nothing else (`test_attack_tokens.py` walks every other moderation
endpoint); a reader's token, or a staff member's token for another site, takes none.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.harness import Harness

DECISION = "/api/v1/moderation/comments/{}/decision"


@pytest.fixture
def news(quick: Harness) -> Harness:
    """Site `news` with a moderator (dev:mod) and an admin (dev:boss); site `other` too."""
    quick.run(lambda s: s.sites.create("other", ["https://other.example"]))
    quick.moderator("dev:mod")
    quick.moderator("dev:boss", role="admin")
    return quick


def published(h: Harness, author: str = "dev:alice") -> str:
    answer = h.post(h.token(author))
    assert answer.status_code == 201 and answer.json()["status"] == "approved", answer.text
    return str(answer.json()["id"])


def shown_ids(h: Harness) -> list[str]:
    return [c["id"] for c in h.thread()["comments"]]


def log_actions(h: Harness) -> list[tuple[str, str]]:
    entries = h.client.get(
        "/api/v1/sites/news/moderation/log", headers=h.auth(h.moderator("dev:boss", role="admin"))
    ).json()["entries"]
    return [(e["action"], e["actor"]["id"]) for e in entries]


def test_moderators_widget_token_rejects_a_comment_and_it_leaves_the_page(news: Harness) -> None:
    comment = published(news)
    widget = news.token("dev:mod")
    answer = news.client.post(
        DECISION.format(comment), json={"action": "reject", "from_status": "approved",
                                        "reason": "Off topic"},
        headers=news.auth(widget),
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert answer.json()["comment"] == {"id": comment, "status": "rejected"}
    assert comment not in shown_ids(news)
    assert ("reject", "dev:mod") in log_actions(news)


def test_moderators_widget_token_features_and_unfeatures_a_comment(news: Harness) -> None:
    first, second = published(news), published(news)
    widget = news.token("dev:mod")
    path = "/api/v1/moderation/comments/{}/{}"
    featured = news.client.post(path.format(second, "feature"), headers=news.auth(widget))
    assert featured.status_code == 200, featured.text
    assert featured.json()["comment"]["featured"] is True
    assert shown_ids(news) == [second, first]
    assert news.thread()["comments"][0]["featured"] is True
    undone = news.client.post(path.format(second, "unfeature"), headers=news.auth(widget))
    assert undone.status_code == 200, undone.text
    assert shown_ids(news) == [first, second]


def test_moderators_widget_token_bans_an_author_who_then_cannot_post(news: Harness) -> None:
    author = news.token("dev:alice")
    published(news)
    widget = news.token("dev:mod")
    answer = news.client.post(
        "/api/v1/sites/news/bans", json={"user_id": "dev:alice", "reason": "Spam"},
        headers=news.auth(widget),
    )  # fmt: skip
    assert answer.status_code == 201, answer.text
    assert news.post(author).status_code == 401  # the ban ended the author's session
    again = news.post(news.token("dev:alice"))
    assert again.status_code == 403 and again.json()["error"]["code"] == "banned"
    assert ("ban", "dev:mod") in log_actions(news)


def test_moderators_widget_token_cannot_ban_an_admin(news: Harness) -> None:
    answer = news.client.post(
        "/api/v1/sites/news/bans", json={"user_id": "dev:boss", "reason": "Mutiny"},
        headers=news.auth(news.token("dev:mod")),
    )  # fmt: skip
    assert answer.status_code == 403, answer.text
    assert "ask an admin" in answer.json()["error"]["message"]


@pytest.mark.parametrize(
    "holder",
    [
        pytest.param(lambda h: h.token("dev:reader"), id="a-readers-widget-token"),
        pytest.param(lambda h: h.token("dev:mod", site="other"), id="staff-token-for-another-site"),
    ],
)
def test_in_article_actions_refuse_a_token_without_the_role_on_the_site(
    news: Harness, holder: Any
) -> None:
    comment = published(news)
    token = holder(news)
    requests: list[tuple[str, dict[str, Any] | None]] = [
        (DECISION.format(comment), {"action": "reject"}),
        (f"/api/v1/moderation/comments/{comment}/feature", None),
        (f"/api/v1/moderation/comments/{comment}/unfeature", None),
        ("/api/v1/sites/news/bans", {"user_id": "dev:alice", "reason": "Spam"}),
    ]
    for path, body in requests:
        answer = news.client.post(path, json=body, headers=news.auth(token))
        assert answer.status_code == 403, (path, answer.text)
        assert answer.json()["error"]["code"] == "forbidden"
    assert shown_ids(news) == [comment]
    assert news.post(news.token("dev:alice")).status_code == 201
